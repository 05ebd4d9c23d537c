package dev.treeprof.impl.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.treeprof.ScopeName;
import java.util.List;
import org.junit.jupiter.api.Test;

class TreeNodeTest {

    private static TreeNode chain(int depth, long leafCalls) {
        TreeNode n = new TreeNode(ScopeName.of("leaf"), leafCalls, 1, 1, List.of());
        for (int i = 0; i < depth; i++) {
            n = new TreeNode(ScopeName.of("recurse"), 1, 1 + i, 0, List.of(n));
        }
        return n;
    }

    @Test
    void deepTreesCompareAndHashWithoutOverflowingTheStack() {
        TreeNode a = chain(200_000, 1);
        TreeNode b = chain(200_000, 1);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, chain(200_000, 2));
        assertEquals("recurse[1 calls, 200000 ns, self 0 ns, 1 children]", a.toString());
        assertEquals(200_001, TreeNodes.size(new TreeNode(ScopeName.of("<root>"), 0, 0, 0, List.of(a))));
    }
}
