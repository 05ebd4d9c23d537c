package dev.treeprof.impl.stats;

import dev.treeprof.CallNode;
import dev.treeprof.ScopeName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
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
     * children. The path is kept in arrays, not in a frame object, list and iterator per node:
     * every snapshot of a recording (one per profiled web request) goes through here.
     */
    public static <T> CallNode build(T root, Function<T, List<T>> children,
                                     BiFunction<T, List<CallNode>, CallNode> make) {
        // per depth on the current path: the node, its children, the next child to build and
        // where its built children start in `built`
        Object[] nodes = new Object[8];
        List<?>[] kidsOf = new List<?>[8];
        int[] next = new int[8];
        int[] builtFrom = new int[8];
        CallNode[] built = new CallNode[8];
        int builtCount = 0;
        nodes[0] = root;
        kidsOf[0] = children.apply(root);
        int depth = 0;
        while (true) {
            List<?> kids = kidsOf[depth];
            if (next[depth] < kids.size()) {
                @SuppressWarnings("unchecked")
                T c = (T) kids.get(next[depth]++);
                depth++;
                if (depth == nodes.length) {
                    int n = 2 * depth;
                    nodes = Arrays.copyOf(nodes, n);
                    kidsOf = Arrays.copyOf(kidsOf, n);
                    next = Arrays.copyOf(next, n);
                    builtFrom = Arrays.copyOf(builtFrom, n);
                }
                nodes[depth] = c;
                kidsOf[depth] = children.apply(c);
                next[depth] = 0;
                builtFrom[depth] = builtCount;
                continue;
            }
            int from = builtFrom[depth];
            List<CallNode> made = from == builtCount ? List.of()
                    : Arrays.asList(Arrays.copyOfRange(built, from, builtCount));
            Arrays.fill(built, from, builtCount, null);
            builtCount = from;
            @SuppressWarnings("unchecked")
            T n = (T) nodes[depth];
            CallNode result = make.apply(n, made);
            nodes[depth] = null;
            kidsOf[depth] = null;
            if (depth == 0) {
                return result;
            }
            depth--;
            if (builtCount == built.length) {
                built = Arrays.copyOf(built, 2 * builtCount);
            }
            built[builtCount++] = result;
        }
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
