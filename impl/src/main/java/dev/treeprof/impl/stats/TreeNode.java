package dev.treeprof.impl.stats;

import dev.treeprof.ScopeName;
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

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TreeNode)) {
            return false;
        }
        TreeNode t = (TreeNode) o;
        return calls == t.calls && totalNanos == t.totalNanos && selfNanos == t.selfNanos
                && name.equals(t.name) && children.equals(t.children);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, calls, totalNanos, selfNanos, children);
    }

    @Override
    public String toString() {
        return name.label() + "[" + calls + " calls, " + totalNanos + " ns, self " + selfNanos + " ns]" + children;
    }
}
