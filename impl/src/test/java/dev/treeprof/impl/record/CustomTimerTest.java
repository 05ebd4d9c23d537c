package dev.treeprof.impl.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** cProfile's {@code Profile(timer, timeunit)}: scopes read the user's clock, ticks scaled by the unit. */
class CustomTimerTest {

    private static final ScopeName OUTER = ScopeName.of("outer");
    private static final ScopeName INNER = ScopeName.of("inner");

    private static Stats run(LongSupplier timer, AtomicLong ticks, long outerTicks, long innerTicks, double unit) {
        Profiler pr = Profile.newProfiler(timer, unit);
        pr.enable();
        try (Scope o = Profile.scope(OUTER)) {
            ticks.addAndGet(outerTicks);
            try (Scope i = Profile.scope(INNER)) {
                ticks.addAndGet(innerTicks);
            }
        }
        pr.disable();
        return pr.stats();
    }

    @Test
    void scopesReadTheTimerInItsUnit() {
        AtomicLong ticks = new AtomicLong(1_000_000);
        Stats s = run(ticks::get, ticks, 3, 4, 1e-6);
        assertEquals(7_000L, s.row("outer").cumtimeNanos());
        assertEquals(3_000L, s.row("outer").tottimeNanos());
        assertEquals(4_000L, s.row("inner").tottimeNanos());
        assertEquals(2, s.totalCalls());
    }

    @Test
    void nanosecondTicksAreExactAtAnyMagnitude() {
        AtomicLong ticks = new AtomicLong(Long.MAX_VALUE - 5);
        Stats s = run(ticks::get, ticks, 1, 2, 1e-9); // the timer wraps around inside the scope
        assertEquals(3L, s.row("outer").cumtimeNanos());
        assertEquals(2L, s.row("inner").cumtimeNanos());
    }

    @Test
    void aTickOfAFractionalNanosecondIsRounded() {
        AtomicLong ticks = new AtomicLong();
        Stats s = run(ticks::get, ticks, 40, 10, 2.5e-10); // 4 ticks per nanosecond
        assertEquals(13L, s.row("outer").cumtimeNanos()); // 12.5 ns, rounded at each reading
        assertEquals(3L, s.row("inner").cumtimeNanos());
    }

    @Test
    void aThrowingTimerStandsStillInsteadOfBreakingTheCode() {
        AtomicLong ticks = new AtomicLong(100);
        LongSupplier flaky = () -> {
            if (ticks.get() > 102) {
                throw new IllegalStateException("clock gone");
            }
            return ticks.get();
        };
        Stats s = run(flaky, ticks, 2, 5, 1e-3);
        assertEquals(2, s.totalCalls());
        assertEquals(2_000_000L, s.row("outer").cumtimeNanos()); // ended at the last good reading
        assertEquals(0L, s.row("inner").cumtimeNanos());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(NullPointerException.class, () -> Profile.newProfiler(null, 1e-9));
        for (double unit : new double[] {0, -1e-9, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> Profile.newProfiler(System::nanoTime, unit));
        }
    }
}
