package dev.treeprof.impl.record;

import dev.treeprof.Profiler;
import dev.treeprof.spi.ProfilerLookup;

/**
 * The recorder's per-thread state: the profiler bound to this thread and the segment last used,
 * so a scope entry costs one thread-local read and a few field compares.
 */
final class ThreadState {

    final Thread thread = Thread.currentThread();
    /** The profiler bound by the innermost attach()/enable() on this thread, or null. */
    TreeProfiler bound;

    private TreeProfiler cachedProfiler;
    private int cachedEpoch;
    private Segment cachedSegment;

    /** The segment this thread records into now, or null when nothing records here. */
    Segment segment(ProfilerLookup[] lookups, TreeProfiler global) {
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
        if (p == cachedProfiler && cachedEpoch == p.epoch) {
            return cachedSegment;
        }
        Segment s = p.segmentFor(this);
        cachedProfiler = p;
        cachedEpoch = s.epoch;
        cachedSegment = s;
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
        if (cachedProfiler != null && !cachedProfiler.enabled) {
            cachedProfiler = null;
            cachedSegment = null;
        }
    }
}
