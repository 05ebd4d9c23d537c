package dev.treeprof.impl.record;

import dev.treeprof.ThreadTree;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trees of a profiler's threads that have ended, folded by thread name: a pool thread replaced
 * by a namesake, or a million short-lived virtual threads, add to one tree per name instead of
 * one tree each. At most {@value #MAX_NAMES} names are kept apart; later names share one tree, so
 * memory is bounded by the distinct call paths, not by how many threads came and went.
 * Not thread-safe: the profiler guards it with its lock.
 */
final class EndedThreads {

    static final int MAX_NAMES = 100;
    static final String OTHER = "(other ended threads)";

    private final int maxNodes;
    private final Map<String, CallTree> trees = new LinkedHashMap<>();

    EndedThreads(int maxNodes) {
        this.maxNodes = maxNodes;
    }

    /** Adds the segment's tree to the tree of its thread's name (or the shared one). */
    void fold(Segment s) {
        String name = s.threadName();
        CallTree target = trees.get(name);
        if (target == null) {
            name = trees.size() < MAX_NAMES ? name : OTHER;
            target = trees.computeIfAbsent(name, n -> new CallTree(maxNodes));
        }
        TreeMerger.merge(s.tree.root, target);
    }

    /** Immutable snapshots of the folded trees, one per name. */
    void snapshots(List<ThreadTree> into) {
        for (Map.Entry<String, CallTree> e : trees.entrySet()) {
            into.add(ThreadTree.of(e.getKey(), Segment.snapshot(e.getValue().root)));
        }
    }
}
