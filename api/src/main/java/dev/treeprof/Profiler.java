package dev.treeprof;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * A profile being recorded: cProfile's {@code Profile()} for the JVM. Made by
 * {@link Profile#newProfiler()}.
 *
 * <p>Each thread that records into a profiler gets its own call tree; {@link #stats()} merges
 * them. A thread records into a profiler while the profiler is enabled and bound to that thread:
 * {@link #enable()} binds the calling thread; {@link #attach()}, {@link #wrap(Runnable)} and
 * {@link #wrap(Callable)} bind other threads, where scopes land in a tree of that thread.
 *
 * <p><b>Several profilers on one thread.</b> A scope records into exactly one profiler: the one
 * most recently bound on the thread (the innermost {@link #attach()} or {@link #enable()}, or the
 * one an installed {@link dev.treeprof.spi.ProfilerLookup} answers); only when no enabled
 * profiler is bound does it record into the process-wide default profiler of
 * {@link Profile#enable()}. This is cProfile's rule too: a newer profiler on a thread replaces the
 * older one for as long as it is bound.
 *
 * <p>All methods are thread-safe. Reading stats while other threads record never blocks them.
 */
public interface Profiler {

    /**
     * Starts recording and binds this profiler to the calling thread, until {@link #disable()}.
     * Enabling an enabled profiler on the same thread does nothing.
     */
    void enable();

    /**
     * Starts recording without binding any thread: scopes reach this profiler only through
     * {@link #attach()}, {@link #wrap(Runnable)} or a lookup. Used by request integrations that
     * bind the profiler around each piece of a request's work.
     */
    void start();

    /**
     * Stops recording on every thread and releases the binding made by {@link #enable()} when
     * called on the enabling thread (from another thread the binding stays, inert, until that
     * thread binds something else). Scopes still open on the calling thread are closed at this
     * instant, as cProfile does; scopes open on other threads are still counted when they close.
     * What was recorded stays readable.
     */
    void disable();

    /** Whether the profiler records. */
    boolean isEnabled();

    /** A snapshot of what was recorded so far, merged over threads, in no particular order. */
    Stats stats();

    /**
     * Prints the stats like cProfile's {@code Profile.print_stats()}: directories stripped from
     * file names, sorted by standard name, to {@code System.out}.
     */
    void printStats();

    /**
     * Prints the stats like cProfile's {@code Profile.print_stats(sort)}: directories stripped,
     * sorted by the given pstats keys (e.g. {@code "cumtime"}). For other output use
     * {@code stats().sortStats(...).stream(out).printStats(...)}.
     */
    void printStats(String... sortKeys);

    /**
     * Writes the stats to a file whose format is chosen by its extension (see
     * {@link Stats#dumpStats(Path)}).
     */
    void dumpStats(Path file) throws IOException;

    /** Forgets everything recorded so far; threads keep recording if enabled. */
    void clear();

    /**
     * Binds this profiler to the calling thread until the returned binding is closed. Scopes
     * opened meanwhile land in this profiler (if it is enabled), under a tree of this thread.
     */
    Binding attach();

    /** Wraps a task so that it runs with this profiler attached, on whatever thread runs it. */
    Runnable wrap(Runnable task);

    /** Wraps a task so that it runs with this profiler attached, on whatever thread runs it. */
    <V> Callable<V> wrap(Callable<V> task);

    /** Wraps an executor so that every task it runs has this profiler attached. */
    default Executor wrap(Executor executor) {
        return task -> executor.execute(wrap(task));
    }
}
