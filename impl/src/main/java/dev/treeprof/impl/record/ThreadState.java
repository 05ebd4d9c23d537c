package dev.treeprof.impl.record;

import dev.treeprof.Profiler;
import dev.treeprof.spi.ProfilerLookup;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The recorder's per-thread state: the profiler bound to this thread and the segment last used,
 * so a scope entry costs one per-thread lookup and a few field compares.
 */
final class ThreadState {

    /** A generation no cached answer is valid for. */
    static final int INVALID = -1;

    final Thread thread = Thread.currentThread();
    /** The profiler bound by the innermost attach()/enable() on this thread, or null. */
    private TreeProfiler bound;

    private static final VarHandle CACHED;
    private static final VarHandle LAST;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CACHED = l.findVarHandle(ThreadState.class, "cachedSegment", Segment.class);
            LAST = l.findVarHandle(ThreadState.class, "lastSegment", Segment.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The recorder generation {@link #cachedSegment} was resolved in, or INVALID. */
    int validGeneration = INVALID;
    /** The segment this thread records into, null for none; valid while validGeneration is current. */
    Segment cachedSegment;
    /** The segment last recorded into, kept across generations (a lookup's answer changes often). */
    private Segment lastSegment;

    TreeProfiler bound() {
        return bound;
    }

    /** Changes this thread's binding; the cached answer no longer holds. */
    void bind(TreeProfiler profiler) {
        bound = profiler;
        validGeneration = INVALID;
    }

    /**
     * Finds the segment this thread records into now (null when nothing records here) and caches
     * it for the generation. With lookups installed the answer depends on the calling context, so
     * it is not cached across calls.
     */
    Segment resolve(ProfilerLookup[] lookups, TreeProfiler global, int generation) {
        Segment s = segment(lookups, global);
        validGeneration = lookups.length == 0 ? generation : INVALID;
        cachedSegment = s;
        if (s != null && (!s.profiler.enabled || s.epoch != s.profiler.epoch())) {
            // stopped or cleared while we resolved: its forget() may have run before our writes
            forget(s);
        }
        return s;
    }

    private Segment segment(ProfilerLookup[] lookups, TreeProfiler global) {
        TreeProfiler p = null;
        for (ProfilerLookup lookup : lookups) {
            Profiler q = ask(lookup);
            if (q instanceof TreeProfiler && ((TreeProfiler) q).enabled) {
                p = (TreeProfiler) q;
                break;
            }
        }
        if (p == null) {
            p = bound;
            if (p == null || !p.enabled) {
                if (!global.enabled) {
                    return null;
                }
                p = global;
            }
        }
        Segment last = lastSegment;
        if (last != null && last.profiler == p && last.epoch == p.epoch()) {
            return last;
        }
        Segment s = p.segmentFor(this);
        lastSegment = s;
        return s;
    }

    /**
     * Drops this thread's references to a segment whose profiler stopped or forgot it, so a thread
     * that records nothing more keeps no finished profile's tree alive. Called by the profiler from
     * any thread: a compare-and-set, so it never erases a segment the owner has resolved since
     * (the profiler bumped the recorder generation first, so the owner resolves again anyway).
     */
    void forget(Segment s) {
        CACHED.compareAndSet(this, s, null);
        LAST.compareAndSet(this, s, null);
    }

    /** A lookup that throws is a bug in an integration; it must not reach the measured code. */
    private static Profiler ask(ProfilerLookup lookup) {
        try {
            return lookup.current();
        } catch (RuntimeException e) {
            return null;
        }
    }

}
