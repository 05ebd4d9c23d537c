package dev.treeprof.impl.record;

import dev.treeprof.Profiler;
import dev.treeprof.spi.ProfilerLookup;
import java.lang.ref.WeakReference;

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

    /** Refers to no segment: "nothing records on this thread". */
    static final WeakReference<Segment> NO_SEGMENT = new WeakReference<>(null);

    /** The recorder generation {@link #cachedSegment} was resolved in, or INVALID. */
    int validGeneration = INVALID;
    /**
     * The segment this thread records into (or {@link #NO_SEGMENT}); valid while validGeneration
     * is current. Held weakly, like {@link #lastSegment}: the profiler holds its segments while it
     * lives, and a thread that records nothing more must not keep a finished profile's tree alive.
     */
    WeakReference<Segment> cachedSegment = NO_SEGMENT;
    /** The segment last recorded into, kept across generations (a lookup's answer changes often). */
    private WeakReference<Segment> lastSegment = NO_SEGMENT;

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
        cachedSegment = s == null ? NO_SEGMENT : s.ref;
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
        Segment last = lastSegment.get();
        if (last != null && last.profiler == p && last.epoch == p.epoch) {
            return last;
        }
        Segment s = p.segmentFor(this);
        lastSegment = s.ref;
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

}
