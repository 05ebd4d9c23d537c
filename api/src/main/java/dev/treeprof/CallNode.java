package dev.treeprof;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * One node of a recorded call tree: one call path (the scopes open from the root down to this
 * one), with the calls completed on that path and their time. Immutable, so it can be shared
 * between threads.
 *
 * <p>Unlike pstats' flat table, a tree keeps every path apart: a function called from two places
 * has two nodes, each with its own exact numbers. {@code totalNanos} includes the children,
 * {@code ownNanos} excludes them (pstats' cumtime and tottime of this path).
 *
 * <p>Recorded trees can be deeper than the Java stack (a recursion 100,000 calls deep): walk them
 * with {@link #walk(CallVisitor)} or an explicit stack, never by recursion. {@link #equals} and
 * {@link #hashCode} follow that rule themselves.
 */
public final class CallNode {

    private final ScopeName name;
    private final long calls;
    private final long totalNanos;
    private final long ownNanos;
    private final List<CallNode> children;
    /**
     * Nodes in this subtree, counted once at construction from the children's counts: free in
     * memory (the object's padding has room for an int) and it lets a stats table size its arrays
     * once instead of growing them. Saturates at {@code Integer.MAX_VALUE}.
     */
    private final int size;

    private CallNode(ScopeName name, long calls, long totalNanos, long ownNanos, List<CallNode> children) {
        this.name = Objects.requireNonNull(name, "name");
        this.calls = calls;
        this.totalNanos = totalNanos;
        this.ownNanos = ownNanos;
        this.children = List.copyOf(children);
        long n = 1;
        for (int i = 0; i < this.children.size(); i++) { // no iterator: a snapshot makes a node per path
            n += this.children.get(i).size;
        }
        this.size = (int) Math.min(n, Integer.MAX_VALUE);
    }

    /**
     * A node with these numbers and children (copied; the order is kept).
     *
     * @throws NullPointerException if name, children or a child is null
     */
    public static CallNode of(ScopeName name, long calls, long totalNanos, long ownNanos, List<CallNode> children) {
        return new CallNode(name, calls, totalNanos, ownNanos, children);
    }

    /** The scope of this path's last call. */
    public ScopeName name() {
        return name;
    }

    /** Completed calls on this path. */
    public long calls() {
        return calls;
    }

    /** Time of those calls, children included, in nanoseconds of the profiler's clock. */
    public long totalNanos() {
        return totalNanos;
    }

    /** Time of those calls in the scope itself, children excluded, in nanoseconds of the profiler's clock. */
    public long ownNanos() {
        return ownNanos;
    }

    /** The paths one call deeper, in the order they were first called. */
    public List<CallNode> children() {
        return children;
    }

    /**
     * Walks this node and everything below it depth first, children in order, without recursion.
     */
    public void walk(CallVisitor visitor) {
        Objects.requireNonNull(visitor, "visitor");
        // Each frame: the node, its depth, and the index of the next child to visit.
        Deque<Frame> stack = new ArrayDeque<>();
        if (!visitor.enter(this, 0)) {
            return;
        }
        stack.push(new Frame(this, 0));
        while (!stack.isEmpty()) {
            Frame top = stack.peek();
            if (top.next < top.node.children.size()) {
                CallNode child = top.node.children.get(top.next++);
                if (visitor.enter(child, top.depth + 1)) {
                    if (child.children.isEmpty()) {
                        visitor.exit(child, top.depth + 1); // most nodes are leaves: no frame for them
                    } else {
                        stack.push(new Frame(child, top.depth + 1));
                    }
                }
                continue;
            }
            stack.pop();
            visitor.exit(top.node, top.depth);
        }
    }

    private static final class Frame {
        final CallNode node;
        final int depth;
        int next;

        Frame(CallNode node, int depth) {
            this.node = node;
            this.depth = depth;
        }
    }

    /** Number of nodes in this subtree, this one included (at most {@code Integer.MAX_VALUE}). */
    public long size() {
        return size;
    }

    /** Deep equality of names, numbers and children in order, compared without recursion. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CallNode)) {
            return false;
        }
        Deque<CallNode[]> pairs = new ArrayDeque<>();
        pairs.push(new CallNode[] {this, (CallNode) o});
        while (!pairs.isEmpty()) {
            CallNode[] p = pairs.pop();
            CallNode a = p[0];
            CallNode b = p[1];
            if (a == b) {
                continue;
            }
            if (a.calls != b.calls || a.totalNanos != b.totalNanos || a.ownNanos != b.ownNanos
                    || !a.name.equals(b.name) || a.children.size() != b.children.size()) {
                return false;
            }
            for (int i = 0; i < a.children.size(); i++) {
                pairs.push(new CallNode[] {a.children.get(i), b.children.get(i)});
            }
        }
        return true;
    }

    /** A hash of the whole subtree in pre-order, computed without recursion. */
    @Override
    public int hashCode() {
        int[] h = {1};
        walk((n, d) -> {
            h[0] = 31 * h[0] + Objects.hash(n.name, n.calls, n.totalNanos, n.ownNanos, n.children.size());
            return true;
        });
        return h[0];
    }

    /** This node and the number of its children (not the whole tree: it can be huge and deep). */
    @Override
    public String toString() {
        return name.label() + "[" + calls + " calls, " + totalNanos + " ns, own " + ownNanos + " ns, "
                + children.size() + " children]";
    }
}
