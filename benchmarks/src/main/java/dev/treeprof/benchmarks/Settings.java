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

    static final int BULK_WARMUP_ITERATIONS = 3;
    static final int BULK_WARMUP_SECONDS = 2;
    static final int BULK_ITERATIONS = 5;
    static final int BULK_SECONDS = 2;

    private Settings() {
    }
}
