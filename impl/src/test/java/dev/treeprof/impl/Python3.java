package dev.treeprof.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the machine's python3 for the tests that check treeprof against CPython's own cProfile and
 * pstats. A missing python3 fails the test with a clear message rather than skipping it: CI
 * installs it, and a skipped interop test would hide exactly what it is there to catch.
 */
public final class Python3 {

    private Python3() {
    }

    /** {@link #run(Path, long, String...)} with 120 s to finish. */
    public static String run(Path dir, String... args) throws IOException, InterruptedException {
        return run(dir, 120, args);
    }

    /**
     * Runs {@code python3 args...} in {@code dir} and returns what it printed (stdout and stderr),
     * asserting it exits with 0 within {@code timeoutSeconds}. Python prints in UTF-8 and in the
     * JVM's time zone, so dates in pstats' headers match Java's.
     */
    public static String run(Path dir, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("python3");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("TZ", ZoneId.systemDefault().getId());
        pb.environment().put("PYTHONIOENCODING", "utf-8");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError("python3 is needed for the pstats interop tests (CI installs it): " + e.getMessage(), e);
        }
        // read before waiting: a child blocked on a full pipe would never finish
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python3 did not finish in " + timeoutSeconds + " s");
        }
        assertEquals(0, p.exitValue(), "python3 " + String.join(" ", args) + " failed:\n" + out);
        return out;
    }
}
