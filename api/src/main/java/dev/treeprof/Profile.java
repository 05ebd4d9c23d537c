package dev.treeprof;

import dev.treeprof.spi.ProfilerProvider;
import dev.treeprof.spi.RecordingSwitch;
import java.io.IOException;
import java.nio.file.Path;

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
     *
     * @throws NullPointerException if name is null while a profiler records
     */
    public static Scope scope(ScopeName name) {
        if (!RecordingSwitch.isOn()) {
            return Scope.noop();
        }
        return PROVIDER.enter(name);
    }

    /**
     * Opens a scope named by a string. The string is looked up in a bounded intern table on every
     * call while recording; prefer {@link #scope(ScopeName)} with a constant in hot code.
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
