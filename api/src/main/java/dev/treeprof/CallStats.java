package dev.treeprof;

/**
 * The numbers of one caller-to-callee pair, cProfile's sub-entry: how often the callee was called
 * from that caller, how many of those calls were not recursive for the pair, and the time they
 * took. Times are in seconds, as in pstats.
 */
public final class CallStats {

    private final long totalCalls;
    private final long primitiveCalls;
    private final double tottime;
    private final double cumtime;

    /**
     * Made by implementations of the SPI, by loaders and by tests; applications get rows from
     * {@link Stats}. Public because implementations live in other packages.
     */
    public CallStats(long totalCalls, long primitiveCalls, double tottime, double cumtime) {
        this.totalCalls = totalCalls;
        this.primitiveCalls = primitiveCalls;
        this.tottime = tottime;
        this.cumtime = cumtime;
    }

    /** Every call of the pair. */
    public long totalCalls() {
        return totalCalls;
    }

    /** Calls made while no other call of the same pair was active. */
    public long primitiveCalls() {
        return primitiveCalls;
    }

    /** Time spent in the callee itself for these calls, in seconds. */
    public double tottime() {
        return tottime;
    }

    /** Time from entry to exit of the outermost calls of the pair, in seconds. */
    public double cumtime() {
        return cumtime;
    }

    /** Element-wise sum, as pstats' {@code add} merges sub-entries. */
    public CallStats plus(CallStats other) {
        return new CallStats(totalCalls + other.totalCalls, primitiveCalls + other.primitiveCalls,
                tottime + other.tottime, cumtime + other.cumtime);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CallStats)) {
            return false;
        }
        CallStats c = (CallStats) o;
        return totalCalls == c.totalCalls && primitiveCalls == c.primitiveCalls
                && Double.compare(tottime, c.tottime) == 0 && Double.compare(cumtime, c.cumtime) == 0;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(totalCalls) * 31 + Double.hashCode(tottime) * 17 + Double.hashCode(cumtime);
    }

    @Override
    public String toString() {
        return "CallStats[" + totalCalls + "/" + primitiveCalls + ", tottime=" + tottime + ", cumtime=" + cumtime + "]";
    }
}
