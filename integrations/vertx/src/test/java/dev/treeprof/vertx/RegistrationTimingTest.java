package dev.treeprof.vertx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vert.x sizes each instance's context-local table when the instance is built, so "handler
 * created after Vertx" is the pitfall. These tests run {@link RegistrationProbe} in a fresh JVM,
 * where nothing of treeprof is loaded before the {@code Vertx} is built: once as shipped (the
 * service provider registers the slot during the build), once without the service file (the
 * fallback map must do the same job and be empty afterwards).
 */
class RegistrationTimingTest {

    private static final String SERVICE_FILE = "META-INF/services/io.vertx.core.spi.VertxServiceProvider";

    @Test
    void theServiceProviderRegistersTheSlotBeforeAVertxBuiltFirst() throws Exception {
        assertTrue(ChildJvm.classPath().stream().anyMatch(e -> Path.of(e).equals(ChildJvm.mainClasses())),
                "the module's classes are on java.class.path: " + ChildJvm.classPath());
        String out = ChildJvm.run(ChildJvm.classPath(), RegistrationProbe.class);
        assertTrue(out.contains("probe: slot=30 map=0 good=30/30 fallbackLeft=0 bound=0"), out);
    }

    @Test
    void withoutTheProviderTheFallbackStillAttributesEveryHop(@TempDir Path tmp) throws Exception {
        String out = ChildJvm.run(withoutServiceFile(tmp), RegistrationProbe.class);
        assertTrue(out.contains("probe: slot=0 map=30 good=30/30 fallbackLeft=0 bound=0"), out);
    }

    /** An instance built before the slot and one after, in one JVM: each context answers from its own store. */
    @Test
    void anInstanceBuiltBeforeTheSlotAndOneBuiltAfterEachFindTheirOwnProfiler(@TempDir Path tmp) throws Exception {
        String out = ChildJvm.run(withoutServiceFile(tmp), MixedInstancesProbe.class);
        assertTrue(out.contains("mixed: late=true earlyUnbound=true earlyUnboundAgain=true early=true lateStill=true "
                + "earlySlot=false lateSlot=true earlyAfter=true bound=0"), out);
    }

    /** The class path with a copy of the module's classes that lacks the service file. */
    private static List<String> withoutServiceFile(Path tmp) throws Exception {
        Path classes = ChildJvm.mainClasses();
        assertTrue(Files.exists(classes.resolve(SERVICE_FILE)), "the shipped classes hold the service file");
        Path copy = tmp.resolve("classes");
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.collect(Collectors.toList())) {
                String rel = classes.relativize(f).toString().replace(File.separatorChar, '/');
                Path target = copy.resolve(classes.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!rel.equals(SERVICE_FILE)) {
                    Files.copy(f, target);
                }
            }
        }
        return ChildJvm.classPath().stream()
                .map(e -> Path.of(e).equals(classes) ? copy.toString() : e).collect(Collectors.toList());
    }
}
