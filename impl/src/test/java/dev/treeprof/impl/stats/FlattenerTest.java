package dev.treeprof.impl.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.CallNode;
import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.ThreadTree;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The array-based flattening against a plain recursive reference of cProfile's counting rules,
 * on random trees spread over several threads, with few names (so functions and pairs recur,
 * directly and through others) or with nearly a function per node.
 */
class FlattenerTest {

    private static final ScopeName[] NAMES = {
        ScopeName.of("a"), ScopeName.of("b"), ScopeName.of("<listcomp>"),
        ScopeName.of("app.py", 3, "c"), ScopeName.of("app.py", 10, "d"), ScopeName.of("lib/x.py", 7, "a"),
    };

    /**
     * Names enough for nearly every node to be its own function: the table then uses its arrays
     * as sized from the node count, where the few names above leave most of them spare.
     */
    private static final ScopeName[] MANY_NAMES = new ScopeName[5000];

    static {
        for (int i = 0; i < MANY_NAMES.length; i++) {
            MANY_NAMES[i] = ScopeName.of("many.py", i, "m" + i);
        }
    }

    private static CallNode randomTree(Random rnd, int depth, ScopeName[] names) {
        List<CallNode> kids = new ArrayList<>();
        int n = depth >= 7 ? 0 : rnd.nextInt(4);
        long childTotal = 0;
        for (int i = 0; i < n; i++) {
            CallNode c = randomTree(rnd, depth + 1, names);
            kids.add(c);
            childTotal += c.totalNanos();
        }
        // siblings of one node have distinct names, as the recorder keeps them
        Map<ScopeName, CallNode> distinct = new LinkedHashMap<>();
        kids.forEach(k -> distinct.putIfAbsent(k.name(), k));
        long own = rnd.nextInt(1_000_000_000);
        return CallNode.of(names[rnd.nextInt(names.length)], 1 + rnd.nextInt(5), own + childTotal, own,
                new ArrayList<>(distinct.values()));
    }

    /** Per function: calls, primitive calls, tottime and cumtime ns; per (callee, caller) the same. */
    private static final class Reference {
        final Map<ScopeName, long[]> functions = new LinkedHashMap<>();
        final Map<ScopeName, Map<ScopeName, long[]>> callers = new LinkedHashMap<>();
        final Map<ScopeName, Integer> activeFunctions = new HashMap<>();
        final Map<List<ScopeName>, Integer> activeEdges = new HashMap<>();

        void walk(CallNode node, ScopeName parent) {
            ScopeName f = node.name();
            long[] sums = functions.computeIfAbsent(f, k -> new long[4]);
            boolean recursive = activeFunctions.getOrDefault(f, 0) > 0;
            sums[0] += node.calls();
            sums[2] += node.ownNanos();
            if (!recursive) {
                sums[1] += node.calls();
                sums[3] += node.totalNanos();
            }
            List<ScopeName> edge = parent == null ? null : List.of(parent, f);
            if (edge != null) {
                long[] pair = callers.computeIfAbsent(f, k -> new LinkedHashMap<>())
                        .computeIfAbsent(parent, k -> new long[4]);
                boolean pairRecursive = activeEdges.getOrDefault(edge, 0) > 0;
                pair[0] += node.calls();
                pair[2] += node.ownNanos();
                if (!pairRecursive) {
                    pair[1] += node.calls();
                    pair[3] += node.totalNanos();
                }
                activeEdges.merge(edge, 1, Integer::sum);
            }
            activeFunctions.merge(f, 1, Integer::sum);
            for (CallNode c : node.children()) {
                walk(c, f);
            }
            activeFunctions.merge(f, -1, Integer::sum);
            if (edge != null) {
                activeEdges.merge(edge, -1, Integer::sum);
            }
        }

        /** The rows, callees derived by the pstats-order inversion the loaders use. */
        List<StatsRow> rows() {
            List<StatsRow> rows = new ArrayList<>();
            functions.forEach((f, s) -> {
                Map<ScopeName, CallStats> c = new LinkedHashMap<>();
                callers.getOrDefault(f, Map.of()).forEach((caller, p) ->
                        c.put(caller, new CallStats(p[0], p[1], p[2] * 1e-9, p[3] * 1e-9)));
                rows.add(new StatsRow(f, s[0], s[1], s[2] * 1e-9, s[3] * 1e-9, c, Map.of()));
            });
            return FunctionTable.withCallees(rows);
        }
    }

    private static String describe(StatsRow r) {
        StringBuilder b = new StringBuilder(r.label()).append(' ').append(r.ncalls()).append(' ')
                .append(Double.doubleToLongBits(r.tottime())).append(' ')
                .append(Double.doubleToLongBits(r.cumtime()));
        for (Map<ScopeName, CallStats> pairs : List.of(r.callers(), r.callees())) {
            b.append(" |");
            pairs.forEach((k, c) -> b.append(' ').append(k.label()).append('=').append(c.totalCalls()).append('/')
                    .append(c.primitiveCalls()).append(',').append(Double.doubleToLongBits(c.tottime())).append(',')
                    .append(Double.doubleToLongBits(c.cumtime())));
        }
        return b.toString();
    }

