package dev.treeprof.spi;

import dev.treeprof.Profiler;

/**
 * Answers which profiler is current where the thread alone cannot tell, e.g. the Vert.x
 * integration resolving a request's profiler through the request's duplicated context while many
 * requests interleave on one event-loop thread.
 *
 * <p>Installed lookups are asked on every scope entry, before the thread's own binding, so
 * {@link #current()} must be fast, must not allocate and must not throw.
 */
@FunctionalInterface
public interface ProfilerLookup {

    /** The profiler current for the calling code, or null to let the thread binding decide. */
    Profiler current();
}
