package dev.treeprof.impl.stats;

import dev.treeprof.ScopeName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Operations on immutable trees, all written without recursion: recorded trees can be very deep. */
public final class TreeNodes {

    private TreeNodes() {
    }

    /** The same tree with every name mapped; children whose names become equal are merged. */
    public static TreeNode rename(TreeNode root, Function<ScopeName, ScopeName> rename) {
        return build(root, TreeNode::children, (n, kids) -> new TreeNode(n == root ? n.name() : rename.apply(n.name()),
                n.calls(), n.totalNanos(), n.selfNanos(), mergeSiblings(kids)));
    }

    /**
     * Builds an immutable tree from any tree, children before their parent, without recursion.
     * {@code children} is asked once per node, before {@code make} is given the node and its built
     * children.
     */
    public static <T> TreeNode build(T root, Function<T, List<T>> children,
                                     BiFunction<T, List<TreeNode>, TreeNode> make) {
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, children.apply(root).iterator(), new ArrayList<TreeNode>()});
        TreeNode result = null;
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            @SuppressWarnings("unchecked")
            Iterator<T> next = (Iterator<T>) top[1];
            if (next.hasNext()) {
                T c = next.next();
                stack.push(new Object[] {c, children.apply(c).iterator(), new ArrayList<TreeNode>()});
                continue;
            }
            stack.pop();
            @SuppressWarnings("unchecked")
            T n = (T) top[0];
            @SuppressWarnings("unchecked")
            List<TreeNode> kids = (List<TreeNode>) top[2];
            TreeNode built = make.apply(n, kids);
            if (stack.isEmpty()) {
                result = built;
            } else {
                @SuppressWarnings("unchecked")
                List<TreeNode> siblings = (List<TreeNode>) stack.peek()[2];
                siblings.add(built);
            }
        }
        return result;
    }

    /** Merges siblings with equal names, summing their numbers and merging their children. */
    static List<TreeNode> mergeSiblings(List<TreeNode> nodes) {
        Set<ScopeName> seen = new HashSet<>();
        boolean collision = false;
        for (TreeNode n : nodes) {
            collision |= !seen.add(n.name());
        }
        if (!collision) {
            return nodes; // the common case: nothing to merge, nothing to copy
        }
        MergedTree.Node holder = new MergedTree.Node(null);
        for (TreeNode n : nodes) {
            holder.child(n.name()).add(n);
        }
        List<TreeNode> out = new ArrayList<>(holder.children.size());
        for (MergedTree.Node s : holder.children.values()) {
            out.add(s.freeze());
        }
        return out;
    }

    /** Two trees of the same name summed path by path. */
    public static TreeNode merge(TreeNode a, TreeNode b) {
        MergedTree.Node sum = new MergedTree.Node(a.name());
        sum.add(a);
        sum.add(b);
        return sum.freeze();
    }

    /** Number of nodes below the root. */
    public static long size(TreeNode root) {
        long count = 0;
        Deque<TreeNode> stack = new ArrayDeque<>(root.children());
        while (!stack.isEmpty()) {
            TreeNode n = stack.pop();
            count++;
            n.children().forEach(stack::push);
        }
        return count;
    }
}
