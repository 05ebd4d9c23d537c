package dev.treeprof;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The exact call trees behind a {@link Stats}: one per recording thread, read-only. This is what
 * pstats' flat table loses, and what drawings (icicles, flame graphs, speedscope, Chrome trace,
 * folded stacks, pprof) are made from.
 *
 * <p>A call tree is <em>empty</em> when the stats have no paths: stats loaded from a flat
 * {@code .prof} file (pstats keeps only caller-callee pairs) or stats without calls. Check
 * {@link #isEmpty()} before drawing.
 *
 * <pre>{@code
 * CallTree tree = profiler.stats().callTree();
 * tree.merged().walk((node, depth) -> {
 *     System.out.println("  ".repeat(depth) + node.name() + " " + node.totalNanos() + " ns");
 *     return true;
 * });
 * }</pre>
 */
public final class CallTree {

    private static final CallTree EMPTY = new CallTree(List.of());

    private final List<ThreadTree> threads;
    private volatile CallNode merged;

    private CallTree(List<ThreadTree> threads) {
        this.threads = List.copyOf(threads);
    }

    /**
     * The trees of these threads, in this order.
     *
     * @throws NullPointerException if the list or an element is null
     */
    public static CallTree of(List<ThreadTree> threads) {
        return threads.isEmpty() ? EMPTY : new CallTree(threads);
    }

    /** No trees: the paths are unknown. */
    public static CallTree empty() {
        return EMPTY;
    }

    /** Each thread's tree, in the order the threads were first seen. */
    public List<ThreadTree> threads() {
        return threads;
    }

    /** Whether there are no trees (e.g. stats loaded from a flat {@code .prof} file). */
    public boolean isEmpty() {
        return threads.isEmpty();
    }

    /**
     * Every thread's tree summed path by path under one synthetic {@link ThreadTree#ROOT}: equal
     * paths add their calls and times, children keep first-seen order. Computed once, without
     * recursion. For an empty call tree, a root without children.
     */
    public CallNode merged() {
        CallNode m = merged;
        if (m == null) {
            m = merge(threads);
            merged = m;
        }
        return m;
    }

    /** Number of nodes in all threads' trees, the synthetic roots excluded. */
    public long nodeCount() {
        long n = 0;
        for (ThreadTree t : threads) {
            n += t.root().size() - 1;
        }
        return n;
    }

    private static CallNode merge(List<ThreadTree> threads) {
        if (threads.size() == 1 && threads.get(0).root().name().equals(ThreadTree.ROOT)) {
            return threads.get(0).root();
        }
        Sum root = new Sum(ThreadTree.ROOT);
        for (ThreadTree t : threads) {
            root.add(t.root());
        }
        return root.freeze();
    }

    /** A mutable node summing trees path by path; added and frozen without recursion. */
    private static final class Sum {
        final ScopeName name;
        long calls;
        long totalNanos;
        long ownNanos;
        final Map<ScopeName, Sum> children = new LinkedHashMap<>();

        Sum(ScopeName name) {
            this.name = name;
        }

        void add(CallNode tree) {
            Deque<Object[]> stack = new ArrayDeque<>();
            stack.push(new Object[] {tree, this});
            while (!stack.isEmpty()) {
                Object[] f = stack.pop();
                CallNode src = (CallNode) f[0];
                Sum dst = (Sum) f[1];
                dst.calls += src.calls();
                dst.totalNanos += src.totalNanos();
                dst.ownNanos += src.ownNanos();
                for (CallNode c : src.children()) {
                    stack.push(new Object[] {c, dst.children.computeIfAbsent(c.name(), Sum::new)});
                }
            }
        }

        CallNode freeze() {
            // Post-order: a node is built once all its children are.
            Deque<Object[]> stack = new ArrayDeque<>();
            stack.push(new Object[] {this, new ArrayList<>(children.values()).iterator(), new ArrayList<CallNode>()});
            CallNode result = null;
            while (!stack.isEmpty()) {
                Object[] top = stack.peek();
                @SuppressWarnings("unchecked")
                java.util.Iterator<Sum> it = (java.util.Iterator<Sum>) top[1];
                if (it.hasNext()) {
                    Sum c = it.next();
                    stack.push(new Object[] {c, new ArrayList<>(c.children.values()).iterator(), new ArrayList<CallNode>()});
                    continue;
                }
                stack.pop();
                Sum s = (Sum) top[0];
                @SuppressWarnings("unchecked")
                List<CallNode> kids = (List<CallNode>) top[2];
                CallNode built = CallNode.of(s.name, s.calls, s.totalNanos, s.ownNanos, kids);
                if (stack.isEmpty()) {
                    result = built;
                } else {
                    @SuppressWarnings("unchecked")
                    List<CallNode> siblings = (List<CallNode>) stack.peek()[2];
                    siblings.add(built);
                }
            }
            return Objects.requireNonNull(result);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CallTree && threads.equals(((CallTree) o).threads);
    }

    @Override
    public int hashCode() {
        return threads.hashCode();
    }

    @Override
    public String toString() {
        return "CallTree[" + threads.size() + " threads]";
    }
}
