package dev.treeprof.impl.stats;

import dev.treeprof.CallNode;
import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.ThreadTree;
import dev.treeprof.internal.CallPairs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns call trees into cProfile's per-function numbers, exactly as {@code _lsprof} would have
 * counted the same calls (checked against python3's cProfile on 240 random programs by
 * CProfileDifferentialTest):
 *
 * <ul>
 *   <li>every node adds its calls and self time to its function;</li>
 *   <li>its total time counts as cumtime only when the function is not already an ancestor on
 *       the path (the outermost activation); otherwise its calls count as recursive;</li>
 *   <li>the (caller, callee) pair follows the same rule with the pair: recursive when the same
 *       parent-to-child edge already occurs higher on the path.</li>
 * </ul>
 *
 * A path is shared by every activation aggregated in a node, so the rule holds per node.
 *
 * <p>Times are summed as integer nanoseconds per function and per pair and converted to seconds
 * once, when the rows are built, as cProfile's {@code getstats} converts ({@code nanos * 1e-9}):
 * dividing each node's nanoseconds and summing doubles prints a different last digit at halfway
 * ties.
 *
 * <p>Functions and pairs are numbered in first-seen order and summed in parallel arrays, not in a
 * map per function: a 100,000-function tree would otherwise hold hundreds of thousands of small
 * maps, entries and boxed numbers alive at once, which the collector must copy (see
 * benchmarks/FINDINGS.md). The arrays are sized once from the trees' node count (scaled down by a
 * sample for big trees), and the rows' callers and callees are views over the pair arrays, shared
 * by the whole table: no map, entry or {@code CallStats} per pair. One instance flattens one table; not thread-safe.
 */
final class Flattener {

    /** cProfile's factor for a nanosecond clock: {@code 1 / 1e9}, the double nearest 1e-9. */
    static final double SECONDS_PER_NANO = 1e-9;

    /**
     * The most entries the arrays are sized for up front (about 150 bytes each); past this they
     * grow. Sizing once avoids growing, that is copying, every array several times over.
     */
    private static final int MAX_PRESIZE = 1 << 20;
    /** Nodes looked at to guess how many functions a bigger tree has; smaller trees are sized by their node count. */
    private static final int SAMPLE = 2048;

    /** Function numbers by key. */
    private final NameIndex functions;
    private long[] calls;
    private long[] primitiveCalls;
    private long[] tottimeNanos;
    private long[] cumtimeNanos;
    /** How many activations of the function are on the current path. */
    private int[] active;

    /** Pair numbers by (caller, callee) function numbers. */
    private final PairIndex pairIndex;
    private int pairCount;
    private int[] pairCaller;
    private int[] pairCallee;
    /**
     * Per pair: calls, primitive calls, tottime and cumtime; the times in nanoseconds while
     * counting, then in seconds as raw double bits, the form the rows' pair views read.
     */
    private long[] pairNumbers;
    /** How many activations of the pair are on the current path. */
    private int[] pairActive;

    /** @param expected how many functions and pairs to size the arrays for; they grow past it */
    private Flattener(int expected) {
        int n = Math.max(8, expected);
        functions = new NameIndex(n);
        calls = new long[n];
        primitiveCalls = new long[n];
        tottimeNanos = new long[n];
        cumtimeNanos = new long[n];
        active = new int[n];
        pairIndex = new PairIndex(n);
        pairCaller = new int[n];
        pairCallee = new int[n];
        pairNumbers = new long[4 * n];
        pairActive = new int[n];
    }

    /** The rows of these trees, one per function in first-seen order, callers and callees in pstats' order. */
    static List<StatsRow> rows(List<ThreadTree> threads) {
        return rows(threads, expectedFunctions(threads));
    }

    /** The same, with the arrays first sized for {@code expected} functions and pairs. */
    static List<StatsRow> rows(List<ThreadTree> threads, int expected) {
        Flattener f = new Flattener(expected);
        for (ThreadTree t : threads) {
            f.add(t.root());
        }
        return f.rows();
    }

