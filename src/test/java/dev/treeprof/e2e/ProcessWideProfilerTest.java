package dev.treeprof.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** api + impl bound through ServiceLoader, as a user's application sees them. */
class ProcessWideProfilerTest {

    private static final ScopeName WORK = ScopeName.of("work");

    @Test
    void theImplementationIsFoundAndScopesRecord() {
        Profiler p = Profile.newProfiler();
        p.enable();
        try (Scope s = Profile.scope(WORK)) {
            assertNotSame(Scope.noop(), s);
        }
        p.disable();
        assertEquals(1, p.stats().row("work").totalCalls());
        assertEquals("dev.treeprof.impl.record.TreeProfiler", p.getClass().getName());
    }

    @Test
    void processWideProfilerRecordsEveryThreadIntoItsOwnTree() throws Exception {
        Profile.defaultProfiler().clear();
        Profile.enable();
        try {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    for (int j = 0; j < 10; j++) {
                        try (Scope s = Profile.scope("global-work")) {
                            Thread.onSpinWait();
                        }
                    }
                }, "global-" + i);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            Profile.disable();
        }
        assertFalse(Profile.isEnabled());
        Stats s = Profile.stats();
        assertEquals(40, s.row("global-work").totalCalls());
        Map<String, Stats> perThread = s.byThread();
        for (int i = 0; i < 4; i++) {
            assertEquals(10, perThread.get("global-" + i).row("global-work").totalCalls(), perThread.keySet().toString());
        }
        try (Scope s2 = Profile.scope("after-disable")) {
            assertTrue(s2 == Scope.noop());
        }
    }

    @Test
    void callSiteScopesAreNamedLikePstatsLabels() {
        Profiler p = Profile.newProfiler();
        p.enable();
        for (int i = 0; i < 3; i++) {
            try (Scope s = Profile.scope()) { // this is line 80
                Thread.onSpinWait();
            }
        }
        p.disable();
        StatsRow row = p.stats().rows().get(0);
        assertEquals("dev/treeprof/e2e/ProcessWideProfilerTest.java:80(callSiteScopesAreNamedLikePstatsLabels)", row.label());
        assertEquals(3, row.totalCalls());
    }

    @Test
    void printStatsGoesToTheChosenStreamOrSink() {
        Profiler p = Profile.newProfiler();
        p.enable();
        try (Scope s = Profile.scope(WORK)) {
            Thread.onSpinWait();
        }
        p.disable();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        p.stats().sortStats("cumtime").stream(new PrintStream(bytes, true, StandardCharsets.UTF_8)).printStats();
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("         1 function calls in "), printed);
        assertTrue(printed.contains("   Ordered by: cumulative time\n"), printed);
        StringBuilder logged = new StringBuilder();
        p.stats().sink(logged::append).printCallees();
        assertTrue(logged.toString().contains("work  -> \n"), logged.toString());
        assertNotNull(p.stats().row("work"));
    }
}
