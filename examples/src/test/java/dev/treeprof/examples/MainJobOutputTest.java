package dev.treeprof.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walkthrough as the main job runs it (its own JVM on the module's class path, output to
 * files): plain text, an SLF4J provider present, so treeprof's misuse report shows and SLF4J's
 * "no providers" warning does not. (.ci/run checks the same on ./run-example.sh's whole output.)
 */
class MainJobOutputTest {

    @TempDir
    Path dir;

    @Test
    void walkthroughOutputIsPlainTextAndShowsTheMisuseReport() throws Exception {
        JavaProcess p = JavaProcess.start(dir, Walkthrough.class, dir.resolve("profiles").toString());
        assertEquals(0, p.waitFor(120), p.stderr());
        String out = p.stdout();
        String err = p.stderr();
        assertTrue(out.contains("== Misuse: a scope closed twice"), out);
        assertTrue(err.contains("WARN dev.treeprof - treeprof: a scope was closed twice"), err);
        assertFalse(err.contains("No SLF4J providers") || err.contains("NOP"), err);
        assertFalse((out + err).contains("\u001b"), "no terminal escape codes");
    }
}
