package dev.treeprof.impl.stats;

import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.internal.CallPairs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * pstats' dict {@code key -> (cc, nc, tt, ct, callers)} under construction: rows accumulate by
 * function key in first-seen order and are summed as {@code pstats.add} sums them.
 *
 * <p>Rows here are already in seconds (loaded files, stripped or added stats) and add as doubles,
 * as {@code pstats.add} adds them; recorded trees are flattened by {@link Flattener}, which sums
 * integer nanoseconds.
 */
final class FunctionTable {

    /** One function's running sums. */
    static final class Entry {
        long totalCalls;
        long primitiveCalls;
        double tottime;
        double cumtime;
        final Map<ScopeName, CallStats> callers = new LinkedHashMap<>();
    }

    private final Map<ScopeName, Entry> entries = new LinkedHashMap<>();

    private Entry entry(ScopeName key) {
        return entries.computeIfAbsent(key, k -> new Entry());
    }

    void add(ScopeName key, long totalCalls, long primitiveCalls, double tottime, double cumtime,
             Map<ScopeName, CallStats> callers) {
        Entry e = entry(key);
        e.totalCalls += totalCalls;
        e.primitiveCalls += primitiveCalls;
        e.tottime += tottime;
        e.cumtime += cumtime;
        callers.forEach((caller, pair) -> addCaller(e, caller, pair));
    }

    private static void addCaller(Entry e, ScopeName caller, CallStats pair) {
        e.callers.merge(caller, pair, CallStats::plus);
    }

    void addRow(StatsRow row) {
        add(row.function(), row.totalCalls(), row.primitiveCalls(), row.tottime(), row.cumtime(), row.callers());
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Immutable rows, with callees derived by inverting every callers map. */
    List<StatsRow> rows() {
        List<StatsRow> rows = new ArrayList<>(entries.size());
        for (Map.Entry<ScopeName, Entry> e : entries.entrySet()) {
            Entry v = e.getValue();
            rows.add(new StatsRow(e.getKey(), v.totalCalls, v.primitiveCalls, v.tottime, v.cumtime, v.callers,
                    Map.of()));
        }
        return withCallees(rows);
    }

    /**
     * The rows (one per function, their callees ignored) with the callees every callers map
     * implies, in the order pstats' {@code calc_callees} finds them: rows in order, then each
     * row's callers in order. Callers maps are shared, not copied, and the inversion is built in
     * arrays, so a large loaded profile is not held twice over in maps.
     *
     * @throws IllegalArgumentException if two rows have the same function
     */
    static List<StatsRow> withCallees(List<StatsRow> rows) {
        int n = rows.size();
        Map<ScopeName, Integer> index = new HashMap<>(Math.max(16, n * 2));
        for (int i = 0; i < n; i++) {
            if (index.put(rows.get(i).function(), i) != null) {
                throw new IllegalArgumentException("two rows for " + rows.get(i).label());
            }
        }
        int[] count = new int[n];
        for (StatsRow r : rows) {
            for (ScopeName caller : r.callers().keySet()) {
                Integer c = index.get(caller);
                if (c != null) {
                    count[c]++;
                }
            }
        }
        // per callee: the calling rows and the pair's numbers (calls, primitive, tottime and cumtime bits)
        ScopeName[][] calleeKeys = new ScopeName[n][];
        long[][] calleeNumbers = new long[n][];
        for (int i = 0; i < n; i++) {
            if (count[i] > 0) {
                calleeKeys[i] = new ScopeName[count[i]];
                calleeNumbers[i] = new long[4 * count[i]];
                count[i] = 0;
            }
        }
        for (StatsRow r : rows) {
            for (Map.Entry<ScopeName, CallStats> c : r.callers().entrySet()) {
                Integer j = index.get(c.getKey());
                if (j != null) {
                    int k = count[j]++;
                    calleeKeys[j][k] = r.function();
                    CallPairs.put(calleeNumbers[j], k, c.getValue());
                }
            }
        }
        index = null;
        List<StatsRow> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StatsRow r = rows.get(i);
            Map<ScopeName, CallStats> callees = Map.of();
            if (calleeKeys[i] != null) {
                // the row adopts these arrays as they are: no map or CallStats per pair
                callees = new CallPairs(calleeKeys[i], null, calleeNumbers[i], null, 0, count[i]);
                calleeKeys[i] = null;
                calleeNumbers[i] = null;
            }
            out.add(new StatsRow(r.function(), r.totalCalls(), r.primitiveCalls(), r.tottime(), r.cumtime(),
                    r.callers(), callees));
        }
        return out;
    }
}