    /**
     * How many functions (and pairs) to size for. The node count bounds both, and is exact when
     * every node is its own function; but a big profile usually has far fewer functions than call
     * paths, and sizing for every path would allocate and zero about 150 bytes per node for
     * nothing. So past {@link #SAMPLE} nodes the functions are estimated from about {@code SAMPLE}
     * nodes taken at random: the names seen, plus Chao's estimate of the names not seen, from how
     * many were seen once and twice (bias-corrected: {@code f1 (f1 - 1) / (2 (f2 + 1))}). Names all
     * seen once mean about as many functions as nodes; names seen many times mean few functions.
     * The estimate tends low, and a guess too low only costs the arrays' growth.
     */
    static int expectedFunctions(List<ThreadTree> threads) {
        long nodes = 0;
        for (ThreadTree t : threads) {
            nodes += t.root().size() - 1;
        }
        if (nodes <= SAMPLE) {
            return (int) nodes;
        }
        // each node is taken with the same chance (a fixed seed, so a table is sized alike every
        // time): every k-th node would alias with the regular shapes of generated trees
        double chance = (double) SAMPLE / nodes;
        SplittableRandom random = new SplittableRandom(nodes);
        Map<ScopeName, Integer> seen = new HashMap<>();
        for (ThreadTree t : threads) {
            for (CallNode top : t.root().children()) {
                top.walk((node, depth) -> {
                    if (random.nextDouble() < chance) {
                        seen.merge(node.name(), 1, Integer::sum);
                    }
                    return true;
                });
            }
        }
        long once = 0;
        long twice = 0;
        for (int count : seen.values()) {
            once += count == 1 ? 1 : 0;
            twice += count == 2 ? 1 : 0;
        }
        double estimate = seen.size() + once * (once - 1) / (2.0 * (twice + 1));
        return (int) Math.max(1, Math.min(Math.min(nodes, Math.ceil(estimate)), MAX_PRESIZE));
    }

    /** Adds one tree, depth first without recursion (trees may be deeper than the Java stack). */
    private void add(CallNode root) {
        // the path from the root: node, its function, the pair with its parent (-1 at top level), next child
        CallNode[] nodes = new CallNode[16];
        int[] fn = new int[16];
        int[] pair = new int[16];
        int[] next = new int[16];
        nodes[0] = root;
        fn[0] = -1;
        pair[0] = -1;
        next[0] = 0;
        int depth = 0;
        while (depth >= 0) {
            CallNode top = nodes[depth];
            List<CallNode> kids = top.children();
            if (next[depth] == kids.size()) {
                // leaving the node: it is no longer an ancestor
                if (depth > 0) {
                    active[fn[depth]]--;
                    if (pair[depth] >= 0) {
                        pairActive[pair[depth]]--;
                    }
                }
                nodes[depth] = null;
                depth--;
                continue;
            }
            CallNode child = kids.get(next[depth]++);
            int f = function(child.name());
            int p = depth == 0 ? -1 : pair(fn[depth], f);
            count(child, f, p);
            active[f]++;
            if (p >= 0) {
                pairActive[p]++;
            }
            depth++;
            if (depth == nodes.length) {
                int n = depth * 2;
                nodes = Arrays.copyOf(nodes, n);
                fn = Arrays.copyOf(fn, n);
                pair = Arrays.copyOf(pair, n);
                next = Arrays.copyOf(next, n);
            }
            nodes[depth] = child;
            fn[depth] = f;
            pair[depth] = p;
            next[depth] = 0;
        }
    }

    private void count(CallNode node, int f, int p) {
        long n = node.calls();
        long self = node.ownNanos();
        long total = node.totalNanos();
        calls[f] += n;
        tottimeNanos[f] += self;
        // recursive calls are not primitive, and their time is inside the outer activation's cumtime
        if (active[f] == 0) {
            primitiveCalls[f] += n;
            cumtimeNanos[f] += total;
        }
        if (p >= 0) {
            boolean pairRecursive = pairActive[p] > 0;
            int at = 4 * p;
            pairNumbers[at] += n;
            pairNumbers[at + 2] += self;
            if (!pairRecursive) {
                pairNumbers[at + 1] += n;
                pairNumbers[at + 3] += total;
            }
        }
    }

