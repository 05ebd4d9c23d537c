package dev.treeprof.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class in a fresh JVM, where nothing is loaded yet, with a class path of the test's choosing. */
final class ChildJvm {

    private ChildJvm() {
    }

    /** This JVM's class path entries (surefire is configured not to hide them in a manifest-only jar). */
    static List<String> classPath() {
        return List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    }

    /** The module's own main classes (target/classes). */
    static Path mainClasses() {
        try {
            return Path.of(ProfilerHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs the main class; fails unless it exits 0; returns its output (stdout and stderr). */
    static String run(List<String> classPath, Class<?> main) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Files.createTempFile("treeprof-child", ".log");
        try {
            Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", String.join(File.pathSeparator, classPath),
                    main.getName()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    fail("the JVM running " + main.getSimpleName() + " did not finish: " + Files.readString(log));
                }
            } finally {
                p.destroyForcibly();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
