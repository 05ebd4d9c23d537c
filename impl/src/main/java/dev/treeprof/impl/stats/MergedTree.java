package dev.treeprof.impl.stats;

import dev.treeprof.ThreadTree;
import dev.treeprof.CallNode;
import dev.treeprof.ScopeName;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mutable call tree that sums several trees path by path, built and walked without recursion
 * (recorded trees can be deeper than the Java stack). The exporters draw from it, and
 * {@link TreeNodes} merges immutable trees through it.
 */
public final class MergedTree {

    /** Marks where the folded writer cut stacks deeper than its limit. */
    public static final ScopeName TRUNCATED = ScopeName.of("[deeper frames truncated]");

    /** One path of the merged tree. */
    public static final class Node {
        public final ScopeName name;
        public long calls;
        public long totalNanos;
        public long selfNanos;
        public final Map<ScopeName, Node> children = new LinkedHashMap<>();

        public Node(ScopeName name) {
            this.name = name;
        }

        public Node child(ScopeName n) {
            return children.computeIfAbsent(n, Node::new);
        }

        /** Adds a tree's numbers into this node, path by path. */
        public void add(CallNode tree) {
            MergedTree.add(this, tree, Integer.MAX_VALUE);
        }

        /** The immutable tree of this node. */
        public CallNode freeze() {
            return TreeNodes.build(this, n -> new ArrayList<>(n.children.values()),
                    (n, kids) -> CallNode.of(n.name, n.calls, n.totalNanos, n.selfNanos, kids));
        }
    }

    private MergedTree() {
    }

    /** Groups threads by name, keeping first-seen order, and merges each group's trees. */
    public static Map<String, Node> byThreadName(List<ThreadTree> threads) {
        Map<String, Node> out = new LinkedHashMap<>();
        for (ThreadTree t : threads) {
            Node root = out.computeIfAbsent(t.threadName(), n -> new Node(t.root().name()));
            add(root, t.root(), Integer.MAX_VALUE);
        }
        return out;
    }

    /**
     * Every thread's tree summed into one. Nodes deeper than {@code maxDepth} (the root's children
     * are depth 1) are summed into a {@link #TRUNCATED} child of their ancestor at that depth.
     */
    public static Node all(List<ThreadTree> threads, int maxDepth) {
        Node root = new Node(ScopeName.of("<root>"));
        for (ThreadTree t : threads) {
            add(root, t.root(), maxDepth);
        }
        return root;
    }

    private static void add(Node into, CallNode root, int maxDepth) {
        into.calls += root.calls();
        into.totalNanos += root.totalNanos();
        into.selfNanos += root.ownNanos();
        // frames: source node, target node, depth of the source node
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, into, 0});
        while (!stack.isEmpty()) {
            Object[] f = stack.pop();
            CallNode src = (CallNode) f[0];
            Node dst = (Node) f[1];
            int depth = (Integer) f[2];
            for (CallNode c : src.children()) {
                int d = depth + 1;
                if (d > maxDepth) {
                    Node cut = dst.child(TRUNCATED);
                    cut.calls += c.calls();
                    cut.totalNanos += c.totalNanos();
                    // the whole cut subtree's time is the cut frame's own
                    cut.selfNanos += c.totalNanos();
                    continue;
                }
                Node target = dst.child(c.name());
                target.calls += c.calls();
                target.totalNanos += c.totalNanos();
                target.selfNanos += c.ownNanos();
                stack.push(new Object[] {c, target, d});
            }
        }
    }

    /** The nodes below the root in depth-first pre-order, each with its depth (root's children: 1). */
    public static void preOrder(Node root, Visitor v) throws IOException {
        Deque<Object[]> stack = new ArrayDeque<>();
        List<Node> kids = new ArrayList<>(root.children.values());
        for (int i = kids.size() - 1; i >= 0; i--) {
            stack.push(new Object[] {kids.get(i), 1, Boolean.FALSE});
        }
        while (!stack.isEmpty()) {
            Object[] f = stack.pop();
            Node n = (Node) f[0];
            int depth = (Integer) f[1];
            if (f[2] == Boolean.TRUE) {
                v.leave(n, depth);
                continue;
            }
            v.enter(n, depth);
            stack.push(new Object[] {n, depth, Boolean.TRUE});
            List<Node> ck = new ArrayList<>(n.children.values());
            for (int i = ck.size() - 1; i >= 0; i--) {
                stack.push(new Object[] {ck.get(i), depth + 1, Boolean.FALSE});
            }
        }
    }

    /** Callbacks of {@link #preOrder}. */
    public interface Visitor {
        void enter(Node n, int depth) throws IOException;

        void leave(Node n, int depth) throws IOException;
    }
}
