package dev.treeprof.viewer;

import dev.treeprof.CallNode;
import dev.treeprof.CallVisitor;
import dev.treeprof.ScopeName;
import java.util.Arrays;
import java.util.function.ToIntFunction;

/**
 * One call tree as parallel arrays in depth-first pre-order, the shape the page draws from: the
 * function index, calls, total and own nanoseconds of each node, and the size of its subtree
 * (the node included), so the page can skip a subtree too narrow to draw in one step. Flat arrays
 * rather than nested objects keep trees of any depth within JSON parsers' nesting limits.
 */
final class TreeArrays {

    int size;
    int[] function = new int[64];
    long[] calls = new long[64];
    long[] totalNanos = new long[64];
    long[] ownNanos = new long[64];
    int[] subtreeSize = new int[64];

    /** The tree under {@code root} (root included), naming functions through {@code index}. */
    static TreeArrays of(CallNode root, ToIntFunction<ScopeName> index) {
        TreeArrays t = new TreeArrays();
        int[][] open = {new int[64]};
        root.walk(new CallVisitor() {
            @Override
            public boolean enter(CallNode node, int depth) {
                if (depth >= open[0].length) {
                    open[0] = Arrays.copyOf(open[0], open[0].length * 2);
                }
                open[0][depth] = t.add(index.applyAsInt(node.name()), node.calls(), node.totalNanos(), node.ownNanos());
                return true;
            }

            @Override
            public void exit(CallNode node, int depth) {
                t.close(open[0][depth]);
            }
        });
        return t;
    }

    /** Appends a node (its subtree still open) and returns its index. */
    int add(int fn, long nodeCalls, long total, long own) {
        if (size == function.length) {
            int n = size * 2;
            function = Arrays.copyOf(function, n);
            calls = Arrays.copyOf(calls, n);
            totalNanos = Arrays.copyOf(totalNanos, n);
            ownNanos = Arrays.copyOf(ownNanos, n);
            subtreeSize = Arrays.copyOf(subtreeSize, n);
        }
        function[size] = fn;
        calls[size] = nodeCalls;
        totalNanos[size] = total;
        ownNanos[size] = own;
        subtreeSize[size] = 1;
        return size++;
    }

    /** Closes the subtree of node {@code i}: every node added since belongs to it. */
    void close(int i) {
        subtreeSize[i] = size - i;
    }
}
