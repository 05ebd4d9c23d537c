package dev.treeprof.undertow;

import static dev.treeprof.undertow.TestServer.awaitProfiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestInfo;
import dev.treeprof.web.RequestProfile;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The werkzeug report, printed once per request, sorted and restricted; and the request's metadata. */
@Timeout(90)
class ReportTest {

    static final ScopeName HANDLE = ScopeName.of("app/Hello.java", 10, "handle");
    static final ScopeName HELPER = ScopeName.of("app/Hello.java", 20, "helper");
    static final ScopeName SLEEP = ScopeName.of("<built-in method Thread.sleep>");

    /** Answers on the IO thread: one handle() with a sleep and three helper() calls. */
    static final HttpHandler HELLO = exchange -> {
        try (Scope s = Profile.scope(HANDLE)) {
            TestServer.sleep(SLEEP, 3);
            for (int i = 0; i < 3; i++) {
                try (Scope h = Profile.scope(HELPER)) {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                }
            }
            exchange.getResponseSender().send("hello " + exchange.getRequestPath());
        }
    };

    /** Hides what varies between runs: the times. */
    private static String maskTimes(String report) {
        return report.replaceAll("\\d+\\.\\d{3}", "#.###");
    }

    @Test
    void printsOneReportPerRequestSortedAndRestricted() throws Exception {
        BlockingQueue<String> reports = new LinkedBlockingQueue<>();
        ProfilerHandler handler = ProfilerHandler.wrap(HELLO, ProfilerOptions.builder()
                .output(reports::add)
                .sortBy("cumtime", "calls")
                .restrictions("app/")
                .build());
        try (TestServer server = TestServer.start(handler)) {
            HttpResponse<String> first = server.get("/hello/world?secret=1");
            assertEquals(200, first.statusCode());
            assertEquals("hello /hello/world", first.body());
            String report = reports.poll(30, TimeUnit.SECONDS);
            assertNotNull(report, "no report printed");
            String dashes = "-".repeat(80);
            // werkzeug's layout (see flaskapp.py beside web-common's fixtures): the query never reaches the PATH line.
            assertEquals(dashes + "\n"
                    + "PATH: '/hello/world'\n"
                    + "         6 function calls in #.### seconds\n"
                    + "\n"
                    + "   Ordered by: cumulative time, call count\n"
                    + "   List reduced from 4 to 2 due to restriction <'app/'>\n"
                    + "\n"
                    + "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n"
                    + "        1    #.###    #.###    #.###    #.### app/Hello.java:10(handle)\n"
                    + "        3    #.###    #.###    #.###    #.### app/Hello.java:20(helper)\n"
                    + "\n"
                    + "\n"
                    + dashes + "\n"
                    + "\n", maskTimes(report));

            assertEquals(200, server.get("/second").statusCode());
            String second = reports.poll(30, TimeUnit.SECONDS);
            assertNotNull(second, "no report for the second request");
            assertTrue(second.contains("PATH: '/second'\n"), second);
            assertEquals(null, reports.poll(200, TimeUnit.MILLISECONDS), "one report per request");
        }
    }

    @Test
    void defaultsPrintToSystemOutOrderedByInternalTime() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProfilerHandler handler = ProfilerHandler.wrap(HELLO);
        try (TestServer server = TestServer.start(handler)) {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            assertEquals(200, server.get("/defaults").statusCode());
            // The report is printed before the profile is kept among the recent ones.
            awaitProfiles(handler.recent(), 1);
        } finally {
            System.setOut(saved);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("-".repeat(80) + "\nPATH: '/defaults'\n"), printed);
        assertTrue(printed.contains("   Ordered by: internal time, call count\n"), printed);
        // No restriction: the profiler's own row for the handler call is listed too, like werkzeug's runapp.
        assertTrue(printed.contains(" undertow.handleRequest\n"), printed);
        List<String> rows = printed.lines().filter(l -> l.matches("\\s+\\d+(/\\d+)?\\s+\\d.*")).toList();
        assertEquals(4, rows.size(), printed);
        // Sorted by tottime (the second column), largest first.
        double previous = Double.MAX_VALUE;
        for (String row : rows) {
            double tottime = Double.parseDouble(row.trim().split("\\s+")[1]);
            assertTrue(tottime <= previous, printed);
            previous = tottime;
        }
        assertTrue(printed.contains("{built-in method Thread.sleep}"), printed);
    }

    @Test
    void profileHoldsTheRequestAsMetadata() throws Exception {
        HttpHandler created = exchange -> {
            try (Scope s = Profile.scope(HANDLE)) {
                exchange.setStatusCode(201);
                exchange.getResponseSender().send("made");
            }
        };
        ProfilerHandler handler = ProfilerHandler.wrap(created, ProfilerOptions.builder().noOutput().build());
        try (TestServer server = TestServer.start(handler)) {
            long before = System.currentTimeMillis();
            HttpResponse<String> r = TestServer.send(HttpRequest.newBuilder(server.uri("/orders/7?token=abc"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build());
            assertEquals(201, r.statusCode());
            RequestProfile p = awaitProfiles(handler.recent(), 1).get(0);
            RequestInfo info = p.request();
            assertEquals("POST", info.method());
            assertEquals("/orders/7", info.path());
            assertEquals(201, info.status());
            assertTrue(info.elapsedNanos() > 0);
            assertTrue(info.startEpochMillis() >= before - 1000 && info.startEpochMillis() <= System.currentTimeMillis(),
                    "start " + info.startEpochMillis());
            // The handler ran on Undertow's single IO thread; no other thread recorded.
            assertEquals(1, info.threadNames().size(), info.threadNames().toString());
            assertTrue(info.threadNames().get(0).contains("I/O"), info.threadNames().toString());

            Map<String, String> meta = p.stats().metadata();
            assertEquals("POST", meta.get(RequestInfo.META_METHOD));
            assertEquals("/orders/7", meta.get(RequestInfo.META_PATH));
            assertEquals("201", meta.get(RequestInfo.META_STATUS));
            assertEquals(info.threadNames().get(0), meta.get(RequestInfo.META_THREADS));

            Stats stats = p.stats();
            StatsRow root = stats.row("undertow.handleRequest");
            assertNotNull(root, stats.formatStats());
            assertEquals(1, root.totalCalls());
            StatsRow handle = stats.row(HANDLE.label());
            assertEquals(1, handle.totalCalls());
            assertTrue(handle.callers().containsKey(ExchangeProfile.HANDLE_REQUEST), handle.callers().toString());
        }
    }
}