    /** The number of a function, numbering it when first seen. */
    private int function(ScopeName name) {
        int f = functions.get(name);
        if (f >= 0) {
            return f;
        }
        f = functions.add(name);
        if (f == calls.length) {
            int n = f * 2;
            calls = Arrays.copyOf(calls, n);
            primitiveCalls = Arrays.copyOf(primitiveCalls, n);
            tottimeNanos = Arrays.copyOf(tottimeNanos, n);
            cumtimeNanos = Arrays.copyOf(cumtimeNanos, n);
            active = Arrays.copyOf(active, n);
        }
        return f;
    }

    /** The number of a (caller, callee) pair, numbering it when first seen. */
    private int pair(int caller, int callee) {
        long key = ((long) caller << 32) | callee;
        int p = pairIndex.get(key);
        if (p >= 0) {
            return p;
        }
        p = pairCount++;
        pairIndex.put(key, p);
        if (p == pairCaller.length) {
            int n = p * 2;
            pairCaller = Arrays.copyOf(pairCaller, n);
            pairCallee = Arrays.copyOf(pairCallee, n);
            pairActive = Arrays.copyOf(pairActive, n);
            pairNumbers = Arrays.copyOf(pairNumbers, 4 * n);
        }
        pairCaller[p] = caller;
        pairCallee[p] = callee;
        return p;
    }

    static double seconds(long nanos) {
        return nanos * SECONDS_PER_NANO;
    }

