package dev.treeprof.viewer;

import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Profiles recorded by the real profiler on a clock the test advances, so every number is known:
 * a scope's own time is exactly what the script says, in microseconds.
 */
final class Fixtures {

    static final String XSS_IMG = "<img src=x onerror=\"window.__pwned=1\">";
    static final String XSS_SCRIPT = "\"><script>window.__pwned=1</script>";

    private Fixtures() {
    }

    /** A script step: scopes opened on the recording thread. */
    static final class Rec {
        private final AtomicLong micros;

        Rec(AtomicLong micros) {
            this.micros = micros;
        }

        /** A scope with {@code ownMicros} of its own time around what {@code children} records. */
        void call(ScopeName name, long ownMicros, Runnable children) {
            try (Scope s = Profile.scope(name)) {
                micros.addAndGet(ownMicros);
                children.run();
            }
        }

        void call(String name, long ownMicros, Runnable children) {
            call(ScopeName.of(name), ownMicros, children);
        }

        void call(String name, long ownMicros) {
            call(name, ownMicros, () -> { });
        }

        void call(ScopeName name, long ownMicros) {
            call(name, ownMicros, () -> { });
        }
    }

    /** Records the script with the request metadata the web integrations write. */
    static Stats record(String method, String path, int status, long startMillis, Consumer<Rec> script) {
        AtomicLong micros = new AtomicLong(1_000);
        Profiler pr = Profile.newProfiler(micros::get, 1e-6);
        long before = micros.get();
        pr.enable();
        script.accept(new Rec(micros));
        pr.disable();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("request.method", method);
        meta.put("request.path", path);
        meta.put("request.status", Integer.toString(status));
        meta.put("request.elapsedNanos", Long.toString((micros.get() - before) * 1000));
        meta.put("request.startEpochMillis", Long.toString(startMillis));
        return pr.stats().withMetadata(meta);
    }

    static Path write(Stats stats, Path file) throws IOException {
        stats.dumpStats(file);
        return file;
    }

    /** GET /orders/1: handle (10 ms own) calls db.query twice (30 ms each) and render (30 ms). */
    static Stats ordersA() {
        return record("GET", "/orders/1", 200, 1_795_633_237_000L, r -> r.call("handle", 10_000, () -> {
            r.call("db.query", 30_000);
            r.call("db.query", 30_000);
            r.call("render", 30_000);
        }));
    }

    /** GET /orders/2: handle (10 ms) calls db.query three times (40 ms each) and cache.get (20 ms). */
    static Stats ordersB() {
        return record("GET", "/orders/2", 200, 1_795_633_238_000L, r -> r.call("handle", 10_000, () -> {
            r.call("db.query", 40_000);
            r.call("db.query", 40_000);
            r.call("db.query", 40_000);
            r.call("cache.get", 20_000);
        }));
    }

    /** The walkthrough's recursion: recurse_and_sleep(0..6), each but the last sleeping 20 ms. */
    static Stats recursion() {
        return record("GET", "/recursion", 200, 1_795_633_239_000L, r -> recurse(r, 0));
    }

    private static void recurse(Rec r, int count) {
        r.call(ScopeName.of("recursion.java", 3, "recurse_and_sleep"), 20, () -> {
            if (count == 6) {
                return;
            }
            r.call(ScopeName.of("recursion.java", 2, "sleep"), 10, () -> r.call("<built-in method time.sleep>", 20_000));
            recurse(r, count + 1);
        });
    }

    /** A request whose path and scope names are markup. */
    static Stats hostile() {
        return record("POST", "/x/" + XSS_SCRIPT + XSS_IMG, 500, 1_795_633_240_000L, r ->
                r.call(ScopeName.of(XSS_IMG + ".java", 1, XSS_IMG), 5_000, () -> r.call(XSS_SCRIPT, 7_000)));
    }

    /**
     * A table with ties in every column, for comparing sort orders: call-site names in two files,
     * repeated own times and call counts.
     */
    static Stats shop() {
        ScopeName view = ScopeName.of("shop/View.java", 30, "render");
        ScopeName list = ScopeName.of("shop/Orders.java", 12, "list");
        ScopeName load = ScopeName.of("shop/Orders.java", 40, "load");
        ScopeName price = ScopeName.of("shop/Price.java", 7, "total");
        ScopeName fmt = ScopeName.of("shop/View.java", 88, "format");
        return record("GET", "/shop", 200, 1_795_633_241_000L, r -> r.call(list, 1_000, () -> {
            for (int i = 0; i < 3; i++) {
                r.call(load, 2_000, () -> r.call("db.query", 5_000));
                r.call(price, 2_000);
            }
            r.call(view, 5_000, () -> {
                r.call(fmt, 1_000);
                r.call(fmt, 1_000);
                r.call(price, 2_000);
            });
            r.call("db.query", 5_000);
            r.call("cache.get", 1_000);
        }));
    }
}
