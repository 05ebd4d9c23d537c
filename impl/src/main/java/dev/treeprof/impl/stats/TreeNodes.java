package dev.treeprof.impl.stats;

import dev.treeprof.CallNode;
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
    public static CallNode rename(CallNode root, Function<ScopeName, ScopeName> rename) {
        return build(root, CallNode::children, (n, kids) -> CallNode.of(n == root ? n.name() : rename.apply(n.name()),
                n.calls(), n.totalNanos(), n.ownNanos(), mergeSiblings(kids)));
    }

    /**
     * Builds an immutable tree from any tree, children before their parent, without recursion.
     * {@code children} is asked once per node, before {@code make} is given the node and its built
     * children.
     */
    public static <T> CallNode build(T root, Function<T, List<T>> children,
                                     BiFunction<T, List<CallNode>, CallNode> make) {
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, children.apply(root).iterator(), new ArrayList<CallNode>()});
        CallNode result = null;
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            @SuppressWarnings("unchecked")
            Iterator<T> next = (Iterator<T>) top[1];
            if (next.hasNext()) {
                T c = next.next();
                stack.push(new Object[] {c, children.apply(c).iterator(), new ArrayList<CallNode>()});
                continue;
            }
            stack.pop();
            @SuppressWarnings("unchecked")
            T n = (T) top[0];
            @SuppressWarnings("unchecked")
            List<CallNode> kids = (List<CallNode>) top[2];
            CallNode built = make.apply(n, kids);
            if (stack.isEmpty()) {
                result = built;
            } else {
                @SuppressWarnings("unchecked")
                List<CallNode> siblings = (List<CallNode>) stack.peek()[2];
                siblings.add(built);
            }
        }
        return result;
    }

    /** Merges siblings with equal names, summing their numbers and merging their children. */
    static List<CallNode> mergeSiblings(List<CallNode> nodes) {
        Set<ScopeName> seen = new HashSet<>();
        boolean collision = false;
        for (CallNode n : nodes) {
            collision |= !seen.add(n.name());
        }
        if (!collision) {
            return nodes; // the common case: nothing to merge, nothing to copy
        }
        MergedTree.Node holder = new MergedTree.Node(null);
        for (CallNode n : nodes) {
            holder.child(n.name()).add(n);
        }
        List<CallNode> out = new ArrayList<>(holder.children.size());
        for (MergedTree.Node s : holder.children.values()) {
            out.add(s.freeze());
        }
        return out;
    }

    /** Two trees of the same name summed path by path. */
    public static CallNode merge(CallNode a, CallNode b) {
        MergedTree.Node sum = new MergedTree.Node(a.name());
        sum.add(a);
        sum.add(b);
        return sum.freeze();
    }

    /** Number of nodes below the root. */
    public static long size(CallNode root) {
        long count = 0;
        Deque<CallNode> stack = new ArrayDeque<>(root.children());
        while (!stack.isEmpty()) {
            CallNode n = stack.pop();
            count++;
            n.children().forEach(stack::push);
        }
        return count;
    }
}