    /**
     * The rows. A function's callers are its pairs in first-seen order; its callees are in the
     * order pstats' {@code calc_callees} finds them: by the callee's row, as it walks the rows in
     * order and inverts each row's callers.
     */
    private List<StatsRow> rows() {
        int n = functions.size();
        int m = pairCount;
        // pairs grouped by callee (first-seen order within a group), by counting sort
        int[] callersStart = new int[n + 1];
        int[] calleesStart = new int[n + 1];
        for (int p = 0; p < m; p++) {
            callersStart[pairCallee[p] + 1]++;
            calleesStart[pairCaller[p] + 1]++;
        }
        for (int i = 0; i < n; i++) {
            callersStart[i + 1] += callersStart[i];
            calleesStart[i + 1] += calleesStart[i];
        }
        int[] byCallee = new int[m];
        int[] fill = Arrays.copyOf(callersStart, n);
        for (int p = 0; p < m; p++) {
            byCallee[fill[pairCallee[p]]++] = p;
        }
        // grouped by caller, in the order of the callee's row: walk the callee groups in row order
        int[] byCaller = new int[m];
        fill = Arrays.copyOf(calleesStart, n);
        for (int k = 0; k < m; k++) {
            int p = byCallee[k];
            byCaller[fill[pairCaller[p]]++] = p;
        }
        fill = null;
        // converted once, as cProfile's getstats converts its sums; the views read seconds
        for (int p = 0; p < m; p++) {
            int at = 4 * p;
            pairNumbers[at + 2] = Double.doubleToRawLongBits(seconds(pairNumbers[at + 2]));
            pairNumbers[at + 3] = Double.doubleToRawLongBits(seconds(pairNumbers[at + 3]));
        }
        // The rows' pair views share these arrays for as long as any row lives, so arrays sized
        // for many more entries than the trees had (many nodes, few functions) are cut to size.
        ScopeName[] names = functions.keysInOrder();
        if (worthTrimming(names.length, n)) {
            names = Arrays.copyOf(names, n);
        }
        int[] callerOf = pairCaller;
        int[] calleeOf = pairCallee;
        long[] numbers = pairNumbers;
        if (worthTrimming(callerOf.length, m)) {
            callerOf = Arrays.copyOf(callerOf, m);
            calleeOf = Arrays.copyOf(calleeOf, m);
            numbers = Arrays.copyOf(numbers, 4 * m);
        }
        List<StatsRow> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<ScopeName, CallStats> callers = callersStart[i] == callersStart[i + 1] ? Map.of()
                    : new CallPairs(names, callerOf, numbers, byCallee, callersStart[i], callersStart[i + 1]);
            Map<ScopeName, CallStats> callees = calleesStart[i] == calleesStart[i + 1] ? Map.of()
                    : new CallPairs(names, calleeOf, numbers, byCaller, calleesStart[i], calleesStart[i + 1]);
            rows.add(new StatsRow(names[i], calls[i], primitiveCalls[i], seconds(tottimeNanos[i]),
                    seconds(cumtimeNanos[i]), callers, callees));
        }
        return rows;
    }

    /** Whether the unused part of an array is more than an eighth of its used part. */
    private static boolean worthTrimming(int length, int used) {
        return length - used > used / 8;
    }

    /** Open-addressing map from a name to its number, numbers given in insertion order. */
    private static final class NameIndex {
        private ScopeName[] keys;
        private int[] values;
        private ScopeName[] inOrder;
        private int size;

        /** Sized for {@code expected} names without growing. */
        NameIndex(int expected) {
            int capacity = tableSize(expected);
            keys = new ScopeName[capacity];
            values = new int[capacity];
            inOrder = new ScopeName[expected];
        }

        int get(ScopeName name) {
            int mask = keys.length - 1;
            for (int i = mix(name.hashCode()) & mask; ; i = (i + 1) & mask) {
                ScopeName k = keys[i];
                if (k == null) {
                    return -1;
                }
                if (k == name || k.equals(name)) {
                    return values[i];
                }
            }
        }

        /** Numbers a name not yet present. */
        int add(ScopeName name) {
            if (2 * (size + 1) > keys.length) {
                grow();
            }
            insert(name, size);
            if (size == inOrder.length) {
                inOrder = Arrays.copyOf(inOrder, size * 2);
            }
            inOrder[size] = name;
            return size++;
        }

        private void insert(ScopeName name, int value) {
            int mask = keys.length - 1;
            int i = mix(name.hashCode()) & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = name;
            values[i] = value;
        }

        private void grow() {
            ScopeName[] oldKeys = keys;
            int[] oldValues = values;
            keys = new ScopeName[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != null) {
                    insert(oldKeys[i], oldValues[i]);
                }
            }
        }

        int size() {
            return size;
        }

        ScopeName[] keysInOrder() {
            return inOrder;
        }
    }

    /** Open-addressing map from a pair's packed function numbers to its number. */
    private static final class PairIndex {
        private static final long EMPTY = -1L;
        private long[] keys;
        private int[] values;
        private int size;

        /** Sized for {@code expected} pairs without growing. */
        PairIndex(int expected) {
            int capacity = tableSize(expected);
            keys = filled(capacity);
            values = new int[capacity];
        }

        private static long[] filled(int n) {
            long[] a = new long[n];
            Arrays.fill(a, EMPTY);
            return a;
        }

        int get(long key) {
            int mask = keys.length - 1;
            for (int i = mix(Long.hashCode(key * 0x9E3779B97F4A7C15L)) & mask; ; i = (i + 1) & mask) {
                long k = keys[i];
                if (k == EMPTY) {
                    return -1;
                }
                if (k == key) {
                    return values[i];
                }
            }
        }

        void put(long key, int value) {
            if (2 * (size + 1) > keys.length) {
                long[] oldKeys = keys;
                int[] oldValues = values;
                keys = filled(oldKeys.length * 2);
                values = new int[oldKeys.length * 2];
                for (int i = 0; i < oldKeys.length; i++) {
                    if (oldKeys[i] != EMPTY) {
                        insert(oldKeys[i], oldValues[i]);
                    }
                }
            }
            insert(key, value);
            size++;
        }

        private void insert(long key, int value) {
            int mask = keys.length - 1;
            int i = mix(Long.hashCode(key * 0x9E3779B97F4A7C15L)) & mask;
            while (keys[i] != EMPTY) {
                i = (i + 1) & mask;
            }
            keys[i] = key;
            values[i] = value;
        }
    }

    /** The smallest power of two that holds {@code expected} entries at most half full. */
    private static int tableSize(int expected) {
        return Integer.highestOneBit(Math.max(8, 2 * expected - 1)) << 1;
    }

    /** Spreads a hash code's bits so linear probing does not cluster on similar codes. */
    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
