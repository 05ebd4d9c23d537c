package dev.treeprof.cli;

import dev.treeprof.Binding;
import dev.treeprof.CallStats;
import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.impl.record.TreeProfiler;
import dev.treeprof.impl.format.Dumps;
import dev.treeprof.impl.stats.StatsTable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Stats to write as test files: a recording with trees, and flat rows as from a .prof file. */
final class Fixtures {

    static final ScopeName REQUEST = ScopeName.of("GET /orders");
    static final ScopeName DB = ScopeName.of("db.query");
    static final ScopeName FIB = ScopeName.of("src/main/java/shop/Fib.java", 12, "fib");
    static final ScopeName RENDER = ScopeName.of("src/main/java/shop/View.java", 30, "render");

    private Fixtures() {
    }

    /** A request with three queries, a recursion and a render, on a clock moved by hand. */
    static StatsTable recording() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        TreeProfiler p = new TreeProfiler(now::get, 1000);
        p.start();
        try (Binding b = p.attach(); Scope r = Profile.scope(REQUEST)) {
            now.addAndGet(150_000);
            for (int i = 0; i < 3; i++) {
                try (Scope d = Profile.scope(DB)) {
                    now.addAndGet(4_000_000 + 1000 * i);
                }
            }
            fib(5, now);
            try (Scope v = Profile.scope(RENDER)) {
                now.addAndGet(2_500_000);
            }
        }
        p.disable();
        return ((StatsTable) p.stats()).withMetadata(Map.of("method", "GET", "path", "/orders"));
    }

    private static void fib(int n, AtomicLong now) {
        try (Scope s = Profile.scope(FIB)) {
            now.addAndGet(100_000);
            if (n > 1) {
                fib(n - 1, now);
                fib(n - 2, now);
            }
        }
    }

    /** Flat rows only, as loaded from a .prof file. */
    static StatsTable rows(double scale) {
        return StatsTable.fromRows(List.of(
                new StatsRow(REQUEST, 1, 1, 0.001 * scale, 0.020 * scale, Map.of(), Map.of()),
                new StatsRow(DB, 2, 2, 0.012 * scale, 0.012 * scale,
                        Map.of(REQUEST, new CallStats(2, 2, 0.012 * scale, 0.012 * scale)), Map.of()),
                new StatsRow(RENDER, 1, 1, 0.007 * scale, 0.007 * scale,
                        Map.of(REQUEST, new CallStats(1, 1, 0.007 * scale, 0.007 * scale)), Map.of())),
                List.of()).withWriter(Dumps.WRITER);
    }
}
