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
    private static final VarHandle LOOKUP;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CACHED = l.findVarHandle(ThreadState.class, "cachedSegment", Segment.class);
            LAST = l.findVarHandle(ThreadState.class, "lastSegment", Segment.class);
            LOOKUP = l.findVarHandle(ThreadState.class, "lookupSegment", Segment.class);
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
    /**
     * The segment of the profiler the first lookup last answered, valid while {@link #lookupGeneration}
     * is current and the lookup answers that same profiler again: the common case with a lookup
     * installed (scope after scope in one request) then costs the lookup and two compares. Keyed by
     * the segment's own profiler rather than by a stored answer, so a stopped profiler's
     * {@link #forget} leaves nothing of it here.
     */
    private Segment lookupSegment;
    private int lookupGeneration = INVALID;

    TreeProfiler bound() {
        return bound;
    }

    /** Changes this thread's binding; the cached answer no longer holds. */
    void bind(TreeProfiler profiler) {
        bound = profiler;
        validGeneration = INVALID;
        lookupGeneration = INVALID;
    }

    /**
     * Finds the segment this thread records into now (null when nothing records here) and caches
     * it for the generation. With lookups installed the answer depends on the calling context, so
     * the first lookup is asked on every call; while it answers the profiler it answered last, in
     * the same generation, the segment found then is reused.
     */
    Segment resolve(ProfilerLookup[] lookups, TreeProfiler global, int generation) {
        if (lookups.length != 0) {
            Profiler answer = ask(lookups[0]);
            Segment known = lookupSegment;
            // the same generation means no profiler started, stopped or cleared since the segment
            // was found valid, so the same enabled profiler still records into the same segment
            if (known != null && known.profiler == answer && lookupGeneration == generation) {
                return known;
            }
            return resolveAgain(lookups, answer, global, generation);
        }
        return resolveAgain(lookups, null, global, generation);
    }

    /** The rest of {@link #resolve}, kept apart so the JIT inlines the common case alone. */
    private Segment resolveAgain(ProfilerLookup[] lookups, Profiler answer, TreeProfiler global, int generation) {
        Segment s = segment(lookups, answer, global);
        validGeneration = lookups.length == 0 ? generation : INVALID;
        cachedSegment = s;
        if (s != null && (!s.profiler.enabled || s.epoch != s.profiler.epoch())) {
            // stopped or cleared while we resolved: its forget() may have run before our writes
            lookupGeneration = INVALID;
            forget(s);
        } else if (s != null && s.profiler == answer) {
            lookupSegment = s;
            lookupGeneration = generation;
        }
        return s;
    }

    /** The segment to record into; {@code firstAnswer} is what {@code lookups[0]} answered (if any). */
    private Segment segment(ProfilerLookup[] lookups, Profiler firstAnswer, TreeProfiler global) {
        TreeProfiler p = null;
        for (int i = 0; i < lookups.length; i++) {
            Profiler q = i == 0 ? firstAnswer : ask(lookups[i]);
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
        LOOKUP.compareAndSet(this, s, null);
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
