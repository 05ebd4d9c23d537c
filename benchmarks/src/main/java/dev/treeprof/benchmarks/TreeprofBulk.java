package dev.treeprof.benchmarks;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.impl.record.Clock;
import dev.treeprof.impl.record.TreeProfiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cold side: turning a big recording into stats and files. The recording is one thread's tree
 * of exactly {@value #NODES} nodes (10 children per node, 5 levels, filled depth-first) where every
 * node has its own function name, so the flat stats also have {@value #NODES} rows: the worst case
 * for both the tree walk and the row table. {@link #statsTable100kFewFunctions} flattens the same
 * shape with {@value #FEW_FUNCTIONS} functions, the usual case of many more paths than functions.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = Settings.BULK_WARMUP_ITERATIONS, time = Settings.BULK_WARMUP_SECONDS)
@Measurement(iterations = Settings.BULK_ITERATIONS, time = Settings.BULK_SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TreeprofBulk {

    static final int NODES = 100_000;
    static final int FEW_FUNCTIONS = 1_000;
    private static final int FANOUT = 10;
    private static final int DEPTH = 5;

    /** A stopped profiler holding the 100k-node tree, every node its own function. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Recorded {
        TreeProfiler profiler;

        /** How many function names the tree's nodes cycle through. */
        int functions() {
            return NODES;
        }

        @Setup(Level.Trial)
        public void record() {
            profiler = new TreeRecording(functions()).record();
        }
    }

    /**
     * The same tree with its names cycling through {@value #FEW_FUNCTIONS} functions: a call tree's
     * usual shape, many more call paths than functions.
     */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class RecordedFewFunctions extends Recorded {
        @Override
        int functions() {
            return FEW_FUNCTIONS;
        }
    }

    /** Records {@value #NODES} scopes, FANOUT children per node, DEPTH levels, depth first. */
    private static final class TreeRecording {
        private final ScopeName[] names;
        private int made;

        TreeRecording(int functions) {
            names = new ScopeName[functions];
            for (int i = 0; i < functions; i++) {
                // call-site style labels, like Profile.scope() makes: file:line(function)
                names[i] = ScopeName.of("com/example/pkg" + (i % 97) + "/Service" + (i % 1009) + ".java",
                        1 + i % 4000, "method" + i);
            }
        }

        TreeProfiler record() {
            TreeProfiler profiler = new TreeProfiler(Clock.SYSTEM, 2 * NODES);
            profiler.enable();
            fill(0);
            profiler.disable();
            Stats stats = profiler.stats();
            int rows = stats.rows().size();
            if (rows != names.length || stats.callTree().nodeCount() != NODES) {
                throw new IllegalStateException("expected " + names.length + " rows of " + NODES + " nodes, got " + rows);
            }
            return profiler;
        }

        /** Opens FANOUT children under the current scope until NODES scopes exist; siblings' names differ. */
        private void fill(int depth) {
            for (int i = 0; i < FANOUT && made < NODES; i++) {
                try (Scope s = Profile.scope(names[made++ % names.length])) {
                    if (depth + 1 < DEPTH) {
                        fill(depth + 1);
                    }
                }
            }
        }
    }

    /** The stats of the recording, taken once, and a scratch directory for the dumps. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Dump {
        /** File extension choosing the format, as {@code Stats.dumpStats(Path)} does. */
        @Param({"prof", "json", "speedscope.json", "trace.json", "folded"})
        public String format;

        Stats stats;
        Path dir;
        Path file;

        @Setup(Level.Trial)
        public void setUp(Recorded recorded) throws IOException {
            stats = recorded.profiler.stats();
            dir = Files.createTempDirectory("treeprof-bench-dump");
            file = dir.resolve("bench." + format);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            long size = Files.exists(file) ? Files.size(file) : -1;
            System.out.println("\n" + file.getFileName() + ": " + size + " bytes");
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The pstats table of the same tree: the snapshot and its flattening into 100,000 rows, what a
     * printed report or a {@code .prof} dump needs ({@link #stats100k} alone is the snapshot, all a
     * request profile kept in memory or written as JSON pays).
     */
    @Benchmark
    public Object statsTable100k(Recorded recorded) {
        return recorded.profiler.stats().rows();
    }

    /** The table of a 100k-node tree of {@value #FEW_FUNCTIONS} functions: 1,000 rows. */
    @Benchmark
    public Object statsTable100kFewFunctions(RecordedFewFunctions recorded) {
        return recorded.profiler.stats().rows();
    }

    /** Snapshot every tree; the rows are flattened only when first asked for. */
    @Benchmark
    public Stats stats100k(Recorded recorded) {
        return recorded.profiler.stats();
    }

    /** Write the 100k-row stats in one format (the extension picks it). */
    @Benchmark
    public Path dump100k(Dump dump) throws IOException {
        dump.stats.dumpStats(dump.file);
        return dump.file;
    }
}
