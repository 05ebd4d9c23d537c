package dev.treeprof.impl.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Binding;
import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import dev.treeprof.impl.stats.StatsTable;
import dev.treeprof.ThreadTree;
import dev.treeprof.CallNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecorderTest {

    private static final ScopeName A = ScopeName.of("a");
    private static final ScopeName B = ScopeName.of("b");
    private static final ScopeName C = ScopeName.of("c");

    private final FakeClock clock = new FakeClock();
    private final TreeProfiler p = new TreeProfiler(clock, 1000);

    @AfterEach
    void stop() {
        p.disable();
    }

    private void timed(ScopeName name, long millis) {
        try (Scope s = Profile.scope(name)) {
            clock.advanceMillis(millis);
        }
    }

    @Test
    void theRecordingSwitchIsOnWhileAnyProfilerRecordsAndOffAfterTheLast() {
        Profile.scope("binds the API to this provider").close();
        int others = Recorder.enabledProfilers(); // 0, unless another test left a profiler on
        TreeProfiler a = new TreeProfiler();
        TreeProfiler b = new TreeProfiler();
        a.start();
        assertTrue(dev.treeprof.spi.RecordingSwitch.isOn());
        b.start();
        a.disable();
        assertTrue(dev.treeprof.spi.RecordingSwitch.isOn(), "b still records");
        b.disable();
        assertEquals(others, Recorder.enabledProfilers());
        assertEquals(others > 0, dev.treeprof.spi.RecordingSwitch.isOn(), "off after the last one stops");
        a.start();
        assertTrue(dev.treeprof.spi.RecordingSwitch.isOn(), "on again for a restarted profiler");
        a.disable();
        assertEquals(others > 0, dev.treeprof.spi.RecordingSwitch.isOn());
    }

    @Test
    void nothingRecordsUntilEnabledAndAfterDisabled() {
        timed(A, 1);
        p.enable();
        timed(A, 1);
        p.disable();
        timed(A, 1);
        assertEquals(1, p.stats().row("a").totalCalls());
        assertFalse(p.isEnabled());
    }

    @Test
    void treeHoldsOneNodePerDistinctPath() {
        p.enable();
        for (int i = 0; i < 1000; i++) {
            try (Scope a = Profile.scope(A)) {
                timed(B, 1);
                timed(C, 2);
            }
            timed(B, 1);
        }
        p.disable();
        List<ThreadTree> threads = p.threadProfiles();
        assertEquals(1, threads.size());
        CallNode root = threads.get(0).root();
        assertEquals(2, root.children().size());
        CallNode a = root.children().get(0);
        assertEquals(1000, a.calls());
        assertEquals(3_000_000_000L, a.totalNanos());
        assertEquals(0, a.ownNanos());
        assertEquals(2, a.children().size());
        assertEquals(1_000_000_000L, root.children().get(1).totalNanos());
    }

    @Test
    void outOfOrderCloseRepairsTheTreeAndCounts() {
        p.enable();
        Scope a = Profile.scope(A);
        clock.advanceMillis(1);
        Scope b = Profile.scope(B);
        clock.advanceMillis(2);
        a.close(); // b is still open: closed with a
        clock.advanceMillis(5);
        b.close(); // already closed by the repair: ignored silently
        timed(C, 1);
        p.disable();
        Stats s = p.stats();
        assertEquals(3_000_000L, s.row("a").cumtimeNanos());
        assertEquals(2_000_000L, s.row("b").cumtimeNanos());
        assertEquals(A, s.row("b").callers().keySet().iterator().next());
        assertTrue(s.row("c").callers().isEmpty(), "c is top level again");
        assertEquals(1, p.anomalies().count(Anomalies.Kind.OUT_OF_ORDER_CLOSE));
        assertEquals(0, p.anomalies().count(Anomalies.Kind.DOUBLE_CLOSE));
    }

    @Test
    void doubleCloseIsIgnoredAndCounted() {
        p.enable();
        Scope a = Profile.scope(A);
        clock.advanceMillis(1);
        a.close();
        a.close();
        timed(B, 1);
        p.disable();
        assertEquals(1, p.stats().row("a").totalCalls());
        assertTrue(p.stats().row("b").callers().isEmpty());
        assertEquals(1, p.anomalies().count(Anomalies.Kind.DOUBLE_CLOSE));
    }

    @Test
    void closeOnAnotherThreadIsIgnored() throws Exception {
        p.enable();
        Scope a = Profile.scope(A);
        Thread t = new Thread(a::close);
        t.start();
        t.join();
        clock.advanceMillis(4);
        a.close();
        p.disable();
        assertEquals(4_000_000L, p.stats().row("a").cumtimeNanos());
        assertEquals(1, p.anomalies().count(Anomalies.Kind.WRONG_THREAD_CLOSE));
    }

    @Test
    void aScopeClosedOnlyOnAnotherThreadIsUnwoundByItsOwner() throws Exception {
        p.enable();
        Scope a = Profile.scope(A);
        clock.advanceMillis(2);
        Thread t = new Thread(a::close);
        t.start();
        t.join();
        clock.advanceMillis(5);
        timed(B, 1); // the owner's next scope unwinds a first: b is top level, not inside a
        p.disable();
        Stats s = p.stats();
        assertEquals(1, s.row("a").totalCalls());
        assertEquals(2_000_000L, s.row("a").cumtimeNanos(), "a ends when the other thread closed it");
        assertTrue(s.row("b").callers().isEmpty(), s.formatCallers());
        assertEquals(1, p.anomalies().count(Anomalies.Kind.WRONG_THREAD_CLOSE));
    }

    @Test
    void aLateCloseOfARepairedScopeNeverClosesALaterScope() {
        p.enable();
        Scope a = Profile.scope(A);
        p.disable(); // closes a, as cProfile does
        p.enable();
        Scope b = Profile.scope(B); // same depth as a
        clock.advanceMillis(1);
        a.close(); // the user's own, late close of a
        clock.advanceMillis(10);
        b.close();
        Scope outer = Profile.scope(A);
        Scope inner = Profile.scope(B);
        outer.close(); // out of order: inner is closed with it
        Scope c = Profile.scope(C); // same depth as outer
        inner.close(); // late close of the repaired inner scope
        clock.advanceMillis(3);
        c.close();
        p.disable();
        Stats s = p.stats();
        assertEquals(11_000_000L, s.row("b").cumtimeNanos(), s.formatStats());
        assertEquals(3_000_000L, s.row("c").cumtimeNanos());
        assertEquals(0, p.anomalies().count(Anomalies.Kind.DOUBLE_CLOSE));
    }

    @Test
    void callsPastTheNodeCapAreCountedOnceInTime() {
        TreeProfiler one = new TreeProfiler(clock, 1);
        one.enable();
        try (Scope a = Profile.scope(A)) {
            try (Scope b = Profile.scope(B)) { // past the cap: the overflow node
                try (Scope c = Profile.scope(C)) { // nested inside the overflow node
                    clock.advanceMillis(10);
                }
            }
        }
        one.disable();
        Stats s = one.stats();
        StatsRow overflow = s.row("{treeprof: node limit reached}");
        assertEquals(2, overflow.totalCalls(), s.formatStats());
        assertEquals(10_000_000L, overflow.cumtimeNanos(), "nested overflow time is not counted twice");
        assertEquals(10_000_000L, s.row("a").cumtimeNanos());
        assertEquals(1, one.anomalies().count(Anomalies.Kind.NODE_LIMIT), "reported once the tree is read");
    }

    @Test
    void disableClosesOpenScopesLikeCProfile() {
        p.enable();
        Scope a = Profile.scope(A);
        Scope b = Profile.scope(B);
        clock.advanceMillis(3);
        p.disable();
        clock.advanceMillis(100);
        b.close();
        a.close();
        Stats s = p.stats();
        assertEquals(3_000_000L, s.row("a").cumtimeNanos());
        assertEquals(3_000_000L, s.row("b").cumtimeNanos());
        assertTrue(p.anomalies().snapshot().isEmpty(), p.anomalies().snapshot().toString());
    }

    @Test
    void scopeLeftOpenByAnEndedThreadIsClosedAtItsLastInstant() throws Exception {
        p.start();
        Thread t = new Thread(p.wrap(() -> {
            Profile.scope(A); // never closed
            timed(B, 2);
        }), "leaky");
        t.start();
        t.join();
        p.pruneEndedThreads();
        Stats s = p.stats();
        assertEquals(2_000_000L, s.row("a").cumtimeNanos());
        assertEquals(1, s.row("a").totalCalls());
        assertEquals(1, p.anomalies().count(Anomalies.Kind.UNCLOSED));
        assertTrue(s.byThread().containsKey("leaky"));
    }

    @Test
    void nodeCapSendsNewPathsToOneOverflowNode() {
        TreeProfiler small = new TreeProfiler(clock, 10);
        small.enable();
        try {
            for (int i = 0; i < 50; i++) {
                try (Scope s = Profile.scope("dynamic-" + i)) {
                    timed(A, 1);
                }
            }
        } finally {
            small.disable();
        }
        Stats s = small.stats();
        StatsRow overflow = s.row("{treeprof: node limit reached}");
        assertNotNull(overflow, s.formatStats());
        assertTrue(overflow.totalCalls() > 0);
        long calls = s.rows().stream().mapToLong(StatsRow::totalCalls).sum();
        assertEquals(100, calls, "every call is counted somewhere");
        assertEquals(1, small.threadProfiles().size());
        small.pruneEndedThreads();
        small.threadProfiles();
    }

    @Test
    void newestBindingWinsAndClosingRestoresThePreviousOne() {
        TreeProfiler other = new TreeProfiler(clock, 1000);
        p.enable();
        timed(A, 1);
        other.start();
        try (Binding b = other.attach()) {
            timed(B, 1);
        }
        timed(C, 1);
        other.disable();
        assertNull(p.stats().row("b"));
        assertNotNull(p.stats().row("c"));
        assertEquals(1, other.stats().row("b").totalCalls());
        assertNull(other.stats().row("a"));
    }

    @Test
    void disabledBoundProfilerFallsBackToTheDefaultProfiler() {
        TreeProfiler global = new TreeProfiler(clock, 1000);
        global.start();
        try (Binding b = p.attach()) { // p is bound but not enabled
            try (Scope s = Recorder.enter(global, A)) {
                clock.advanceMillis(1);
            }
        } finally {
            global.disable();
        }
        assertEquals(1, global.stats().row("a").totalCalls());
        assertNull(p.stats().row("a"));
        try (Scope s = Recorder.enter(global, B)) {
            assertSame(Scope.noop(), s, "nothing records once the default profiler stops");
        }
    }

    @Test
    void wrappedTasksRecordIntoTheirOwnThreadTree() throws Exception {
        p.enable();
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "worker"));
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                tasks.add(p.wrap(() -> {
                    timed(B, 1);
                    return 1;
                }));
            }
            pool.invokeAll(tasks);
            pool.submit(p.wrap(() -> timed(C, 1))).get();
            pool.submit(() -> timed(A, 1)).get(); // not wrapped: not recorded
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
        timed(A, 1);
        p.disable();
        Stats s = p.stats();
        assertEquals(20, s.row("b").totalCalls());
        assertEquals(1, s.row("c").totalCalls());
        assertEquals(1, s.row("a").totalCalls());
        assertEquals(20, s.byThread().get("worker").row("b").totalCalls());
        assertNull(s.byThread().get("worker").row("a"));
    }

    @Test
    void clearForgetsWhatWasRecorded() {
        p.enable();
        timed(A, 1);
        p.clear();
        timed(B, 1);
        Stats s = p.stats();
        assertNull(s.row("a"));
        assertEquals(1, s.row("b").totalCalls());
    }

    @Test
    void endedThreadsAreFoldedSoMemoryStaysBounded() throws Exception {
        p.start();
        for (int i = 0; i < 300; i++) {
            Thread t = new Thread(p.wrap(() -> timed(A, 1)), "short-" + i);
            t.start();
            t.join();
        }
        p.pruneEndedThreads();
        List<ThreadTree> threads = p.threadProfiles();
        assertTrue(threads.size() <= TreeProfiler.MAX_ENDED_NAMES + 1, "threads kept: " + threads.size());
        assertTrue(threads.stream().anyMatch(t -> t.threadName().equals(TreeProfiler.OTHER_ENDED)));
        assertEquals(300, p.stats().row("a").totalCalls());
    }

    @Test
    void aThrowingLookupIsIgnoredAndALookupWinsOverTheBinding() {
        TreeProfiler viaLookup = new TreeProfiler(clock, 1000);
        viaLookup.start();
        dev.treeprof.spi.ProfilerLookup broken = () -> {
            throw new IllegalStateException("bug in an integration");
        };
        dev.treeprof.spi.ProfilerLookup lookup = () -> viaLookup;
        p.enable();
        Recorder.addLookup(broken);
        try {
            timed(A, 1);
            Recorder.addLookup(lookup);
            timed(B, 1);
        } finally {
            Recorder.removeLookup(broken);
            Recorder.removeLookup(lookup);
            viaLookup.disable();
        }
        timed(C, 1);
        assertEquals(1, p.stats().row("a").totalCalls());
        assertNull(p.stats().row("b"));
        assertEquals(1, viaLookup.stats().row("b").totalCalls());
        assertEquals(1, p.stats().row("c").totalCalls());
    }

    /** A lookup whose answer changes between scopes, as requests interleave on one event loop. */
    private static final class SwitchingLookup implements dev.treeprof.spi.ProfilerLookup {
        volatile Profiler answer;

        @Override
        public Profiler current() {
            return answer;
        }
    }

    @Test
    void eachScopeGoesToTheProfilerTheLookupAnswersAtThatScope() {
        TreeProfiler first = new TreeProfiler(clock, 1000);
        TreeProfiler second = new TreeProfiler(clock, 1000);
        first.start();
        second.start();
        p.enable();
        SwitchingLookup lookup = new SwitchingLookup();
        Recorder.addLookup(lookup);
        try {
            for (int i = 0; i < 10; i++) {
                lookup.answer = i % 3 == 0 ? second : first; // runs of the same answer, then a switch
                timed(A, 1);
                lookup.answer = null; // code outside any request: the thread's binding decides
                timed(B, 1);
            }
            assertEquals(6, first.stats().row("a").totalCalls());
            assertEquals(4, second.stats().row("a").totalCalls());
            assertEquals(10, p.stats().row("b").totalCalls());

            lookup.answer = first;
            timed(A, 1);
            first.clear(); // while this thread's last answer is a segment of the cleared recording
            timed(A, 1);
            timed(A, 1);
            assertEquals(2, first.stats().row("a").totalCalls());

            first.disable(); // the lookup still answers it: the thread's binding takes over
            timed(C, 1);
            assertNull(first.stats().row("c"));
            assertEquals(1, p.stats().row("c").totalCalls());

            first.start(); // and records again once restarted, into the same recording
            timed(C, 1);
            assertEquals(1, first.stats().row("c").totalCalls());
            assertEquals(1, p.stats().row("c").totalCalls());
        } finally {
            Recorder.removeLookup(lookup);
            first.disable();
            second.disable();
        }
        assertNull(second.stats().row("b"));
        assertNull(first.stats().row("b"));
    }

    @Test
    void aThreadWhoseLookupAnsweredAFinishedProfilerDoesNotKeepItAlive() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(); // one thread that outlives the profiler
        SwitchingLookup lookup = new SwitchingLookup();
        Recorder.addLookup(lookup);
        try {
            java.lang.ref.WeakReference<TreeProfiler> gone = recordOnceThroughLookup(pool, lookup);
            for (int i = 0; i < 50 && gone.get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertNull(gone.get(), "the pool thread's cached lookup answer still holds the profiler and its tree");
        } finally {
            Recorder.removeLookup(lookup);
            pool.shutdown();
        }
    }

    private java.lang.ref.WeakReference<TreeProfiler> recordOnceThroughLookup(ExecutorService pool,
            SwitchingLookup lookup) throws Exception {
        TreeProfiler request = new TreeProfiler(clock, 1000);
        request.start();
        lookup.answer = request;
        pool.submit(() -> {
            timed(A, 1);
            timed(A, 1);
        }).get();
        lookup.answer = null;
        request.disable();
        assertEquals(2, request.stats().row("a").totalCalls());
        return new java.lang.ref.WeakReference<>(request);
    }

    @Test
    void aThreadThatRecordsNothingMoreDoesNotKeepAFinishedProfilerAlive() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(); // one thread that outlives the profiler
        try {
            java.lang.ref.WeakReference<TreeProfiler> gone = recordOnceOn(pool);
            for (int i = 0; i < 50 && gone.get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertNull(gone.get(), "the pool thread's cached state still holds the profiler and its tree");
        } finally {
            pool.shutdown();
        }
    }

    private java.lang.ref.WeakReference<TreeProfiler> recordOnceOn(ExecutorService pool) throws Exception {
        TreeProfiler request = new TreeProfiler(clock, 1000);
        request.start();
        pool.submit(request.wrap(() -> timed(A, 1))).get();
        request.disable();
        assertEquals(1, request.stats().row("a").totalCalls());
        return new java.lang.ref.WeakReference<>(request);
    }

    @Test
    void statsIsAStatsTableWithTimes() {
        p.enable();
        timed(A, 7);
        p.disable();
        StatsTable s = (StatsTable) p.stats();
        assertTrue(s.startMillis() > 0);
        assertEquals(0.007, s.row(A).cumtime(), 1e-12);
    }
}
