package dev.treeprof.benchmarks;

import dev.treeprof.Binding;
import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * treeprof's hot path: a scope around an empty body, the same body every peer times in
 * {@link Peers}. Every method runs in its own JVM fork, so the process-wide recording switch of one
 * state never leaks into another benchmark.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = Settings.MICRO_WARMUP_ITERATIONS, time = Settings.MICRO_WARMUP_SECONDS)
@Measurement(iterations = Settings.MICRO_ITERATIONS, time = Settings.MICRO_SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class TreeprofScope {

    static final ScopeName NAME = ScopeName.of("bench.scope");
    static final ScopeName RECURSIVE = ScopeName.of("bench.recurse");
    static final ScopeName N0 = ScopeName.of("bench.n0");
    static final ScopeName N1 = ScopeName.of("bench.n1");
    static final ScopeName N2 = ScopeName.of("bench.n2");
    static final ScopeName N3 = ScopeName.of("bench.n3");
    static final ScopeName N4 = ScopeName.of("bench.n4");
    static final ScopeName N5 = ScopeName.of("bench.n5");
    static final ScopeName N6 = ScopeName.of("bench.n6");
    static final ScopeName N7 = ScopeName.of("bench.n7");
    static final ScopeName N8 = ScopeName.of("bench.n8");
    static final ScopeName N9 = ScopeName.of("bench.n9");
    static final int RECURSION_DEPTH = 10;

    /** Nothing records anywhere: the process-wide switch is off. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Disabled {
        @Setup(Level.Trial)
        public void check() {
            if (Profile.isEnabled()) {
                throw new IllegalStateException("the default profiler must be off");
            }
        }
    }

    /** The process-wide profiler records on every thread ({@code Profile.enable()}). */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Enabled {
        @Setup(Level.Trial)
        public void enable() {
            Profile.enable();
        }

        @TearDown(Level.Trial)
        public void disable() {
            Profile.disable();
            // Proves the scopes were recorded (a benchmark of a silently no-op path would lie).
            if (Profile.stats().totalCalls() == 0) {
                throw new IllegalStateException("nothing was recorded");
            }
        }
    }

    /** A profiler records, but on another thread only: the switch is on, this thread is unbound. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class OtherThreadRecords {
        Profiler profiler;

        @Setup(Level.Trial)
        public void start() {
            profiler = Profile.newProfiler();
            profiler.start();
        }

        @TearDown(Level.Trial)
        public void stop() {
            profiler.disable();
        }
    }

    /** A profiler of its own attached to the benchmark thread, as a request integration does. */
    @State(org.openjdk.jmh.annotations.Scope.Thread)
    public static class Attached {
        Profiler profiler;
        Binding binding;

        @Setup(Level.Trial)
        public void start() {
            profiler = Profile.newProfiler();
            profiler.start();
        }

        // Per iteration, because the iteration (unlike the trial) is guaranteed to run its setup on
        // the thread that then runs the benchmark loop.
        @Setup(Level.Iteration)
        public void attach() {
            binding = profiler.attach();
        }

        @TearDown(Level.Iteration)
        public void detach() {
            binding.close();
        }

        @TearDown(Level.Trial)
        public void stop() {
            profiler.disable();
            if (profiler.stats().totalCalls() == 0) {
                throw new IllegalStateException("nothing was recorded");
            }
        }
    }

    @Benchmark
    public void disabled(Disabled off) {
        try (Scope s = Profile.scope(NAME)) {
            // the measured body: empty, as for every peer
        }
    }

    @Benchmark
    public void disabledString(Disabled off) {
        try (Scope s = Profile.scope("bench.scope")) {
        }
    }

    @Benchmark
    public void switchOnThreadUnbound(OtherThreadRecords other) {
        try (Scope s = Profile.scope(NAME)) {
        }
    }

    @Benchmark
    public void named(Enabled on) {
        try (Scope s = Profile.scope(NAME)) {
        }
    }

    @Benchmark
    @Threads(2)
    public void namedTwoThreads(Enabled on) {
        try (Scope s = Profile.scope(NAME)) {
        }
    }

    @Benchmark
    public void namedAttached(Attached attached) {
        try (Scope s = Profile.scope(NAME)) {
        }
    }

    @Benchmark
    public void string(Enabled on) {
        try (Scope s = Profile.scope("bench.scope")) {
        }
    }

    @Benchmark
    public void callSite(Enabled on) {
        try (Scope s = Profile.scope()) {
        }
    }

    /** Ten scopes nested in straight-line code: one op is 10 enters and 10 exits. */
    @Benchmark
    public void nested10(Enabled on) {
        try (Scope s0 = Profile.scope(N0)) {
            try (Scope s1 = Profile.scope(N1)) {
                try (Scope s2 = Profile.scope(N2)) {
                    try (Scope s3 = Profile.scope(N3)) {
                        try (Scope s4 = Profile.scope(N4)) {
                            try (Scope s5 = Profile.scope(N5)) {
                                try (Scope s6 = Profile.scope(N6)) {
                                    try (Scope s7 = Profile.scope(N7)) {
                                        try (Scope s8 = Profile.scope(N8)) {
                                            try (Scope s9 = Profile.scope(N9)) {
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** A method calling itself 10 deep, one scope per level: one op is 10 enters and 10 exits. */
    @Benchmark
    public void recursion10(Enabled on) {
        recurse(RECURSION_DEPTH);
    }

    private static void recurse(int n) {
        try (Scope s = Profile.scope(RECURSIVE)) {
            if (n > 1) {
                recurse(n - 1);
            }
        }
    }

    /** The floor for {@link #nested10} and {@link #recursion10}: 20 clock reads. */
    @Benchmark
    public long nanoTimeTwiceTimes10() {
        long sum = 0;
        for (int i = 0; i < 10; i++) {
            long start = System.nanoTime();
            sum += System.nanoTime() - start;
        }
        return sum;
    }
}
