package dev.treeprof.impl.record;

import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.spi.ProfilerLookup;
import dev.treeprof.spi.RecordingSwitch;
import java.util.Arrays;
import java.util.Objects;

/** The hot path: finds the current thread's segment and opens a scope in it. */
public final class Recorder {

    static final ThreadLocal<ThreadState> STATE = ThreadLocal.withInitial(ThreadState::new);
    private static final ProfilerLookup[] NO_LOOKUPS = new ProfilerLookup[0];
    private static volatile ProfilerLookup[] lookups = NO_LOOKUPS;

    private static final Object SWITCH_LOCK = new Object();
    private static int enabledProfilers;

    /**
     * Bumped whenever what a thread records into may have changed for every thread (a profiler
     * enabled, disabled or cleared, a lookup added or removed). A thread whose cached answer carries
     * the current generation skips resolving its profiler: the common case costs one compare.
     */
    private static volatile int generation;

    private Recorder() {
    }

    /** Opens a scope in whatever profiler records on this thread, or returns the no-op scope. */
    public static Scope enter(TreeProfiler global, ScopeName name) {
        Objects.requireNonNull(name, "scope name");
        ThreadState ts = STATE.get();
        int g = generation;
        Segment s = ts.validGeneration == g ? ts.cachedSegment : ts.resolve(lookups, global, g);
        return s == null ? Scope.noop() : s.enter(name);
    }

    static ThreadState state() {
        return STATE.get();
    }

    /** Adds a lookup asked before the thread binding. */
    public static synchronized void addLookup(ProfilerLookup lookup) {
        Objects.requireNonNull(lookup, "lookup");
        ProfilerLookup[] now = lookups;
        if (Arrays.asList(now).contains(lookup)) {
            return;
        }
        ProfilerLookup[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = lookup;
        lookups = next;
        invalidateAll();
    }

    public static synchronized void removeLookup(ProfilerLookup lookup) {
        lookups = Arrays.stream(lookups).filter(l -> l != lookup).toArray(ProfilerLookup[]::new);
        invalidateAll();
    }

    /** Makes every thread resolve its profiler again on its next scope. */
    static void invalidateAll() {
        synchronized (SWITCH_LOCK) {
            int next = generation + 1;
            generation = next == ThreadState.INVALID ? next + 1 : next;
        }
    }

    /** Keeps the API's one-field switch on while any profiler is enabled. */
    static void profilerEnabled(boolean enabled) {
        synchronized (SWITCH_LOCK) {
            enabledProfilers += enabled ? 1 : -1;
            RecordingSwitch.set(enabledProfilers > 0);
            invalidateAll();
        }
    }
}
