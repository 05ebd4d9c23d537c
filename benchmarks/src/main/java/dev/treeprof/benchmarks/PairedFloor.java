package dev.treeprof.benchmarks;

import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.vertx.VertxProfilerLookup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A scope and its floor measured in alternating bursts on the same thread, so both see the same
 * machine: on a shared machine the load changes from second to second, and a floor measured in
 * another fork (or another minute) divides by a different machine. Each invocation times a burst
 * of {@value #BURST} two-{@code nanoTime()} floors, then a burst of {@value #BURST} scopes, and adds
 * the two elapsed times to the counters {@code floorNanos} and {@code scopeNanos} (JMH reports them
 * as secondary results); the ratio {@code scopeNanos / floorNanos} is the "x floor" of the scope.
 * The primary score (ns per operation, both kinds together) is only a sanity check.
 *
 * <p>{@link #vertxEventLoop} runs the bursts where a Vert.x request handler runs: on the event loop,
 * dispatched on the request's duplicated context ({@code Vertx.currentContext()} is a field of the
 * event-loop thread there, where {@link #vertxRequest}, like {@link TreeprofVertx}, pays a
 * thread-local read on the benchmark thread). Its bursts are timed on the event loop itself, so the
 * hand-off to the event loop and back is not counted.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = Settings.MICRO_WARMUP_ITERATIONS, time = Settings.MICRO_WARMUP_SECONDS)
@Measurement(iterations = Settings.MICRO_ITERATIONS, time = Settings.MICRO_SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class PairedFloor {

    /** Operations per burst: long enough to dwarf the two clock reads around it, short enough to pair closely. */
    static final int BURST = 256;
    /** Burst pairs per dispatch to the event loop. */
    static final int EVENT_LOOP_PAIRS = 64;

    /** The two elapsed times of an iteration, reported by JMH next to the score. */
    @State(org.openjdk.jmh.annotations.Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Split {
        public long floorNanos;
        public long scopeNanos;
        /** Keeps the floor's clock reads alive. */
        long sink;

        @Setup(Level.Iteration)
        public void reset() {
            floorNanos = 0;
            scopeNanos = 0;
        }

        void floorBurst() {
            long sum = 0;
            for (int i = 0; i < BURST; i++) {
                long start = System.nanoTime();
                sum += System.nanoTime() - start;
            }
            sink += sum;
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * BURST)
    public void named(TreeprofScope.Enabled on, Split split) {
        long t0 = System.nanoTime();
        split.floorBurst();
        long t1 = System.nanoTime();
        for (int i = 0; i < BURST; i++) {
            try (Scope s = Profile.scope(TreeprofScope.NAME)) {
            }
        }
        long t2 = System.nanoTime();
        split.floorNanos += t1 - t0;
        split.scopeNanos += t2 - t1;
    }

    @Benchmark
    @OperationsPerInvocation(2 * BURST)
    public void string(TreeprofScope.Enabled on, Split split) {
        long t0 = System.nanoTime();
        split.floorBurst();
        long t1 = System.nanoTime();
        for (int i = 0; i < BURST; i++) {
            try (Scope s = Profile.scope("bench.scope")) {
            }
        }
        long t2 = System.nanoTime();
        split.floorNanos += t1 - t0;
        split.scopeNanos += t2 - t1;
    }

    /** As {@link TreeprofVertx#scopeInRequest}: the request's context made current on the benchmark thread. */
    @Benchmark
    @OperationsPerInvocation(2 * BURST)
    public void vertxRequest(TreeprofVertx.Request request, TreeprofVertx.OnRequestContext current,
            TreeprofVertx.MustRecord check, Split split) {
        long t0 = System.nanoTime();
        split.floorBurst();
        long t1 = System.nanoTime();
        for (int i = 0; i < BURST; i++) {
            try (Scope s = Profile.scope(TreeprofScope.NAME)) {
            }
        }
        long t2 = System.nanoTime();
        split.floorNanos += t1 - t0;
        split.scopeNanos += t2 - t1;
    }

    /** Runs burst pairs on the event loop, on the request's context, and waits without spinning. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class OnEventLoop {
        private TreeprofVertx.Request request;
        private volatile boolean done;
        private volatile Thread waiter;
        private volatile long floorNanos;
        private volatile long scopeNanos;
        private final Split local = new Split();

        private final io.vertx.core.Handler<Void> bursts = v -> {
            long floor = 0;
            long scope = 0;
            for (int b = 0; b < EVENT_LOOP_PAIRS; b++) {
                long t0 = System.nanoTime();
                local.floorBurst();
                long t1 = System.nanoTime();
                for (int i = 0; i < BURST; i++) {
                    try (Scope s = Profile.scope(TreeprofScope.NAME)) {
                    }
                }
                long t2 = System.nanoTime();
                floor += t1 - t0;
                scope += t2 - t1;
            }
            floorNanos = floor;
            scopeNanos = scope;
            done = true;
            LockSupport.unpark(waiter);
        };

        @Setup(Level.Trial)
        public void check(TreeprofVertx.Request request) throws Exception {
            this.request = request;
            CompletableFuture<Profiler> seen = new CompletableFuture<>();
            request.requestContext.runOnContext(v -> seen.complete(VertxProfilerLookup.instance().current()));
            if (seen.get(30, TimeUnit.SECONDS) != request.profiler) {
                throw new IllegalStateException("the request's profiler is not current on the event loop");
            }
        }

        void run(Split split) {
            done = false;
            waiter = Thread.currentThread();
            request.requestContext.runOnContext(bursts);
            while (!done) {
                LockSupport.park(this);
            }
            split.floorNanos += floorNanos;
            split.scopeNanos += scopeNanos;
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * BURST * EVENT_LOOP_PAIRS)
    public void vertxEventLoop(OnEventLoop loop, TreeprofVertx.MustRecord check, Split split) {
        loop.run(split);
    }
}
