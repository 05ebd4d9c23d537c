package dev.treeprof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallTreeTest {

    private static CallNode leaf(String name, long calls, long nanos) {
        return CallNode.of(ScopeName.of(name), calls, nanos, nanos, List.of());
    }

    private static CallNode node(String name, long calls, long total, long own, CallNode... kids) {
        return CallNode.of(ScopeName.of(name), calls, total, own, List.of(kids));
    }

    private static CallNode root(CallNode... kids) {
        long total = 0;
        for (CallNode k : kids) {
            total += k.totalNanos();
        }
        return CallNode.of(ThreadTree.ROOT, 0, total, 0, List.of(kids));
    }

    /** A chain of {@code depth} nested "recurse" calls above a leaf. */
    private static CallNode chain(int depth) {
        CallNode n = leaf("leaf", 1, 1);
        for (int i = 0; i < depth; i++) {
            n = node("recurse", 1, 1, 0, n);
        }
        return n;
    }

    @Test
    void walkVisitsPreOrderWithDepthsAndExitsAfterChildren() {
        CallNode r = root(node("main", 1, 10, 2, leaf("a", 2, 3), node("b", 1, 5, 1, leaf("a", 1, 4))));
        List<String> events = new ArrayList<>();
        r.walk(new CallVisitor() {
            @Override
            public boolean enter(CallNode n, int depth) {
                events.add("+" + n.name().label() + depth);
                return true;
            }

            @Override
            public void exit(CallNode n, int depth) {
                events.add("-" + n.name().label() + depth);
            }
        });
        assertEquals(List.of("+{root}0", "+main1", "+a2", "-a2", "+b2", "+a3", "-a3", "-b2", "-main1", "-{root}0"),
                events);
    }

    @Test
    void walkSkipsChildrenWhenEnterSaysNoAndThenDoesNotExitThatNode() {
        CallNode r = root(node("main", 1, 10, 2, leaf("a", 2, 3)), leaf("z", 1, 1));
        List<String> events = new ArrayList<>();
        r.walk(new CallVisitor() {
            @Override
            public boolean enter(CallNode n, int depth) {
                events.add("+" + n.name().label());
                return !n.name().label().equals("main");
            }

            @Override
            public void exit(CallNode n, int depth) {
                events.add("-" + n.name().label());
            }
        });
        assertEquals(List.of("+{root}", "+main", "+z", "-z", "-{root}"), events);
    }

    @Test
    void deepTreesWalkCompareAndHashWithoutOverflowingTheStack() {
        CallNode a = chain(200_000);
        CallNode b = chain(200_000);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, chain(199_999));
        assertEquals(200_001, a.size());
        int[] deepest = {0};
        a.walk((n, d) -> {
            deepest[0] = Math.max(deepest[0], d);
            return true;
        });
        assertEquals(200_000, deepest[0]);
        CallTree deep = CallTree.of(List.of(ThreadTree.of("t1", root(chain(100_000))),
                ThreadTree.of("t2", root(chain(100_000)))));
        assertEquals(200_002, deep.nodeCount());
        CallNode merged = deep.merged();
        assertEquals(100_002, merged.size(), "equal paths merge");
        CallNode n = merged;
        while (!n.children().isEmpty()) {
            n = n.children().get(0);
        }
        assertEquals(2, n.calls());
    }

    @Test
    void mergedSumsEqualPathsKeepsFirstSeenOrderAndSeparatesPaths() {
        ThreadTree t1 = ThreadTree.of("main", root(node("handle", 1, 10, 4, leaf("db", 1, 6)), leaf("log", 1, 1)));
        ThreadTree t2 = ThreadTree.of("worker", root(leaf("log", 2, 3), node("handle", 1, 7, 2, leaf("db", 1, 5)),
                node("batch", 1, 9, 0, leaf("db", 3, 9))));
        CallNode m = CallTree.of(List.of(t1, t2)).merged();
        assertEquals(ThreadTree.ROOT, m.name());
        assertEquals(List.of("handle", "log", "batch"), m.children().stream().map(c -> c.name().label()).toList());
        CallNode handle = m.children().get(0);
        assertEquals(2, handle.calls());
        assertEquals(17, handle.totalNanos());
        assertEquals(6, handle.ownNanos());
        assertEquals(11, handle.children().get(0).totalNanos(), "db under handle: both threads");
        assertEquals(9, m.children().get(2).children().get(0).totalNanos(), "db under batch stays its own path");
        assertEquals(3, m.children().get(1).calls());
    }

    @Test
    void emptyTreeHasNoThreadsAndAnEmptyMergedRoot() {
        assertTrue(CallTree.empty().isEmpty());
        assertSame(CallTree.empty(), CallTree.of(List.of()));
        assertEquals(0, CallTree.empty().merged().children().size());
        assertEquals(0, CallTree.empty().nodeCount());
    }

    @Test
    void nodesAreImmutableAndRejectNulls() {
        List<CallNode> kids = new ArrayList<>(List.of(leaf("a", 1, 1)));
        CallNode n = node("p", 1, 1, 0, kids.toArray(new CallNode[0]));
        assertThrows(UnsupportedOperationException.class, () -> n.children().add(leaf("b", 1, 1)));
        assertThrows(NullPointerException.class, () -> CallNode.of(null, 0, 0, 0, List.of()));
        assertThrows(NullPointerException.class, () -> ThreadTree.of(null, n));
    }
}
