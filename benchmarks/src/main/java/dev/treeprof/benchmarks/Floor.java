package dev.treeprof.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor every timer stands on: what an empty benchmark costs, what reading the clock twice
 * costs (any timer must), and what one thread-local lookup costs (any per-thread recorder needs
 * one). The targets are ratios against these, measured in the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = Settings.MICRO_WARMUP_ITERATIONS, time = Settings.MICRO_WARMUP_SECONDS)
@Measurement(iterations = Settings.MICRO_ITERATIONS, time = Settings.MICRO_SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class Floor {

    private static final ThreadLocal<Object> LOCAL = ThreadLocal.withInitial(Object::new);

    /** An empty body: JMH's own loop overhead. */
    @Benchmark
    public void empty() {
    }

    /** The clock read at entry and at exit: the least a timer can do. */
    @Benchmark
    public long nanoTimeTwice() {
        long start = System.nanoTime();
        return System.nanoTime() - start;
    }

    /** The same on two threads at once: does the clock itself scale? (context for the 2-thread target) */
    @Benchmark
    @Threads(2)
    public long nanoTimeTwiceTwoThreads() {
        long start = System.nanoTime();
        return System.nanoTime() - start;
    }

    /**
     * The floor of any thread-local recorder: the two clock reads with one thread-local lookup
     * between them. A clock read waits for the work before it (the kernel's TSC read is ordered),
     * so the lookup's latency adds to the clock's here rather than hiding as in {@link #threadLocalGet}.
     */
    @Benchmark
    public long nanoTimeTwiceWithThreadLocal() {
        long start = System.nanoTime();
        Object state = LOCAL.get();
        return System.nanoTime() - start + (state == null ? 1 : 0);
    }

    /** One {@link ThreadLocal#get()}, the per-thread lookup of a recorder. */
    @Benchmark
    public Object threadLocalGet() {
        return LOCAL.get();
    }
}
