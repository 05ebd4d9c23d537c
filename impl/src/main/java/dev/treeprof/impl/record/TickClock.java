package dev.treeprof.impl.record;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's timer as the recorder's nanosecond clock: cProfile's {@code Profile(timer, timeunit)}.
 * A tick of a whole number of nanoseconds is scaled exactly with long arithmetic (which stays
 * exact for differences even when the product wraps); any other tick is rounded to the nearest
 * nanosecond at each reading.
 */
final class TickClock implements Clock {

    private static final Logger LOG = LoggerFactory.getLogger("dev.treeprof");

    private final LongSupplier timer;
    /** Nanoseconds per tick when a whole number, else 0. */
    private final long wholeNanosPerTick;
    private final double nanosPerTick;
    /** The last reading, returned again if the timer throws. */
    private long last;
    private volatile boolean warned;

    TickClock(LongSupplier timer, double timeUnit) {
        this.timer = timer;
        this.nanosPerTick = timeUnit * 1e9;
        long whole = Math.round(nanosPerTick);
        // 1e-6 * 1e9 is 1000.0000000000001 in doubles: accept what is a whole number up to rounding
        this.wholeNanosPerTick = whole >= 1 && Math.abs(nanosPerTick - whole) <= 1e-9 * whole ? whole : 0;
    }

    /** The clock for a timer; {@code timeUnit} is checked by the API. */
    static Clock of(LongSupplier timer, double timeUnit) {
        return new TickClock(timer, timeUnit);
    }

    @Override
    public long nanoTime() {
        long ticks;
        try {
            ticks = timer.getAsLong();
        } catch (RuntimeException e) {
            // the user's timer must not break the measured code: time stands still instead
            if (!warned) {
                warned = true;
                LOG.warn("treeprof: the profiler's timer threw; the last reading is used instead", e);
            }
            return last;
        }
        long nanos = wholeNanosPerTick != 0 ? ticks * wholeNanosPerTick : Math.round(ticks * nanosPerTick);
        last = nanos;
        return nanos;
    }
}
