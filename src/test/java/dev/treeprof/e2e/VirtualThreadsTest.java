package dev.treeprof.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.impl.record.TreeProfiler;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Virtual threads (JDK 21+): many short-lived threads record into one profiler; trees of ended
 * threads are folded so memory stays bounded, and the numbers stay exact. The project's CI runs
 * this module a second time on the Temurin 25 JDK; on JDK 17 the test is skipped (no virtual threads).
 */
class VirtualThreadsTest {

    private static final ScopeName REQUEST = ScopeName.of("request");
    private static final ScopeName QUERY = ScopeName.of("query");

    private static Thread startVirtual(Runnable task) throws Exception {
        Method ofVirtual = Thread.class.getMethod("ofVirtual");
        Object builder = ofVirtual.invoke(null);
        Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        return (Thread) start.invoke(builder, task);
    }

    @Test
    void hundredThousandVirtualThreadsRecordExactlyInBoundedMemory() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+; CI runs this on JDK 25");
        Profiler p = Profile.newProfiler();
        p.start();
        int threads = 100_000;
        List<Thread> started = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            started.add(startVirtual(p.wrap(() -> {
                try (Scope r = Profile.scope(REQUEST)) {
                    try (Scope q = Profile.scope(QUERY)) {
                        Thread.yield();
                    }
                }
            })));
        }
        for (Thread t : started) {
            t.join();
        }
        p.disable();
        Stats s = p.stats();
        assertEquals(threads, s.row("request").totalCalls());
        assertEquals(threads, s.row("query").callers().get(REQUEST).totalCalls());
        int trees = ((TreeProfiler) p).threadProfiles().size();
        assertTrue(trees <= 2, "ended virtual threads fold into one tree, kept: " + trees);
    }
}
