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
 *
 * <p>Recorded times are summed as integer nanoseconds and converted to seconds once, when the
 * rows are built, by multiplying with {@value #SECONDS_PER_NANO} as cProfile's {@code getstats}
 * does ({@code factor * tt}): dividing each node's nanoseconds and summing doubles prints a
 * different last digit at halfway ties. Rows already in seconds (loaded files) add as doubles, as
 * {@code pstats.add} adds them.
 */
final class FunctionTable {

    /** cProfile's factor for a nanosecond clock: {@code 1 / 1e9}, the double nearest 1e-9. */
    static final double SECONDS_PER_NANO = 1e-9;

    /** One function's running sums. */
    static final class Entry {
        long totalCalls;
        long primitiveCalls;
        double tottime;
        double cumtime;
        long tottimeNanos;
        long cumtimeNanos;
        final Map<ScopeName, CallStats> callers = new LinkedHashMap<>();
        /** Recorded pairs: calls, primitive calls, tottime and cumtime nanoseconds per caller. */
        final Map<ScopeName, long[]> callerNanos = new LinkedHashMap<>();
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

    /** Adds a recorded pair's numbers, times in integer nanoseconds. */
    static void addCallerNanos(Entry e, ScopeName caller, long calls, long primitiveCalls, long tottimeNanos,
                               long cumtimeNanos) {
        long[] sums = e.callerNanos.computeIfAbsent(caller, k -> new long[4]);
        sums[0] += calls;
        sums[1] += primitiveCalls;
        sums[2] += tottimeNanos;
        sums[3] += cumtimeNanos;
    }

    /** Seconds from integer nanoseconds, converted once as cProfile converts. */
    static double seconds(long nanos) {
        return nanos * SECONDS_PER_NANO;
    }

    /** The entry's callers in seconds: loaded pairs as they were, recorded pairs converted once. */
    private static Map<ScopeName, CallStats> callers(Entry v) {
        if (v.callerNanos.isEmpty()) {
            return v.callers;
        }
        Map<ScopeName, CallStats> all = new LinkedHashMap<>(v.callers);
        v.callerNanos.forEach((caller, n) -> all.merge(caller,
                new CallStats(n[0], n[1], seconds(n[2]), seconds(n[3])), CallStats::plus));
        return all;
    }

    void addRow(StatsRow row) {
        add(row.function(), row.totalCalls(), row.primitiveCalls(), row.tottime(), row.cumtime(), row.callers());
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Immutable rows, with callees derived by inverting every callers map. */
    List<StatsRow> rows() {
        Map<ScopeName, Map<ScopeName, CallStats>> callersOf = new LinkedHashMap<>();
        Map<ScopeName, Map<ScopeName, CallStats>> callees = new LinkedHashMap<>();
        for (Map.Entry<ScopeName, Entry> e : entries.entrySet()) {
            Map<ScopeName, CallStats> callers = callers(e.getValue());
            callersOf.put(e.getKey(), callers);
            for (Map.Entry<ScopeName, CallStats> c : callers.entrySet()) {
                callees.computeIfAbsent(c.getKey(), k -> new LinkedHashMap<>()).put(e.getKey(), c.getValue());
            }
        }
        List<StatsRow> rows = new ArrayList<>(entries.size());
        for (Map.Entry<ScopeName, Entry> e : entries.entrySet()) {
            Entry v = e.getValue();
            // 0.0 + x is x: a row from one source keeps that source's exact value
            rows.add(new StatsRow(e.getKey(), v.totalCalls, v.primitiveCalls, v.tottime + seconds(v.tottimeNanos),
                    v.cumtime + seconds(v.cumtimeNanos), callersOf.get(e.getKey()),
                    callees.getOrDefault(e.getKey(), Map.of())));
        }
        return rows;
    }
}
