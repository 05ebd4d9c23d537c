package dev.treeprof.impl.stats;

import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * pstats' dict {@code key -> (cc, nc, tt, ct, callers)} under construction: rows accumulate by
 * function key in first-seen order and are summed as {@code pstats.add} sums them.
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

    Entry entry(ScopeName key) {
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

    static void addCaller(Entry e, ScopeName caller, CallStats pair) {
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
        Map<ScopeName, Map<ScopeName, CallStats>> callees = new LinkedHashMap<>();
        for (Map.Entry<ScopeName, Entry> e : entries.entrySet()) {
            for (Map.Entry<ScopeName, CallStats> c : e.getValue().callers.entrySet()) {
                callees.computeIfAbsent(c.getKey(), k -> new LinkedHashMap<>()).put(e.getKey(), c.getValue());
            }
        }
        List<StatsRow> rows = new ArrayList<>(entries.size());
        for (Map.Entry<ScopeName, Entry> e : entries.entrySet()) {
            Entry v = e.getValue();
            rows.add(new StatsRow(e.getKey(), v.totalCalls, v.primitiveCalls, v.tottime, v.cumtime, v.callers,
                    callees.getOrDefault(e.getKey(), Map.of())));
        }
        return rows;
    }
}
