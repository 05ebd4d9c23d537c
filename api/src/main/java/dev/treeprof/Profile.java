package dev.treeprof;

import dev.treeprof.spi.ProfilerProvider;
import dev.treeprof.spi.RecordingSwitch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The entry points of treeprof.
 *
 * <p>Open timed scopes anywhere in your code; they cost one field read while nothing records:
 *
 * <pre>{@code
 * static final ScopeName LOAD = ScopeName.of("loadOrders");
 *
 * try (Scope s = Profile.scope(LOAD)) {
 *     loadOrders();
 * }
 * }</pre>
 *
 * <p>Record them like cProfile, on the current thread:
 *
 * <pre>{@code
 * Profiler pr = Profile.newProfiler();
 * pr.enable();
 * work();
 * pr.disable();
 * pr.printStats("cumtime");
 * }</pre>
 *
 * <p>or process-wide, on every thread, with {@link #enable()} / {@link #disable()} /
 * {@link #stats()}. Without {@code treeprof-impl} on the class path every method is a cheap no-op.
 */
public final class Profile {

    private static final ProfilerProvider PROVIDER = ProfilerProvider.current();

    private Profile() {
    }

    /**
     * Opens a scope with a pre-made name: the fastest form, allocation-free while recording.
     * Never throws: a null name is recorded under {@code {null scope name}} (and warned about once),
     * so a bug in naming cannot break the code only once profiling is turned on.
     */
    public static Scope scope(ScopeName name) {
        if (!RecordingSwitch.isOn()) {
            return Scope.noop();
        }
        return PROVIDER.enter(name);
    }

    /**
     * Opens a scope named by a string. The string is looked up in a bounded intern table on every
     * call while recording; prefer {@link #scope(ScopeName)} with a constant in hot code. A null
     * string is recorded under {@code {null scope name}}, as for {@link #scope(ScopeName)}.
     */
    public static Scope scope(String name) {
        if (!RecordingSwitch.isOn()) {
            return Scope.noop();
        }
        return PROVIDER.enter(PROVIDER.intern(name));
    }

    /**
     * Opens a scope named after its call site, pstats style: {@code com/example/App.java:42(getHello)}.
     * Convenient but slow while recording (it walks the stack, about a microsecond); use
     * {@link #scope(ScopeName)} in hot code.
     */
    public static Scope scope() {
        if (!RecordingSwitch.isOn()) {
            return Scope.noop();
        }
        return PROVIDER.enter(PROVIDER.callSite());
    }

    /** A new, disabled profiler: cProfile's {@code Profile()}. */
    public static Profiler newProfiler() {
        return PROVIDER.newProfiler();
    }

    /**
     * A new, disabled profiler on a clock of your own: cProfile's {@code Profile(timer, timeunit)}
     * with an integer timer. Its scopes read {@code timer} instead of {@link System#nanoTime()};
     * each tick is {@code timeUnit} seconds. Otherwise it is identical to {@link #newProfiler()}.
     *
     * <p>Times are kept in whole nanoseconds: a tick of a whole number of nanoseconds
     * ({@code 1e-9}, {@code 1e-6}, {@code 1e-3}...) is converted exactly, any other unit is rounded
     * to the nearest nanosecond at each reading. The timer is read on the thread that opens or
     * closes a scope, so it must be thread-safe if several threads record.
     *
     * <pre>{@code
     * AtomicLong ticks = new AtomicLong();
     * Profiler pr = Profile.newProfiler(ticks::get, 1e-6);  // a tick is a microsecond
     * }</pre>
     *
     * @throws NullPointerException if {@code timer} is null
     * @throws IllegalArgumentException unless {@code timeUnit} is positive and finite
     */
    public static Profiler newProfiler(LongSupplier timer, double timeUnit) {
        Objects.requireNonNull(timer, "timer");
        if (!(timeUnit > 0) || Double.isInfinite(timeUnit)) {
            throw new IllegalArgumentException("timeUnit must be a positive number of seconds per tick: " + timeUnit);
        }
        return PROVIDER.newProfiler(timer, timeUnit);
    }

    /** The process-wide profiler that {@link #enable()} drives. */
    public static Profiler defaultProfiler() {
        return PROVIDER.defaultProfiler();
    }

    /** Starts the process-wide profiler: every thread records into its own tree. */
    public static void enable() {
        PROVIDER.defaultProfiler().start();
    }

    /** Stops the process-wide profiler; what it recorded stays readable. */
    public static void disable() {
        PROVIDER.defaultProfiler().disable();
    }

    /** Whether the process-wide profiler records. */
    public static boolean isEnabled() {
        return PROVIDER.defaultProfiler().isEnabled();
    }

    /** Stats of the process-wide profiler, merged over every thread. */
    public static Stats stats() {
        return PROVIDER.defaultProfiler().stats();
    }

    /** Prints the process-wide profiler's stats sorted by the given keys (standard name if none). */
    public static void printStats(String... sortKeys) {
        PROVIDER.defaultProfiler().printStats(sortKeys);
    }

    /** Writes the process-wide profiler's stats; the extension picks the format. */
    public static void dumpStats(Path file) throws IOException {
        PROVIDER.defaultProfiler().dumpStats(file);
    }
}