    @Test
    void matchesTheReferenceBitForBitAndInOrder() {
        for (long seed = 1; seed <= 200; seed++) {
            Random rnd = new Random(seed);
            ScopeName[] names = seed % 2 == 0 ? NAMES : MANY_NAMES;
            List<ThreadTree> threads = new ArrayList<>();
            Reference ref = new Reference();
            int threadCount = 1 + rnd.nextInt(3);
            for (int t = 0; t < threadCount; t++) {
                List<CallNode> top = new ArrayList<>();
                for (int i = rnd.nextInt(4); i >= 0; i--) {
                    top.add(randomTree(rnd, 0, names));
                }
                Map<ScopeName, CallNode> distinct = new LinkedHashMap<>();
                top.forEach(k -> distinct.putIfAbsent(k.name(), k));
                CallNode root = CallNode.of(ThreadTree.ROOT, 0, 0, 0, new ArrayList<>(distinct.values()));
                threads.add(ThreadTree.of("t" + t, root));
                // the root is no function: its children are top level, without a caller
                for (CallNode c : root.children()) {
                    ref.walk(c, null);
                }
            }
            List<String> expected = ref.rows().stream().map(FlattenerTest::describe).toList();
            List<String> actual = Flattener.rows(threads).stream().map(FlattenerTest::describe).toList();
            assertEquals(expected, actual, "seed " + seed);
            // arrays sized for one entry grow, as past a guess that was too low
            List<String> grown = Flattener.rows(threads, 1).stream().map(FlattenerTest::describe).toList();
            assertEquals(expected, grown, "seed " + seed + ", grown");
        }
    }

    /**
     * {@code main} calling {@code nodes / 10} handlers of their own, each calling 9 leaves whose
     * names cycle through {@code names} names.
     */
    private static List<ThreadTree> wide(int nodes, int names) {
        return wide(nodes, names, Integer.MAX_VALUE);
    }

    /** The same, with the handlers' names cycling through {@code handlerNames} names. */
    private static List<ThreadTree> wide(int nodes, int names, int handlerNames) {
        List<CallNode> handlers = new ArrayList<>();
        for (int i = 0; i < nodes / 10; i++) {
            List<CallNode> kids = new ArrayList<>();
            for (int k = 0; k < 9; k++) {
                kids.add(CallNode.of(ScopeName.of("leaf.py", (i * 9 + k) % names, "f"), 1, 1, 1, List.of()));
            }
            handlers.add(CallNode.of(ScopeName.of("handler.py", i % handlerNames, "h"), 1, 10, 1, kids));
        }
        CallNode main = CallNode.of(ScopeName.of("main"), 1, nodes, 0, handlers);
        return List.of(ThreadTree.of("main", CallNode.of(ThreadTree.ROOT, 0, 0, 0, List.of(main))));
    }

    @Test
    void arraysAreSizedForTheFunctionsABigTreeIsLikelyToHave() {
        // small trees: their node count, which bounds the functions
        assertEquals(1001, Flattener.expectedFunctions(wide(1000, 1000)));
        // a function per node: every node
        assertEquals(100_001, Flattener.expectedFunctions(wide(100_000, 1_000_000)));
        // 10,051 functions in 100,001 nodes, most of them seen once in a sample: well below a
        // function per node (the estimate of names not seen runs high when few are seen twice)
        int guess = Flattener.expectedFunctions(wide(100_000, 50));
        assertTrue(guess > 5_000 && guess < 40_000, "guess " + guess);
        // 2,001 functions, each on about 50 nodes, most of them seen in a sample of 2,048 nodes
        guess = Flattener.expectedFunctions(wide(100_000, 1_000, 1_000));
        assertTrue(guess > 1_000 && guess < 4_000, "guess " + guess);
    }

    @Test
    void deepRecursionCountsOnlyTheOutermostActivation() {
        CallNode n = CallNode.of(ScopeName.of("leaf"), 1, 5, 5, List.of());
        for (int i = 0; i < 100_000; i++) {
            n = CallNode.of(ScopeName.of("f"), 1, 5 + 2L * (i + 1), 2, List.of(n));
        }
        List<StatsRow> rows = Flattener.rows(List.of(ThreadTree.of("main",
                CallNode.of(ThreadTree.ROOT, 0, 0, 0, List.of(n)))));
        StatsRow f = rows.get(0);
        assertEquals("100000/1", f.ncalls());
        assertEquals(200_000 * 1e-9, f.tottime());
        assertEquals(200_005 * 1e-9, f.cumtime());
        // f -> f: 99,999 calls, one of them primitive (the outermost pair)
        CallStats self = f.callers().get(ScopeName.of("f"));
        assertEquals(99_999, self.totalCalls());
        assertEquals(1, self.primitiveCalls());
        assertEquals(List.of(ScopeName.of("f"), ScopeName.of("leaf")), List.copyOf(f.callees().keySet()));
    }
}
