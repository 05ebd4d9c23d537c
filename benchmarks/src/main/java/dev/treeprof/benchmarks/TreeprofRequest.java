package dev.treeprof.benchmarks;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.impl.record.Clock;
import dev.treeprof.impl.record.TreeProfiler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request output of the web middleware, which runs once per profiled request (tens of
 * thousands of times a second under load, on the server's own cores): the snapshot of a small
 * recorded tree (5 nodes, 1 thread) with the request's metadata, then either the werkzeug report
 * (sorted by {@code tottime, calls} as werkzeug's default, pstats' {@code print_stats} layout) or
 * a {@code .prof} / {@code .json} file's bytes, written to a null stream so only treeprof's work
 * is measured.
 *
 * <p>Run alone: {@code benchmarks/request.sh} (see its header).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = Settings.MICRO_WARMUP_ITERATIONS, time = Settings.MICRO_WARMUP_SECONDS)
@Measurement(iterations = Settings.MICRO_ITERATIONS, time = Settings.MICRO_SECONDS)
@Fork(1)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class TreeprofRequest {

    private static final ScopeName HANDLER = ScopeName.of("com/example/web/OrdersHandler.java", 41, "handle");
    private static final ScopeName AUTH = ScopeName.of("com/example/web/Auth.java", 17, "check");
    private static final ScopeName QUERY = ScopeName.of("db.query");
    private static final ScopeName CONNECT = ScopeName.of("db.connect");
    private static final ScopeName RENDER = ScopeName.of("com/example/web/Templates.java", 88, "render");

    private TreeProfiler profiler;
    private Map<String, String> metadata;

    /** Records one request: handle -> (check, db.query x3 -> db.connect, render). */
    @Setup(Level.Trial)
    public void record() {
        // a clock that moves 1,234,567 ns per read: the same numbers, and the same bytes, in every fork
        long[] now = {0};
        Clock clock = () -> now[0] += 1_234_567;
        profiler = new TreeProfiler(clock, 1_000);
        profiler.enable();
        try (Scope h = Profile.scope(HANDLER)) {
            try (Scope a = Profile.scope(AUTH)) {
                // nothing inside
            }
            for (int i = 0; i < 3; i++) {
                try (Scope q = Profile.scope(QUERY)) {
                    try (Scope c = Profile.scope(CONNECT)) {
                        // nothing inside
                    }
                }
            }
            try (Scope r = Profile.scope(RENDER)) {
                // nothing inside
            }
        }
        profiler.disable();
        // what the middleware adds to every profile (RequestInfo.toMetadata)
        metadata = new LinkedHashMap<>();
        metadata.put("method", "GET");
        metadata.put("path", "/orders/42");
        metadata.put("status", "200");
        metadata.put("elapsedNanos", "11111103");
        metadata.put("startEpochMillis", "1795783200000");
        metadata.put("host", "bench-host");
        metadata.put("threads", "worker-1");
        int rows = snapshot().rows().size();
        if (rows != 5) {
            throw new IllegalStateException("expected 5 rows, got " + rows);
        }
    }

    private Stats snapshot() {
        return profiler.stats().withMetadata(metadata);
    }

    /** The snapshot alone: what every output below starts with. */
    @Benchmark
    public Stats snapshotOnly() {
        return snapshot();
    }

    /** The werkzeug report's table: {@code sort_stats("tottime", "calls").print_stats()}. */
    @Benchmark
    public String snapshotReport() {
        return snapshot().sortStats("tottime", "calls").formatStats();
    }

    /** The profile file of a request written as {@code .prof} (Python's marshal). */
    @Benchmark
    public OutputStream snapshotProf() throws IOException {
        OutputStream out = OutputStream.nullOutputStream();
        snapshot().dumpStats(out, "prof");
        return out;
    }

    /** The profile file of a request written as treeprof's {@code .json}. */
    @Benchmark
    public OutputStream snapshotJson() throws IOException {
        OutputStream out = OutputStream.nullOutputStream();
        snapshot().dumpStats(out, "json");
        return out;
    }
}
