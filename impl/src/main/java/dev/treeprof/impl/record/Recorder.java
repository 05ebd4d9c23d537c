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

    /**
     * A direct-mapped cache in front of {@link #STATE}, indexed by thread id: a hit costs about
     * three dependent loads where {@code ThreadLocal.get()} costs six, and between two clock reads
     * every dependent load counts. A slot is only taken when empty or held by a thread that has
     * ended, so two live threads sharing a slot never write it back and forth; the loser uses the
     * thread-local. Entries are small: a profiler that stops clears the threads' references to its
     * segments (ThreadState.forget).
     */
    private static final ThreadState[] BY_THREAD_ID = new ThreadState[1024];
    private static final int SLOT_MASK = BY_THREAD_ID.length - 1;
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

    /**
     * Opens a scope in whatever profiler records on this thread, or returns the no-op scope. Never
     * throws for a null name: it is recorded as {@link NameTable#NULL_NAME}.
     */
    public static Scope enter(TreeProfiler global, ScopeName name) {
        if (name == null) {
            name = NameTable.NULL_NAME;
        }
        ThreadState ts = state();
        int g = generation;
        Segment s = ts.validGeneration == g ? ts.cachedSegment : ts.resolve(lookups, global, g);
        return s == null ? Scope.noop() : s.enter(name);
    }

    static ThreadState state() {
        Thread t = Thread.currentThread();
        ThreadState ts = BY_THREAD_ID[(int) t.getId() & SLOT_MASK];
        return ts != null && ts.thread == t ? ts : slowState(t);
    }

    private static ThreadState slowState(Thread t) {
        ThreadState ts = STATE.get();
        int slot = (int) t.getId() & SLOT_MASK;
        ThreadState occupant = BY_THREAD_ID[slot];
        if (occupant == null || !occupant.thread.isAlive()) {
            BY_THREAD_ID[slot] = ts; // a racy write of a cache: a reader checks the thread (a final field)
        }
        return ts;
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

    /** The API's switch, once the API is bound to treeprof's provider; guarded by SWITCH_LOCK. */
    private static RecordingSwitch.Control recordingSwitch;

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
            boolean wasOn = enabledProfilers > 0;
            enabledProfilers += enabled ? 1 : -1;
            boolean on = enabledProfilers > 0;
            // Flipped only when it changes: every scope reads the switch, and a web server starts
            // and stops a profiler per request, mostly with others still recording; rewriting the
            // same value would still take its cache line from every other core.
            if (recordingSwitch != null && on != wasOn) {
                recordingSwitch.set(on);
            }
            invalidateAll();
        }
    }

    /** How many profilers record now; for tests. */
    static int enabledProfilers() {
        synchronized (SWITCH_LOCK) {
            return enabledProfilers;
        }
    }

    /**
     * The API bound to treeprof's provider and handed it the switch; profilers started before
     * that (made directly, not through {@code Profile}) count from now on.
     */
    public static void useSwitch(RecordingSwitch.Control control) {
        synchronized (SWITCH_LOCK) {
            recordingSwitch = control;
            control.set(enabledProfilers > 0);
        }
    }
}
