package dev.treeprof.impl.record;

import dev.treeprof.ScopeName;

/**
 * The call tree of one thread in one profiler: a node per distinct call path. The number of nodes
 * is capped; calls on new paths past the cap are counted in one overflow node under the root, so a
 * runaway recursion or unbounded dynamic names cannot exhaust the heap.
 */
final class CallTree {

    /** Label of the node that takes the calls of new paths past the cap. */
    static final ScopeName OVERFLOW = ScopeName.of("<treeprof: node limit reached>");

    private static final ScopeName ROOT = ScopeName.of("<root>");

    final Node root = new Node(ROOT, null);
    private final int maxNodes;
    private int nodes;
    private Node overflow;
    long overflowedEntries;

    CallTree(int maxNodes) {
        this.maxNodes = maxNodes;
    }

    /** The child of parent for this name, made if needed, or the overflow node past the cap. */
    Node child(Node parent, ScopeName name) {
        Node c = parent.findChild(name);
        if (c != null) {
            return c;
        }
        if (parent == overflow) {
            overflowedEntries++;
            return overflow;
        }
        if (nodes >= maxNodes) {
            overflowedEntries++;
            if (overflow == null) {
                overflow = root.addChild(OVERFLOW);
            }
            return overflow;
        }
        nodes++;
        return parent.addChild(name);
    }

    int nodeCount() {
        return nodes;
    }

    boolean overflowed() {
        return overflow != null;
    }
}
