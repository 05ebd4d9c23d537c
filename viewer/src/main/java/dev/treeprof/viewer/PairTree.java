package dev.treeprof.viewer;

import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * A call tree guessed from a flat table's caller pairs, as snakeviz draws {@code .prof} files:
 * functions without callers are the top level, and under a node for function F each callee C of F
 * gets the pair F→C's numbers scaled by the share of F's cumulative time this node stands for.
 * A function already on the path is not expanded again (recursion), so the result is an
 * estimate: only a recording's trees know the real time of each call path.
 */
final class PairTree {

    /** Past this many nodes the guess stops growing: a cyclic call graph explodes into paths. */
    static final int MAX_NODES = 200_000;
    /** Paths deeper than this are not expanded. */
    static final int MAX_DEPTH = 256;

    private PairTree() {
    }

    private static final class Frame {
        final ScopeName function;
        final double scale;
        final int node;
        final Iterator<Map.Entry<ScopeName, CallStats>> callees;

        Frame(ScopeName function, double scale, int node, Iterator<Map.Entry<ScopeName, CallStats>> callees) {
            this.function = function;
            this.scale = scale;
            this.node = node;
            this.callees = callees;
        }
    }

    static TreeArrays rebuild(List<StatsRow> rows, ToIntFunction<ScopeName> index, int rootFunction) {
        Map<ScopeName, StatsRow> byName = new HashMap<>();
        for (StatsRow r : rows) {
            byName.put(r.function(), r);
        }
        List<StatsRow> tops = new ArrayList<>();
        for (StatsRow r : rows) {
            if (r.callers().isEmpty()) {
                tops.add(r);
            }
        }
        if (tops.isEmpty() && !rows.isEmpty()) {
            // every function has a caller (a cycle): start from the one holding the most time
            StatsRow best = rows.get(0);
            for (StatsRow r : rows) {
                if (r.cumtime() > best.cumtime()) {
                    best = r;
                }
            }
            tops.add(best);
        }
        TreeArrays t = new TreeArrays();
        long rootTotal = 0;
        for (StatsRow r : tops) {
            rootTotal += nanos(r.cumtime());
        }
        int root = t.add(rootFunction, 0, rootTotal, 0);
        Set<ScopeName> onPath = new HashSet<>();
        Deque<Frame> stack = new ArrayDeque<>();
        for (StatsRow top : tops) {
            int n = t.add(index.applyAsInt(top.function()), top.primitiveCalls(), nanos(top.cumtime()), nanos(top.tottime()));
            stack.push(new Frame(top.function(), 1.0, n, top.callees().entrySet().iterator()));
            onPath.add(top.function());
            while (!stack.isEmpty()) {
                Frame f = stack.peek();
                if (!f.callees.hasNext() || stack.size() >= MAX_DEPTH || t.size >= MAX_NODES) {
                    stack.pop();
                    onPath.remove(f.function);
                    t.close(f.node);
                    continue;
                }
                Map.Entry<ScopeName, CallStats> e = f.callees.next();
                ScopeName callee = e.getKey();
                if (onPath.contains(callee)) {
                    continue;
                }
                CallStats pair = e.getValue();
                double total = pair.cumtime() * f.scale;
                StatsRow calleeRow = byName.get(callee);
                double scale = calleeRow == null || calleeRow.cumtime() <= 0 ? 0 : Math.min(1.0, total / calleeRow.cumtime());
                int n2 = t.add(index.applyAsInt(callee), Math.round(pair.totalCalls() * f.scale),
                        nanos(total), nanos(pair.tottime() * f.scale));
                Iterator<Map.Entry<ScopeName, CallStats>> next = calleeRow == null
                        ? java.util.Collections.emptyIterator() : calleeRow.callees().entrySet().iterator();
                stack.push(new Frame(callee, scale, n2, next));
                onPath.add(callee);
            }
        }
        t.close(root);
        return t;
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }
}
