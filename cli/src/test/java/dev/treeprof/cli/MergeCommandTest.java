package dev.treeprof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.CallNode;
import dev.treeprof.ScopeName;
import dev.treeprof.ThreadTree;
import dev.treeprof.impl.format.Dumps;
import dev.treeprof.web.RequestInfo;
import dev.treeprof.impl.stats.StatsTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code treeprof merge}: request profiles of three hosts merged per route, path and method. */
class MergeCommandTest {

    private static final ScopeName HANDLER = ScopeName.of("src/main/java/shop/Orders.java", 40, "handle");
    private static final ScopeName DB = ScopeName.of("db.query");

    @TempDir
    Path dir;

    private String stdout;
    private String stderr;
    private final List<Path> hosts = new ArrayList<>();
    /** Expected db.query calls per route, summed over every host. */
    private final Map<String, Long> dbCalls = new LinkedHashMap<>();

    private int run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        stdout = out.toString(StandardCharsets.UTF_8);
        stderr = err.toString(StandardCharsets.UTF_8);
        return status;
    }

    /** A finished request: the handler once, {@code queries} queries of 1 ms, as the integrations write it. */
    private static StatsTable request(String method, String route, String path, String host, long start, int queries) {
        CallNode db = CallNode.of(DB, queries, queries * 1_000_000L, queries * 1_000_000L, List.of());
        CallNode handler = CallNode.of(HANDLER, 1, queries * 1_000_000L + 250_000, 250_000, List.of(db));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("request.method", method);
        meta.put("request.path", path);
        if (route != null) {
            meta.put("request.route", route);
        }
        meta.put("request.status", "200");
        meta.put("request.startEpochMillis", Long.toString(start));
        meta.put("request.host", host);
        return StatsTable.fromThreads(List.of(ThreadTree.of("worker-1",
                CallNode.of(ThreadTree.ROOT, 0, 0, 0, List.of(handler)))), meta, start, handler.totalNanos())
                .withWriter(Dumps.WRITER);
    }

    /** Three hosts, each a directory of request profiles in JSON and pprof. */
    @BeforeEach
    void fleet() throws IOException {
        for (int h = 1; h <= 3; h++) {
            Path d = Files.createDirectories(dir.resolve("host-" + h));
            hosts.add(d);
            String host = "web-" + h;
            for (int i = 0; i < h + 1; i++) {
                int q = h * 10 + i;
                String ext = i % 2 == 0 ? ".json" : ".pb.gz";
                request("GET", "/orders/:id", "/orders/" + i, host, 1_000L * h + i, q)
                        .dumpStats(d.resolve("GET.orders." + i + ext));
                dbCalls.merge("/orders/:id", (long) q, Long::sum);
            }
            request("POST", null, "/orders", host, 1_000L * h + 500, h).dumpStats(d.resolve("POST.orders.json"));
            dbCalls.merge("/orders", (long) h, Long::sum);
        }
    }

    @Test
    void mergeByRouteOverThreeHostsSumsTheCalls() throws IOException {
        Path out = dir.resolve("merged");
        assertEquals(Main.OK, run("merge", "--by", "route", hosts.get(0).toString(), hosts.get(1).toString(),
                hosts.get(2).toString(), out.toString()), stderr);
        assertEquals("", stderr);
        assertEquals(List.of("orders._id.json", "orders.json"), list(out));

        StatsTable orders = Dumps.read(out.resolve("orders._id.json"));
        assertEquals(dbCalls.get("/orders/:id"), orders.row("db.query").totalCalls());
        assertEquals(2 + 3 + 4, orders.row(HANDLER.label()).totalCalls(), "one handler call per request");
        assertEquals("/orders/:id", orders.metadata().get("group.key"));
        assertEquals("9", orders.metadata().get("group.profiles"));
        assertEquals("web-1, web-2, web-3", orders.metadata().get("group.hosts"));
        StatsTable post = Dumps.read(out.resolve("orders.json"));
        assertEquals(dbCalls.get("/orders"), post.row("db.query").totalCalls());
        assertTrue(stdout.contains("/orders/:id  9 profiles from 3 hosts (web-1, web-2, web-3), "
                + (dbCalls.get("/orders/:id") + 9) + " calls in "), stdout);
        assertTrue(stdout.contains("-> " + out.resolve("orders._id.json")), stdout);
    }

    @Test
    void mergeByMethodAsPprofWithSince() throws IOException {
        Path out = dir.resolve("by-method");
        // requests of host 1 started at 1000..1501 ms: left out
        assertEquals(Main.OK, run("merge", "--by=method", "--format", "pprof", "--since", "2000",
                hosts.get(1).toString(), hosts.get(0).toString(),
                hosts.get(2).toString(), out.toString()), stderr);
        assertEquals(List.of("GET.pb.gz", "POST.pb.gz"), list(out));
        StatsTable get = Dumps.read(out.resolve("GET.pb.gz"));
        assertEquals(20 + 21 + 22 + 30 + 31 + 32 + 33, get.row("db.query").totalCalls());
        assertEquals("web-2, web-3", get.metadata().get("group.hosts"));
        assertTrue(stdout.contains("(3 of 12 profiles started before"), stdout);
    }

    @Test
    void byPathKeepsEveryPath() throws IOException {
        Path out = dir.resolve("by-path");
        assertEquals(Main.OK, run("merge", "--by", "path", hosts.get(2).toString(), out.toString()), stderr);
        assertEquals(List.of("orders.0.json", "orders.1.json", "orders.2.json", "orders.3.json", "orders.json"),
                list(out));
    }

    @Test
    void longAndCollidingRoutesGetSafeDistinctNamesKeepingTheFormat() throws IOException {
        Path in = Files.createDirectories(dir.resolve("odd"));
        String longRoute = "/" + "x".repeat(400);
        request("GET", longRoute, "/x", "web-9", 1, 1).dumpStats(in.resolve("a.json"));
        request("GET", "/a b", "/a b", "web-9", 1, 2).dumpStats(in.resolve("b.json"));
        request("GET", "/a_b", "/a_b", "web-9", 1, 3).dumpStats(in.resolve("c.json"));
        request("GET", "/../../etc", "/e", "web-9", 1, 4).dumpStats(in.resolve("d.json"));
        Path out = dir.resolve("odd-out");
        assertEquals(Main.OK, run("merge", "--by", "route", "--format", "pprof", in.toString(), out.toString()), stderr);
        List<String> names = list(out);
        assertEquals(4, names.size(), names.toString());
        long calls = 0;
        for (String n : names) {
            assertTrue(n.endsWith(".pb.gz") && n.length() <= 200, n);
            calls += Dumps.read(out.resolve(n)).row("db.query").totalCalls();
        }
        assertEquals(1 + 2 + 3 + 4, calls);
        assertTrue(names.contains("_._.etc.pb.gz"), names.toString());
    }

    @Test
    void flatProfilesWithoutMetadataGoToTheUnknownGroup() throws IOException {
        Path prof = dir.resolve("flat.prof");
        Fixtures.rows(1).dumpStats(prof);
        Path out = dir.resolve("u");
        assertEquals(Main.OK, run("merge", "--by", "route", prof.toString(), out.toString()), stderr);
        assertEquals(List.of("unknown.json"), list(out));
    }

    @Test
    void usageAndFileErrors() throws IOException {
        String h = hosts.get(0).toString();
        String out = dir.resolve("o").toString();
        assertEquals(Main.USAGE, run("merge", h, out));
        assertTrue(stderr.contains("--by"), stderr);
        assertEquals(Main.USAGE, run("merge", "--by", "host", h, out));
        assertTrue(stderr.contains("cannot group by 'host' (route, path or method)"), stderr);
        assertEquals(Main.USAGE, run("merge", "--by", "route", "--since", "yesterday", h, out));
        assertTrue(stderr.contains("--since: cannot read 'yesterday' as a time"), stderr);
        assertEquals(Main.USAGE, run("merge", "--by", "route", out));
        assertEquals(Main.BAD_FILE, run("merge", "--by", "route", "--since", "1h", h, out));
        assertTrue(stderr.contains("none of the 3 profiles started at or after"), stderr);
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertEquals(Main.BAD_FILE, run("merge", "--by", "route", h, file.toString()));
        assertTrue(stderr.contains(file + ": not a directory"), stderr);
        Files.writeString(hosts.get(0).resolve("broken.json"), "{\"format\":");
        assertEquals(Main.BAD_FILE, run("merge", "--by", "route", h, out));
        assertTrue(stderr.contains("broken.json"), stderr);
        assertEquals(Main.OK, run("merge", "--help"));
        assertTrue(stdout.contains("--by=route|path|method"), stdout);
    }

    private static List<String> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
