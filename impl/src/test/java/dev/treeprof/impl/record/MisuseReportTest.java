package dev.treeprof.impl.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the recorder says and does when a scope is misused: never an exception, a true warning. */
class MisuseReportTest {

    private final FakeClock clock = new FakeClock();
    private final TreeProfiler p = new TreeProfiler(clock, 1000);

    @AfterEach
    void stop() {
        p.disable();
    }

    @Test
    void aCloseOnAnotherThreadIsReportedAsTheEndOfTheScope() throws Exception {
        p.enable();
        Scope a = Profile.scope(ScopeName.of("a"));
        clock.advanceMillis(2);
        String log = LoggedWarnings.during(() -> {
            Thread t = new Thread(a::close, "closer");
            t.start();
            t.join();
        }, Anomalies.Kind.WRONG_THREAD_CLOSE);
        clock.advanceMillis(5);
        try (Scope b = Profile.scope(ScopeName.of("b"))) {
            clock.advanceMillis(1);
        }
        p.disable();
        // the scope did end at the other thread's close, so the warning must not say it was ignored
        assertEquals(2_000_000L, p.stats().row("a").cumtimeNanos());
        assertTrue(log.contains("closed on a thread other than the one that opened it; it ended at that close"), log);
        assertFalse(log.contains("ignored"), log);
        assertTrue(log.contains("closed on thread closer"), log);
    }

    @Test
    void nullNamesAreRecordedUnderOneVisibleNameAndWarnedAboutOnce() throws Exception {
        p.enable();
        String log = LoggedWarnings.during(() -> {
            try (Scope s = Profile.scope((ScopeName) null)) {
                clock.advanceMillis(3);
            }
            try (Scope s = Profile.scope((String) null)) {
                clock.advanceMillis(4);
            }
            try (Scope outer = Profile.scope(ScopeName.of("outer"));
                 Scope inner = Profile.scope((String) null)) {
                clock.advanceMillis(1);
            }
        }, Anomalies.Kind.NULL_NAME);
        p.disable();
        Stats s = p.stats();
        StatsRow row = s.row("{null scope name}");
        assertNotNull(row, s.formatStats());
        assertEquals(3, row.totalCalls());
        assertEquals(8_000_000L, row.tottimeNanos());
        assertTrue(row.callers().containsKey(ScopeName.of("outer")));
        assertEquals(1, log.split("null name", -1).length - 1, log);
        assertTrue(p.anomalies().count(Anomalies.Kind.NULL_NAME) >= 1);
    }

    @Test
    void nullNamesAreANoOpWhileNothingRecords() {
        assertSame(Scope.noop(), Profile.scope((ScopeName) null));
        assertSame(Scope.noop(), Profile.scope((String) null));
    }
}
