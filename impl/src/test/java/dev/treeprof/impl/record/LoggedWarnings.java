package dev.treeprof.impl.record;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what slf4j-simple (the tests' provider, writing to {@code System.err}) logs while a
 * task runs, after letting the given kinds warn again: warnings are once per process, and other
 * tests in this JVM may have used them up.
 */
final class LoggedWarnings {

    private LoggedWarnings() {
    }

    interface Task {
        void run() throws Exception;
    }

    static String during(Task task, Anomalies.Kind... rearm) throws Exception {
        for (Anomalies.Kind k : rearm) {
            Anomalies.WARNED.set(k.ordinal(), null);
        }
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            task.run();
        } finally {
            System.setErr(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
