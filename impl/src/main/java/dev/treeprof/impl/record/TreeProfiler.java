package dev.treeprof.impl.record;

import dev.treeprof.Binding;
import dev.treeprof.Profiler;
import dev.treeprof.Stats;
import dev.treeprof.impl.format.Dumps;
import dev.treeprof.impl.stats.StatsTable;
import dev.treeprof.ThreadTree;
import dev.treeprof.CallNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Profiler} implementation: a registry of segments, one per thread that recorded.
 *
 * <p>Segments of threads that have ended are folded into per-name trees of ended threads (at most
 * {@value #MAX_ENDED_NAMES} names, then one shared tree), so memory stays bounded by the number of
 * distinct call paths however many short-lived or virtual threads come and go.
 */
public final class TreeProfiler implements Profiler {

    /** Default cap on nodes per thread tree. */
    public static final int DEFAULT_MAX_NODES = 100_000;
    static final int MAX_ENDED_NAMES = EndedThreads.MAX_NAMES;
    static final String OTHER_ENDED = EndedThreads.OTHER;
    private static final int MIN_PRUNE_THRESHOLD = 64;

    final Anomalies anomalies = new Anomalies();
    private final Clock clock;
    private final int maxNodes;

    volatile boolean enabled;

    /**
     * The segments of this recording and the epoch they belong to, swapped as one by
     * {@link #clear()}: a thread registering its first segment never pairs a new epoch with a
     * discarded map.
     */
    private static final class Registry {
        // sized for the usual web request: one thread, maybe two (a table of 4, not 16)
        final ConcurrentHashMap<ThreadState, Segment> segments = new ConcurrentHashMap<>(2);
        final int epoch;

        Registry(int epoch) {
            this.epoch = epoch;
        }
    }

    private volatile Registry registry = new Registry(0);
    private final Object lock = new Object();
    /**
     * Trees of ended threads, folded by thread name; guarded by lock. Made when a thread first
     * ends: a web request's profiler (one per request) almost never sees one.
     */
    private EndedThreads ended;
    private int pruneThreshold = MIN_PRUNE_THRESHOLD;
    private volatile boolean everStarted;
    private volatile long startedMillis;
    private volatile long startedNanos;
    private volatile long stoppedNanos;

    private ThreadState enabledOn;
    private Binding enableBinding;

    public TreeProfiler() {
        this(Clock.SYSTEM, DEFAULT_MAX_NODES);
    }

    /**
     * A profiler on the user's timer, {@code timeUnit} seconds per tick (positive and finite: the
     * API checks it).
     */
    public static TreeProfiler withTimer(java.util.function.LongSupplier timer, double timeUnit, int maxNodesPerTree) {
        return new TreeProfiler(TickClock.of(Objects.requireNonNull(timer, "timer"), timeUnit), maxNodesPerTree);
    }

    public TreeProfiler(Clock clock, int maxNodesPerTree) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxNodesPerTree < 1) {
            throw new IllegalArgumentException("maxNodesPerTree must be positive: " + maxNodesPerTree);
        }
        this.maxNodes = maxNodesPerTree;
    }

    @Override
    public void enable() {
        ThreadState ts = Recorder.state();
        synchronized (lock) {
            start();
            if (enableBinding != null && enabledOn == ts) {
                return;
            }
            enabledOn = ts;
            enableBinding = attach();
        }
    }

    @Override
    public void start() {
        synchronized (lock) {
            if (enabled) {
                return;
            }
            startedMillis = System.currentTimeMillis();
            startedNanos = clock.nanoTime();
            stoppedNanos = startedNanos;
            everStarted = true;
            enabled = true;
            Recorder.profilerEnabled(true);
        }
    }

    @Override
    public void disable() {
        ThreadState ts = Recorder.state();
        synchronized (lock) {
            if (enabled) {
                enabled = false;
                stoppedNanos = clock.nanoTime();
                Recorder.profilerEnabled(false);
            }
            if (enableBinding != null && enabledOn == ts) {
                enableBinding.close();
                enableBinding = null;
                enabledOn = null;
            }
        }
        Registry r = registry;
        Segment mine = r.segments.get(ts);
        if (mine != null) {
            mine.flush();
        }
        forgetSegments(r.segments);
    }

    /**
     * Tells every thread that cached one of these segments to drop it, so an idle thread keeps no
     * stopped profile alive. The recorder generation was bumped before, so a thread still entering
     * a scope resolves again rather than trusting its cache.
     */
    private static void forgetSegments(Map<ThreadState, Segment> of) {
        for (Segment s : of.values()) {
            s.state.forget(s);
        }
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public Binding attach() {
        ThreadState ts = Recorder.state();
        TreeProfiler previous = ts.bound();
        ts.bind(this);
        return new ThreadBinding(ts, previous);
    }

    @Override
    public Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (Binding b = attach()) {
                task.run();
            }
        };
    }

    @Override
    public <V> Callable<V> wrap(Callable<V> task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (Binding b = attach()) {
                return task.call();
            }
        };
    }

    @Override
    public void clear() {
        Map<ThreadState, Segment> old;
        synchronized (lock) {
            old = registry.segments;
            registry = new Registry(registry.epoch + 1);
            ended = null;
            pruneThreshold = MIN_PRUNE_THRESHOLD;
        }
        Recorder.invalidateAll();
        forgetSegments(old);
    }

    /** What went wrong and was repaired while recording. */
    public Anomalies anomalies() {
        return anomalies;
    }

    /** The epoch of the current recording; {@link #clear()} starts a new one. */
    int epoch() {
        return registry.epoch;
    }

    Segment segmentFor(ThreadState ts) {
        Registry r = registry;
        ConcurrentHashMap<ThreadState, Segment> map = r.segments;
        Segment s = map.get(ts);
        if (s != null) {
            return s;
        }
        s = new Segment(this, r.epoch, ts, maxNodes, clock);
        Segment raced = map.putIfAbsent(ts, s);
        if (raced != null) {
            return raced;
        }
        if (map.size() > pruneThreshold) {
            pruneEndedThreads();
        }
        return s;
    }

    /** Folds the segments of threads that have ended into the ended-thread trees. */
    void pruneEndedThreads() {
        synchronized (lock) {
            ConcurrentHashMap<ThreadState, Segment> map = registry.segments;
            for (Iterator<Map.Entry<ThreadState, Segment>> it = map.entrySet().iterator(); it.hasNext(); ) {
                Segment s = it.next().getValue();
                if (!s.ownerAlive()) {
                    int open = s.closeAbandoned();
                    if (open > 0) {
                        anomalies.report(Anomalies.Kind.UNCLOSED, open + " scope(s) on ended thread " + s.threadName());
                    }
                    fold(s);
                    it.remove();
                    s.state.forget(s); // its state may still sit in the recorder's thread-id cache
                }
            }
            pruneThreshold = Math.max(MIN_PRUNE_THRESHOLD, map.size() * 2);
        }
    }

    private void fold(Segment s) {
        noteOverflow(s);
        if (ended == null) {
            ended = new EndedThreads(maxNodes);
        }
        ended.fold(s);
    }

    /** Reports a tree that reached the node cap, once per tree. Under the lock. */
    private void noteOverflow(Segment s) {
        if (!s.overflowReported && s.tree.overflowed()) {
            s.overflowReported = true;
            anomalies.report(Anomalies.Kind.NODE_LIMIT, "thread " + s.threadName() + " reached " + maxNodes + " nodes");
        }
    }

    /** Immutable per-thread snapshots of every tree, live and ended. */
    public List<ThreadTree> threadProfiles() {
        pruneEndedThreads();
        List<ThreadTree> out = new ArrayList<>();
        for (Segment s : registry.segments.values()) {
            CallNode root = s.snapshot();
            if (!root.children().isEmpty()) {
                out.add(ThreadTree.of(s.threadName(), root));
            }
        }
        synchronized (lock) {
            for (Segment s : registry.segments.values()) {
                noteOverflow(s);
            }
            if (ended != null) {
                ended.snapshots(out);
            }
        }
        return out;
    }

    @Override
    public Stats stats() {
        long stop = enabled ? clock.nanoTime() : stoppedNanos;
        long duration = everStarted ? Math.max(0, stop - startedNanos) : 0;
        return StatsTable.fromThreads(threadProfiles(), startedMillis, duration).withWriter(Dumps.WRITER);
    }

    /** Like cProfile's {@code Profile.print_stats()}: directories stripped, sorted by standard name. */
    @Override
    public void printStats() {
        printStats("stdname");
    }

    /** Like cProfile's {@code Profile.print_stats(sort)}: {@code Stats(self).strip_dirs().sort_stats(sort).print_stats()}. */
    @Override
    public void printStats(String... sortKeys) {
        Stats s = stats().stripDirs();
        (sortKeys.length == 0 ? s.sortStats("stdname") : s.sortStats(sortKeys)).printStats();
    }

    @Override
    public void dumpStats(Path file) throws IOException {
        stats().dumpStats(file);
    }

    /** Restores the previous binding when closed on its own thread, innermost first. */
    private final class ThreadBinding implements Binding {
        private final ThreadState state;
        private final TreeProfiler previous;
        private boolean closed;

        ThreadBinding(ThreadState state, TreeProfiler previous) {
            this.state = state;
            this.previous = previous;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Recorder.state() != state || state.bound() != TreeProfiler.this) {
                anomalies.report(Anomalies.Kind.BINDING_OUT_OF_ORDER, "binding of " + TreeProfiler.this);
                if (Recorder.state() != state) {
                    return;
                }
            }
            closed = true;
            state.bind(previous);
        }
    }
}
