package dev.treeprof;

import dev.treeprof.internal.CallPairs;
import java.util.Map;

/**
 * One row of a stats table: one function (scope name) with cProfile's numbers. Times are in
 * seconds as doubles, exactly as a {@code .prof} file holds them; {@link #tottimeNanos()} and
 * {@link #cumtimeNanos()} give them rounded to nanoseconds.
 */
public final class StatsRow {

    private final ScopeName function;
    private final long totalCalls;
    private final long primitiveCalls;
    private final double tottime;
    private final double cumtime;
    private final Map<ScopeName, CallStats> callers;
    private final Map<ScopeName, CallStats> callees;

    /**
     * Made by implementations of the SPI, by loaders and by tests; applications get rows from
     * {@link Stats}. Public because implementations live in other packages. The maps are copied
     * into a compact form (the order is kept), except treeprof's own compact views, which are
     * immutable and adopted as they are.
     */
    public StatsRow(ScopeName function, long totalCalls, long primitiveCalls, double tottime, double cumtime,
                    Map<ScopeName, CallStats> callers, Map<ScopeName, CallStats> callees) {
        this.function = function;
        this.totalCalls = totalCalls;
        this.primitiveCalls = primitiveCalls;
        this.tottime = tottime;
        this.cumtime = cumtime;
        this.callers = CallPairs.of(callers);
        this.callees = CallPairs.of(callees);
    }

    /** The function key. */
    public ScopeName function() {
        return function;
    }

    /** The label pstats prints, e.g. {@code let_me_sleep} or {@code App.java:42(getHello)}. */
    public String label() {
        return function.label();
    }

    /** Every call ({@code ncalls} before the slash). */
    public long totalCalls() {
        return totalCalls;
    }

    /** Calls not made while the function was already active ({@code ncalls} after the slash). */
    public long primitiveCalls() {
        return primitiveCalls;
    }

    /** The ncalls column as pstats prints it: {@code 7/1} under recursion, else {@code 7}. */
    public String ncalls() {
        return totalCalls == primitiveCalls ? Long.toString(totalCalls) : totalCalls + "/" + primitiveCalls;
    }

    /** Time in the function itself, children excluded, in seconds. */
    public double tottime() {
        return tottime;
    }

    /** Time from entry to exit of the outermost activations, children included, in seconds. */
    public double cumtime() {
        return cumtime;
    }

    public long tottimeNanos() {
        return Math.round(tottime * 1e9);
    }

    public long cumtimeNanos() {
        return Math.round(cumtime * 1e9);
    }

    /** The first percall column: tottime / total calls, or NaN without calls. */
    public double tottimePerCall() {
        return totalCalls == 0 ? Double.NaN : tottime / totalCalls;
    }

    /** The second percall column: cumtime / primitive calls, or NaN without primitive calls. */
    public double cumtimePerCall() {
        return primitiveCalls == 0 ? Double.NaN : cumtime / primitiveCalls;
    }

    /**
     * Who called this function, with the numbers of each pair, in the order given. Empty for a
     * root. Unmodifiable. The rows of recorded stats read their callers and callees from arrays
     * the whole table shares, so a row kept alone keeps its table's pairs alive (about 50 bytes
     * per pair).
     */
    public Map<ScopeName, CallStats> callers() {
        return callers;
    }

    /** What this function called, with the numbers of each pair, in the order given. Unmodifiable. */
    public Map<ScopeName, CallStats> callees() {
        return callees;
    }

    @Override
    public String toString() {
        return "StatsRow[" + ncalls() + " " + tottime + " " + cumtime + " " + label() + "]";
    }
}
