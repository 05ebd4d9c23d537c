package dev.treeprof.e2e.minimal;

import dev.treeprof.Binding;
import dev.treeprof.CallNode;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.ThreadTree;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/** One recording of the minimal provider: a mutable tree per thread, under a lock. */
final class MinimalProfiler implements Profiler {

    private final java.util.function.LongSupplier clock;
    private volatile boolean enabled;

    MinimalProfiler() {
        this(System::nanoTime);
    }

    MinimalProfiler(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }
    private final Map<Thread, Node> roots = new ConcurrentHashMap<>();
    private final Map<Thread, Node> current = new ConcurrentHashMap<>();

    /** A mutable node. */
    private static final class Node {
        final ScopeName name;
        final Node parent;
        final Map<ScopeName, Node> children = new LinkedHashMap<>();
        long calls;
        long total;
        long own;

        Node(ScopeName name, Node parent) {
            this.name = name;
            this.parent = parent;
        }

        CallNode freeze() {
            List<CallNode> kids = new ArrayList<>();
            children.values().forEach(c -> kids.add(c.freeze()));
            return CallNode.of(name, calls, total, own, kids);
        }
    }

    synchronized Scope enter(ScopeName name) {
        Thread t = Thread.currentThread();
        Node root = roots.computeIfAbsent(t, k -> new Node(ThreadTree.ROOT, null));
        Node parent = current.getOrDefault(t, root);
        Node node = parent.children.computeIfAbsent(name, n -> new Node(n, parent));
        current.put(t, node);
        long start = clock.getAsLong();
        return () -> {
            long took = clock.getAsLong() - start;
            synchronized (MinimalProfiler.this) {
                node.calls++;
                node.total += took;
                node.own += took;
                if (node.parent != null) {
                    node.parent.own -= took;
                }
                current.put(t, node.parent);
            }
        };
    }

    @Override
    public void enable() {
        start();
    }

    @Override
    public void start() {
        if (!enabled) {
            enabled = true;
            MinimalProvider.recording(true);
        }
    }

    @Override
    public void disable() {
        if (enabled) {
            enabled = false;
            MinimalProvider.recording(false);
        }
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public synchronized Stats stats() {
        List<ThreadTree> trees = new ArrayList<>();
        roots.forEach((t, root) -> {
            // a root's own time is not a scope's: keep the synthetic root at zero
            List<CallNode> kids = new ArrayList<>();
            root.children.values().forEach(c -> kids.add(c.freeze()));
            trees.add(ThreadTree.of(t.getName(), CallNode.of(ThreadTree.ROOT, 0, 0, 0, kids)));
        });
        return new MinimalStats(trees, Map.of());
    }

    @Override
    public void printStats() {
        stats().printStats();
    }

    @Override
    public void printStats(String... sortKeys) {
        stats().printStats();
    }

    @Override
    public void dumpStats(Path file) throws java.io.IOException {
        stats().dumpStats(file);
    }

    @Override
    public synchronized void clear() {
        roots.clear();
        current.clear();
    }

    @Override
    public Binding attach() {
        return MinimalProvider.bind(this);
    }

    @Override
    public Runnable wrap(Runnable task) {
        return () -> {
            try (Binding b = attach()) {
                task.run();
            }
        };
    }

    @Override
    public <V> Callable<V> wrap(Callable<V> task) {
        return () -> {
            try (Binding b = attach()) {
                return task.call();
            }
        };
    }
}
