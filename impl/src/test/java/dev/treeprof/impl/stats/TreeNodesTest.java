package dev.treeprof.impl.stats;

import dev.treeprof.ThreadTree;
import dev.treeprof.CallNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.treeprof.ScopeName;
import java.util.List;
import org.junit.jupiter.api.Test;

class TreeNodesTest {

    private static CallNode chain(int depth, long leafCalls) {
        CallNode n = CallNode.of(ScopeName.of("leaf"), leafCalls, 1, 1, List.of());
        for (int i = 0; i < depth; i++) {
            n = CallNode.of(ScopeName.of("recurse"), 1, 1 + i, 0, List.of(n));
        }
        return n;
    }

    /** A 50,000-deep recursion whose every function lives in this file (line 1). */
    private static CallNode chainIn(String file) {
        CallNode root = CallNode.of(ScopeName.of("<root>"), 0, 0, 0, List.of(chain(50_000, 1)));
        return TreeNodes.rename(root, x -> ScopeName.of(file, 1, x.function())).children().get(0);
    }

    @Test
    void deepTreesCompareAndHashWithoutOverflowingTheStack() {
        CallNode a = chain(200_000, 1);
        CallNode b = chain(200_000, 1);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, chain(200_000, 2));
        assertEquals("recurse[1 calls, 200000 ns, own 0 ns, 1 children]", a.toString());
        assertEquals(200_001, TreeNodes.size(CallNode.of(ScopeName.of("<root>"), 0, 0, 0, List.of(a))));
    }

    @Test
    void deepTreesMergeAndStripWithoutOverflowingTheStack() {
        CallNode merged = TreeNodes.merge(chain(100_000, 1), chain(100_000, 2));
        assertEquals(2, merged.calls());
        CallNode n = merged;
        while (!n.children().isEmpty()) {
            n = n.children().get(0);
        }
        assertEquals("leaf", n.name().function());
        assertEquals(3, n.calls());

        // two threads' deep recursions in files that collide once directories are stripped
        CallNode a = CallNode.of(ScopeName.of("<root>"), 0, 0, 0, List.of(chainIn("/a/x.py"), chainIn("/b/x.py")));
        StatsTable stripped = (StatsTable) StatsTable.fromThreads(List.of(ThreadTree.of("t", a)), 0, 0).stripDirs();
        assertEquals(100_000, stripped.row("x.py:1(recurse)").totalCalls());
        assertEquals(1, stripped.threads().get(0).root().children().size(), "the two trees became one");
    }
}
