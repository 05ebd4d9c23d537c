package dev.treeprof.impl.record;

import java.util.ArrayDeque;
import java.util.Deque;

/** Adds one node tree into another path by path, iteratively (trees can be very deep). */
final class TreeMerger {

    private TreeMerger() {
    }

    static void merge(Node sourceRoot, CallTree target) {
        Deque<Node[]> work = new ArrayDeque<>();
        work.push(new Node[] {sourceRoot, target.root});
        while (!work.isEmpty()) {
            Node[] pair = work.pop();
            for (Node child : pair[0].childrenAcquire()) {
                Node into = target.child(pair[1], child.name);
                into.addTotals(child.calls, child.totalAcquire(), child.selfNanos);
                work.push(new Node[] {child, into});
            }
        }
    }
}
