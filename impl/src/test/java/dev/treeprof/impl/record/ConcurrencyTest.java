package dev.treeprof.impl.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Many threads record while another thread keeps reading stats: no blocking, no errors, exact at the end. */
class ConcurrencyTest {

    @Test
    void readingStatsWhileThreadsRecordIsSafeAndExactOnceQuiet() throws Exception {
        TreeProfiler p = new TreeProfiler();
        p.start();
        int threads = 8;
        int iterations = 20_000;
        ScopeName[] names = new ScopeName[50];
        for (int i = 0; i < names.length; i++) {
            names[i] = ScopeName.of("n" + i);
        }
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            Thread w = new Thread(p.wrap(() -> {
                try {
                    start.await();
                    for (int i = 0; i < iterations; i++) {
                        try (Scope outer = Profile.scope(names[(i + seed) % names.length])) {
                            try (Scope inner = Profile.scope(names[(i * 7 + seed) % names.length])) {
                                Thread.onSpinWait();
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }), "recorder-" + t);
            workers.add(w);
            w.start();
        }
        start.countDown();
        int reads = 0;
        while (workers.stream().anyMatch(Thread::isAlive)) {
            Stats s = p.stats();
            long calls = s.rows().stream().mapToLong(StatsRow::totalCalls).sum();
            assertTrue(calls <= 2L * threads * iterations);
            reads++;
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        Stats s = p.stats();
        assertEquals(2L * threads * iterations, s.totalCalls());
        assertEquals(2L * threads * iterations, s.rows().stream().mapToLong(StatsRow::totalCalls).sum());
        assertTrue(reads > 0);
        assertTrue(p.anomalies().snapshot().isEmpty(), p.anomalies().snapshot().toString());
        p.disable();
    }
}
