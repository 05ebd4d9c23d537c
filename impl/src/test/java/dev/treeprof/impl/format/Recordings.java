package dev.treeprof.impl.format;

import dev.treeprof.Binding;
import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.impl.record.TreeProfiler;
import dev.treeprof.impl.stats.StatsTable;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real recordings on a clock that moves only when told: recursion, mutual recursion, a function
 * reached from several callers, named and call-site scopes, two threads.
 */
final class Recordings {

    static final String FILE = "com/example/Shop.java";
    static final ScopeName REQUEST = ScopeName.of("GET /orders");
    static final ScopeName WORK = ScopeName.of(FILE, 4, "work");
    static final ScopeName RECURSE = ScopeName.of(FILE, 6, "recurse");
    static final ScopeName EVEN = ScopeName.of(FILE, 11, "even");
    static final ScopeName ODD = ScopeName.of(FILE, 14, "odd");
    static final ScopeName DB = ScopeName.of("db.query");
    static final ScopeName RENDER = ScopeName.of("<render; json>");

    private final AtomicLong now = new AtomicLong(5_000_000_000L);

    private void work(long micros) {
        try (Scope s = Profile.scope(WORK)) {
            now.addAndGet(micros * 1000);
        }
    }

    private void recurse(int c, int n) {
        try (Scope s = Profile.scope(RECURSE)) {
            work(1000);
            if (c < n) {
                recurse(c + 1, n);
            }
            work(137);
        }
    }

    private void even(int n) {
        try (Scope s = Profile.scope(EVEN)) {
            work(211);
            if (n > 0) {
                odd(n - 1);
            }
        }
    }

    private void odd(int n) {
        try (Scope s = Profile.scope(ODD)) {
            now.addAndGet(3_001);
            work(305);
            if (n > 0) {
                even(n - 1);
            }
        }
    }

    private void request() {
        try (Scope r = Profile.scope(REQUEST)) {
            now.addAndGet(12_345);
            for (int i = 0; i < 3; i++) {
                try (Scope d = Profile.scope(DB)) {
                    now.addAndGet(2_000_000 + i * 7);
                    work(50);
                }
            }
            recurse(0, 3);
            recurse(0, 1);
            even(4);
            try (Scope j = Profile.scope(RENDER)) {
                now.addAndGet(999_999);
            }
        }
    }

    /** The shop program on the calling thread and on a second thread, stats with metadata. */
    static StatsTable shop() throws InterruptedException {
        Recordings r = new Recordings();
        TreeProfiler p = new TreeProfiler(r.now::get, 10_000);
        p.start();
        try (Binding b = p.attach()) {
            r.request();
        }
        Thread t = new Thread(p.wrap(() -> {
            r.request();
            r.even(2);
        }), "worker-1");
        t.start();
        t.join();
        p.disable();
        return ((StatsTable) p.stats()).withMetadata(Map.of("method", "GET", "path", "/orders", "status", "200"));
    }

    /** One thread, a chain of scopes {@code depth} deep. */
    static StatsTable deepChain(int depth) {
        Recordings r = new Recordings();
        TreeProfiler p = new TreeProfiler(r.now::get, depth + 10);
        p.start();
        try (Binding b = p.attach()) {
            Scope[] open = new Scope[depth];
            for (int i = 0; i < depth; i++) {
                open[i] = Profile.scope(ScopeName.of("level" + i));
                r.now.addAndGet(1000);
            }
            for (int i = depth - 1; i >= 0; i--) {
                r.now.addAndGet(1000);
                open[i].close();
            }
        }
        p.disable();
        return (StatsTable) p.stats();
    }
}
