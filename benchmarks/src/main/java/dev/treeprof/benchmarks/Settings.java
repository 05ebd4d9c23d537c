package dev.treeprof.benchmarks;

/**
 * Iteration settings shared by the classes, chosen so the whole suite runs in about 10 minutes on
 * 2 cores. Kept in annotations (not on the command line) so the cheap nanosecond benchmarks and the
 * 100k-node ones each get iterations long enough for their scale within one JMH run.
 */
final class Settings {

    static final int MICRO_WARMUP_ITERATIONS = 3;
    static final int MICRO_WARMUP_SECONDS = 1;
    static final int MICRO_ITERATIONS = 10;
    static final int MICRO_SECONDS = 1;

    /**
     * Eight: a 100k-node operation runs only 20 to 40 times in a 2 s iteration, and on 2 cores the
     * compiler is still at work after three (the third warm-up iteration of statsTable100k took
     * 140 ms, later ones 40 to 60), so fewer left the measured mean mostly compilation.
     */
    static final int BULK_WARMUP_ITERATIONS = 8;
    static final int BULK_WARMUP_SECONDS = 2;
    static final int BULK_ITERATIONS = 5;
    static final int BULK_SECONDS = 2;

    private Settings() {
    }
}
