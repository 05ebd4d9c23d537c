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
    /** Written by the owner, read racily by stats readers: only whether it exists matters to them. */
    private volatile Node overflow;

    /** Where a recording tree reports null-named scopes; null for trees that only fold others. */
    private final Anomalies anomalies;

    CallTree(int maxNodes) {
        this(maxNodes, null);
    }

    CallTree(int maxNodes, Anomalies anomalies) {
        this.maxNodes = maxNodes;
        this.anomalies = anomalies;
    }

    /** The child of parent for this name, made if needed, or the overflow node past the cap. */
    Node child(Node parent, ScopeName name) {
        Node c = parent.findChild(name);
        if (c != null) {
            return c;
        }
        if (nodes >= maxNodes) {
            return overflowNode(); // also the answer for children of the overflow node itself
        }
        nodes++;
        if (name == NameTable.NULL_NAME && anomalies != null) {
            // off the hot path: only when a null-named scope first appears on a path
            anomalies.report(Anomalies.Kind.NULL_NAME, "under " + parent.name.label());
        }
        return parent.addChild(name);
    }

    /** The node counting calls past the cap; made on first overflow. Owner thread only. */
    Node overflowNode() {
        if (overflow == null) {
            overflow = root.addChild(OVERFLOW);
        }
        return overflow;
    }

    boolean overflowed() {
        return overflow != null;
    }
}
