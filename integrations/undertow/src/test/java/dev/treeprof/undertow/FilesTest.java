package dev.treeprof.undertow;

import static dev.treeprof.undertow.TestServer.awaitProfiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.impl.stats.StatsTable;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestInfo;
import dev.treeprof.web.RequestProfile;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** One file per request: named per format, loadable, bounded; a failing directory never fails a request. */
@Timeout(90)
class FilesTest {

    static final ScopeName VIEW = ScopeName.of("app/Views.java", 7, "view");

    /** Records view() and answers with the path. */
    static final HttpHandler APP = ex -> {
        try (Scope s = Profile.scope(VIEW)) {
            ex.getResponseSender().send("served " + ex.getRequestPath());
        }
    };

    @TempDir
    Path tmp;

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static RequestProfile serveOne(TestServer server, ProfilerHandler handler, String method, String path,
                                           int expectedCount) throws Exception {
        HttpResponse<String> r = TestServer.send(HttpRequest.newBuilder(server.uri(path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, r.statusCode());
        assertEquals("served " + path, r.body());
        RequestProfile p = awaitProfiles(handler.recent(), expectedCount).get(0);
        assertEquals(path, p.request().path());
        return p;
    }

    @Test
    void defaultFormatNamesOneLoadableProfPerRequest() throws Exception {
        Path dir = tmp.resolve("profile_output"); // missing: created on the first write
        ProfilerHandler handler = ProfilerHandler.wrap(APP, ProfilerOptions.builder().noOutput().profileDir(dir).build());
        try (TestServer server = TestServer.start(handler)) {
            RequestProfile root = serveOne(server, handler, "GET", "/", 1);
            RequestProfile abc = serveOne(server, handler, "GET", "/a/b/c", 2);
            RequestProfile post = serveOne(server, handler, "POST", "/a/b", 3);
            // werkzeug's {method}.{path}.{elapsed:.0f}ms.{time:.0f}.prof
            assertTrue(root.file().orElseThrow().getFileName().toString().matches("GET\\.root\\.\\d+ms\\.\\d{10}\\.prof"),
                    root.file().toString());
            assertTrue(abc.file().orElseThrow().getFileName().toString().matches("GET\\.a\\.b\\.c\\.\\d+ms\\.\\d{10}\\.prof"),
                    abc.file().toString());
            assertTrue(post.file().orElseThrow().getFileName().toString().matches("POST\\.a\\.b\\.\\d+ms\\.\\d{10}\\.prof"),
                    post.file().toString());
            assertEquals(3, names(dir).size(), names(dir).toString());
            for (RequestProfile p : List.of(root, abc, post)) {
                Path file = p.file().orElseThrow();
                assertEquals(dir.toAbsolutePath().normalize(), file.getParent());
                assertTrue(p.fileError().isEmpty(), p.fileError().toString());
                Stats loaded = Stats.load(file);
                assertEquals(1, loaded.row(VIEW.label()).totalCalls(), loaded.formatStats());
                assertEquals(1, loaded.row("undertow.handleRequest").totalCalls(), loaded.formatStats());
            }
        }
    }

    static boolean python3() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import pstats").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    @EnabledIf("python3")
    void pythonsPstatsLoadsTheFiles() throws Exception {
        Path dir = tmp.resolve("py");
        ProfilerHandler handler = ProfilerHandler.wrap(APP, ProfilerOptions.builder().noOutput().profileDir(dir)
                .filenameFormat("{method}.{path}.prof").build());
        try (TestServer server = TestServer.start(handler)) {
            Path file = serveOne(server, handler, "GET", "/hello/py", 1).file().orElseThrow();
            assertEquals("GET.hello.py.prof", file.getFileName().toString());
            Process p = new ProcessBuilder("python3", "-c",
                    "import pstats,sys; s = pstats.Stats(sys.argv[1]); print(s.total_calls); s.print_stats()",
                    file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.startsWith("2\n"), out);
            assertTrue(out.contains("app/Views.java:7(view)"), out);
        }
    }

    @Test
    void jsonFilesCarryTheRequestAndLambdaFormatsName() throws Exception {
        Path dir = tmp.resolve("json");
        ProfilerHandler handler = ProfilerHandler.wrap(APP, ProfilerOptions.builder().noOutput().profileDir(dir)
                .filenameFormat("{method}.{path}.json").build());
        try (TestServer server = TestServer.start(handler)) {
            Path file = serveOne(server, handler, "GET", "/orders/7", 1).file().orElseThrow();
            assertEquals("GET.orders.7.json", file.getFileName().toString());
            StatsTable loaded = (StatsTable) Stats.load(file);
            assertEquals(1, loaded.row(VIEW.label()).totalCalls());
            Map<String, String> meta = loaded.metadata();
            assertEquals("GET", meta.get(RequestInfo.META_METHOD), meta.toString());
            assertEquals("/orders/7", meta.get(RequestInfo.META_PATH), meta.toString());
            assertEquals("200", meta.get(RequestInfo.META_STATUS), meta.toString());
            assertNotNull(meta.get(RequestInfo.META_ELAPSED_NANOS), meta.toString());
            assertTrue(meta.get(RequestInfo.META_THREADS).contains("I/O"), meta.toString());
        }

        Path lambdaDir = tmp.resolve("lambda");
        ProfilerHandler lambda = ProfilerHandler.wrap(APP, ProfilerOptions.builder().noOutput().profileDir(lambdaDir)
                .filenameFormat(r -> r.method().toLowerCase() + "-" + r.status() + "-" + r.threadNames().size() + ".json")
                .build());
        try (TestServer server = TestServer.start(lambda)) {
            Path file = serveOne(server, lambda, "GET", "/x", 1).file().orElseThrow();
            // The lambda sees the finished request: its status and the threads that recorded.
            assertEquals("get-200-1.json", file.getFileName().toString());
            assertEquals(1, Stats.load(file).row(VIEW.label()).totalCalls());
        }
    }

    @Test
    void oldestFilesGoFirstPastMaxFiles() throws Exception {
        Path dir = tmp.resolve("bounded");
        ProfilerHandler handler = ProfilerHandler.wrap(APP, ProfilerOptions.builder().noOutput().profileDir(dir)
                .filenameFormat("{method}.{path}.prof").maxFiles(2).build());
        try (TestServer server = TestServer.start(handler)) {
            for (int i = 1; i <= 4; i++) {
                serveOne(server, handler, "GET", "/r" + i, i);
            }
            assertEquals(List.of("GET.r3.prof", "GET.r4.prof"), names(dir));
            // The in-memory list is independent of the files.
            assertEquals(4, handler.recent().size());
        }
    }

    @Test
    void anUnwritableDirectoryOrAFullDiskNeverFailsTheRequest() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("not-a-directory"), "x");
        BlockingQueue<String> reports = new LinkedBlockingQueue<>();
        ProfilerHandler handler = ProfilerHandler.wrap(APP, ProfilerOptions.builder().output(reports::add)
                .profileDir(blocker).build());
        try (TestServer server = TestServer.start(handler)) {
            RequestProfile p = serveOne(server, handler, "GET", "/blocked", 1);
            assertTrue(p.file().isEmpty());
            assertTrue(p.fileError().orElseThrow().endsWith("profile directory " + blocker + " is not a directory"), p.fileError().toString());
            assertNotNull(reports.poll(30, TimeUnit.SECONDS), "the report is printed all the same");
            assertEquals("x", Files.readString(blocker));
        }

        Path dir = tmp.resolve("full");
        ProfilerHandler full = ProfilerHandler.wrap(APP, ProfilerOptions.builder().noOutput().profileDir(dir)
                .profileWriter((stats, file) -> {
                    throw new IOException("No space left on device");
                }).build());
        try (TestServer server = TestServer.start(full)) {
            RequestProfile p = serveOne(server, full, "GET", "/full", 1);
            assertTrue(p.fileError().orElseThrow().contains("No space left on device"), p.fileError().toString());
            // The next request is served too, and the profile is still kept in memory.
            serveOne(server, full, "GET", "/again", 2);
            assertEquals(List.of(), names(dir), "no half-written file is left");
        }
    }
}
