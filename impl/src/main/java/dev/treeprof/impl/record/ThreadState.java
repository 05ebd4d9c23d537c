package dev.treeprof.impl.record;

import dev.treeprof.Profiler;
import dev.treeprof.spi.ProfilerLookup;

/**
 * The recorder's per-thread state: the profiler bound to this thread and the segment last used,
 * so a scope entry costs one thread-local read and a few field compares.
 */
final class ThreadState {

    /** A generation no cached answer is valid for. */
    static final int INVALID = -1;

    final Thread thread = Thread.currentThread();
    /** The profiler bound by the innermost attach()/enable() on this thread, or null. */
    private TreeProfiler bound;

    /** The recorder generation {@link #cachedSegment} was resolved in, or INVALID. */
    int validGeneration = INVALID;
    /** The segment this thread records into, null for none; valid while validGeneration is current. */
    Segment cachedSegment;
    /** The profiler and segment last recorded into, kept across generations (a lookup's answer changes often). */
    private TreeProfiler lastProfiler;
    private int lastEpoch;
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
                    forgetStoppedProfiler();
                    return null;
                }
                p = global;
            }
        }
        if (p == lastProfiler && lastEpoch == p.epoch) {
            return lastSegment;
        }
        Segment s = p.segmentFor(this);
        lastProfiler = p;
        lastEpoch = s.epoch;
        lastSegment = s;
        return s;
    }

    /** A lookup that throws is a bug in an integration; it must not reach the measured code. */
    private static Profiler ask(ProfilerLookup lookup) {
        try {
            return lookup.current();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Lets a finished request's profiler (and its tree) be collected even if this thread records nothing more. */
    private void forgetStoppedProfiler() {
        if (lastProfiler != null && !lastProfiler.enabled) {
            lastProfiler = null;
            lastSegment = null;
        }
    }
}
