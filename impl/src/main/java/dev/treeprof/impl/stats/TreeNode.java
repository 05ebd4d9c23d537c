package dev.treeprof.impl.stats;

import dev.treeprof.ScopeName;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * An immutable node of a recorded call tree: one call path with its completed calls, the time of
 * those calls children included ({@code totalNanos}) and excluded ({@code selfNanos}). The root of
 * a thread's tree is a synthetic node whose children are the thread's top-level scopes.
 */
public final class TreeNode {

    private final ScopeName name;
    private final long calls;
    private final long totalNanos;
    private final long selfNanos;
    private final List<TreeNode> children;

    public TreeNode(ScopeName name, long calls, long totalNanos, long selfNanos, List<TreeNode> children) {
        this.name = Objects.requireNonNull(name, "name");
        this.calls = calls;
        this.totalNanos = totalNanos;
        this.selfNanos = selfNanos;
        this.children = List.copyOf(children);
    }

    public ScopeName name() {
        return name;
    }

    public long calls() {
        return calls;
    }

    public long totalNanos() {
        return totalNanos;
    }

    public long selfNanos() {
        return selfNanos;
    }

    public List<TreeNode> children() {
        return children;
    }

    /** Deep equality, compared without recursion: recorded trees can be deeper than the Java stack. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TreeNode)) {
            return false;
        }
        Deque<TreeNode[]> pairs = new ArrayDeque<>();
        pairs.push(new TreeNode[] {this, (TreeNode) o});
        while (!pairs.isEmpty()) {
            TreeNode[] p = pairs.pop();
            TreeNode a = p[0];
            TreeNode b = p[1];
            if (a == b) {
                continue;
            }
            if (a.calls != b.calls || a.totalNanos != b.totalNanos || a.selfNanos != b.selfNanos
                    || !a.name.equals(b.name) || a.children.size() != b.children.size()) {
                return false;
            }
            for (int i = 0; i < a.children.size(); i++) {
                pairs.push(new TreeNode[] {a.children.get(i), b.children.get(i)});
            }
        }
        return true;
    }

    /** A hash of the whole tree in pre-order, computed without recursion. */
    @Override
    public int hashCode() {
        int h = 1;
        Deque<TreeNode> stack = new ArrayDeque<>();
        stack.push(this);
        while (!stack.isEmpty()) {
            TreeNode n = stack.pop();
            h = 31 * h + Objects.hash(n.name, n.calls, n.totalNanos, n.selfNanos, n.children.size());
            for (int i = n.children.size() - 1; i >= 0; i--) {
                stack.push(n.children.get(i));
            }
        }
        return h;
    }

    /** This node and the number of its children (not the whole tree: it can be huge and deep). */
    @Override
    public String toString() {
        return name.label() + "[" + calls + " calls, " + totalNanos + " ns, self " + selfNanos + " ns, "
                + children.size() + " children]";
    }
}
