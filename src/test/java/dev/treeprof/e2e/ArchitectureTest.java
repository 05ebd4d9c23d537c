package dev.treeprof.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the modules promise, checked on their compiled main classes:
 * <ul>
 *   <li>the API depends on nothing of treeprof but itself;</li>
 *   <li>the web integrations and the viewer use the API only, so they run with any
 *       implementation (the way OpenTelemetry's instrumentations need only its API);</li>
 *   <li>the command line tool uses the API, plus the implementation's file layer
 *       ({@code dev.treeprof.impl.format}: formats by name, loading directories), as its package
 *       documentation says; never the recorder;</li>
 *   <li>the viewer's core knows no web framework: the live viewer's Undertow and Vert.x adapters
 *       live in packages of their own, each knowing only its framework, so an application pulls
 *       only the framework it already has;</li>
 *   <li>no package depends on itself through others.</li>
 * </ul>
 */
class ArchitectureTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();
    private static JavaClasses all;

    /** The main classes of every module, read from their build output (the reactor builds them first). */
    @BeforeAll
    static void importModules() {
        List<Path> dirs = new ArrayList<>();
        for (String module : new String[] {"api", "impl", "cli", "viewer", "integrations/common",
                "integrations/undertow", "integrations/vertx"}) {
            Path classes = ROOT.resolve(module).resolve("target/classes");
            assertTrue(Files.isDirectory(classes), "build " + module + " first: no " + classes);
            dirs.add(classes);
        }
        all = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPaths(dirs);
    }

    @Test
    void theApiDependsOnNothingButItselfAndTheJdk() {
        classes().that().resideInAnyPackage("dev.treeprof", "dev.treeprof.spi", "dev.treeprof.internal")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.treeprof", "dev.treeprof.spi",
                        "dev.treeprof.internal", "java..")
                .check(all);
    }

    @Test
    void integrationsAndTheViewerUseTheApiOnly() {
        noClasses().that().resideInAnyPackage("dev.treeprof.web..", "dev.treeprof.undertow..", "dev.treeprof.vertx..",
                        "dev.treeprof.viewer..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.treeprof.impl..", "dev.treeprof.internal..")
                .because("integrations compile against treeprof-api alone and run with any implementation")
                .check(all);
    }

    @Test
    void theViewersCoreKnowsNoWebFramework() {
        noClasses().that().resideInAPackage("dev.treeprof.viewer")
                .should().dependOnClassesThat().resideInAnyPackage("io.undertow..", "io.vertx..")
                .because("the routes are written once for every server; adapters live in subpackages")
                .check(all);
        noClasses().that().resideInAPackage("dev.treeprof.viewer.undertow..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..")
                .check(all);
        noClasses().that().resideInAPackage("dev.treeprof.viewer.vertx..")
                .should().dependOnClassesThat().resideInAnyPackage("io.undertow..")
                .check(all);
    }

    @Test
    void theCommandLineToolUsesTheFileLayerButNeverTheRecorder() {
        noClasses().that().resideInAPackage("dev.treeprof.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.treeprof.impl.record..", "dev.treeprof.impl",
                        "dev.treeprof.internal..")
                .because("the command reads and writes files; it records nothing and needs none of the API's internals")
                .check(all);
    }

    @Test
    void theModuleDescriptorsSealTheApiBoundary() {
        java.lang.module.ModuleDescriptor api = descriptor("api");
        assertEquals(java.util.Set.of("dev.treeprof", "dev.treeprof.spi"),
                api.exports().stream().filter(e -> !e.isQualified())
                        .map(java.lang.module.ModuleDescriptor.Exports::source)
                        .collect(java.util.stream.Collectors.toSet()));
        // the internal package is open to the implementation alone
        assertEquals(java.util.Set.of("dev.treeprof.internal -> [dev.treeprof.impl]"),
                api.exports().stream().filter(java.lang.module.ModuleDescriptor.Exports::isQualified)
                        .map(e -> e.source() + " -> " + new java.util.TreeSet<>(e.targets()))
                        .collect(java.util.stream.Collectors.toSet()));
        assertTrue(api.requires().stream().allMatch(r -> r.name().equals("java.base")), api.requires().toString());
        java.lang.module.ModuleDescriptor impl = descriptor("impl");
        assertTrue(impl.exports().isEmpty(), "the implementation exports nothing: " + impl.exports());
        assertEquals(java.util.Set.of("dev.treeprof.impl.TreeprofProvider"), impl.provides().stream()
                .filter(p -> p.service().equals("dev.treeprof.spi.ProfilerProvider"))
                .flatMap(p -> p.providers().stream()).collect(java.util.stream.Collectors.toSet()));
        java.lang.module.ModuleDescriptor web = descriptor("integrations/common");
        assertTrue(web.requires().stream().noneMatch(r -> r.name().equals("dev.treeprof.impl")),
                "the web integrations need the API only: " + web.requires());
    }

    private static java.lang.module.ModuleDescriptor descriptor(String module) {
        return java.lang.module.ModuleFinder.of(ROOT.resolve(module).resolve("target/classes")).findAll().stream()
                .findFirst().orElseThrow(() -> new AssertionError(module + " has no module descriptor"))
                .descriptor();
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.treeprof.(**)").should().beFreeOfCycles().check(all);
    }

    @Test
    void theImplementationsPackagesAreLayered() {
        // record -> stats, format -> stats; stats knows neither (it is the pure pstats model).
        noClasses().that().resideInAPackage("dev.treeprof.impl.stats..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.treeprof.impl.format..",
                        "dev.treeprof.impl.record..")
                .check(all);
        noClasses().that().resideInAPackage("dev.treeprof.impl.format..")
                .should().dependOnClassesThat().resideInAPackage("dev.treeprof.impl.record..")
                .check(all);
    }
}
