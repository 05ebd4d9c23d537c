package dev.treeprof.vertx;

import static dev.treeprof.vertx.Support.await;
import static dev.treeprof.vertx.Support.raw;
import static dev.treeprof.vertx.Support.scoped;
import static dev.treeprof.vertx.Support.spin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.web.ProfiledRequest;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestInfo;
import dev.treeprof.web.RequestProfile;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vertx-web handler on a real server: files, report, ends, failures, hostile paths, unchanged responses. */
class ProfilerHandlerTest {

    private static final ScopeName RECURSE = ScopeName.of("recurse_and_sleep");
    private static final ScopeName SLEEP = ScopeName.of("sleep");

    private static final java.util.concurrent.atomic.AtomicInteger HANGS = new java.util.concurrent.atomic.AtomicInteger();
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Support.oneEventLoop();
    }

    @AfterAll
    static void stop() {
        await(vertx.close());
    }

    /** The application of these tests; the same routes with and without the profiler. */
    private static Router app(ProfilerHandler profiler) {
        Router router = Router.router(vertx);
        if (profiler != null) {
            router.route().order(Integer.MIN_VALUE).handler(profiler);
        }
        router.get("/").handler(rc -> {
            scoped("index", () -> spin(1_000));
            rc.response().putHeader("content-type", "text/plain").end("index");
        });
        router.get("/recursive").handler(rc -> vertx.executeBlocking(() -> {
            recurseAndSleep(0);
            return "recursed";
        }).onSuccess(r -> rc.response().end(r)).onFailure(rc::fail));
        router.get("/async").handler(rc -> Support.timer(vertx, 5).onSuccess(t -> {
            scoped("async", () -> spin(1_000));
            rc.response().setStatusCode(201).putHeader("x-custom", "yes").end("later");
        }));
        router.get("/boom").handler(rc -> {
            scoped("boom", () -> spin(100));
            throw new IllegalStateException("boom");
        });
        router.get("/teapot").handler(rc -> rc.fail(418));
        router.get("/end-inside").handler(rc -> {
            try (Scope s = Profile.scope("answer")) {
                rc.response().end("answered"); // Vert.x signals the end right here, inside the scope
                Thread.sleep(100); // still inside: a profile finished at the end signal would miss this scope
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        router.get("/end-then-throw").handler(rc -> {
            scoped("answer", () -> spin(100));
            rc.response().end("answered");
            throw new IllegalStateException("after the response"); // the profile still ends, once
        });
        router.get("/hang").handler(rc -> {
            scoped("hang", () -> spin(100));
            HANGS.incrementAndGet();
        });
        router.route().handler(rc -> {
            scoped("echo", () -> spin(100));
            rc.response().end("path=" + rc.request().path());
        });
        return router;
    }

    static void recurseAndSleep(int count) {
        try (Scope s = Profile.scope(RECURSE)) {
            if (count == 6) {
                return;
            }
            try (Scope z = Profile.scope(SLEEP)) {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            recurseAndSleep(count + 1);
        }
    }

    @Test
    void writesOneLoadableFilePerRequestNamedLikeWerkzeug(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("profiles");
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().profileDir(dir).build());
        int port = Support.listen(vertx, app(profiler));

        assertEquals("index", body(raw(port, "GET", "/")));
        assertEquals("recursed", body(raw(port, "GET", "/recursive?depth=6")));
        RequestProfile index = Support.profileOf(profiler.recent(), "/");
        RequestProfile recursive = Support.profileOf(profiler.recent(), "/recursive");

        Path indexFile = index.file().orElseThrow(() -> new AssertionError(index.fileError().orElse("no file")));
        Path recursiveFile = recursive.file().orElseThrow(() -> new AssertionError(recursive.fileError().orElse("no file")));
        assertTrue(indexFile.getFileName().toString().matches("GET\\.root\\.\\d+ms\\.\\d+\\.prof"), indexFile.toString());
        assertTrue(recursiveFile.getFileName().toString().matches("GET\\.recursive\\.\\d+ms\\.\\d+\\.prof"),
                recursiveFile.toString());
        assertEquals(dir.toAbsolutePath().normalize(), recursiveFile.getParent());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of(indexFile.getFileName(), recursiveFile.getFileName()),
                    files.map(Path::getFileName).collect(java.util.stream.Collectors.toSet()));
        }

        Stats loaded = Stats.load(recursiveFile);
        assertEquals("7/1", loaded.row(RECURSE.label()).ncalls(), "the recursion, as cProfile counts it");
        assertEquals(6, loaded.row(SLEEP.label()).totalCalls());
        assertTrue(loaded.row(RECURSE.label()).cumtime() >= 0.006 * 0.9, "six sleeps of 1 ms on the worker");
        assertEquals(1, Stats.load(indexFile).row(ScopeName.of("index").label()).totalCalls());
        // The worker's tree is the request's: the recursion ran on a worker thread, not the event loop.
        assertTrue(Support.namesByThread(recursive.stats()).keySet().stream()
                .allMatch(t -> t.startsWith("vert.x-worker-thread")), recursive.stats().callTree().threads().toString());
    }

    @Test
    void scopeThatEndsTheResponseIsClosedBeforeTheProfileEnds() throws IOException {
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().build());
        int port = Support.listen(vertx, app(profiler));
        assertEquals("answered", body(raw(port, "GET", "/end-inside")));
        Stats stats = Support.profileOf(profiler.recent(), "/end-inside").stats();
        assertEquals(1, stats.row("answer").totalCalls(), stats.formatStats());
    }

    @Test
    void aHandlerThatThrowsAfterEndingItsResponseEndsItsProfileOnceWithTheRootRowClosed() throws Exception {
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().build());
        int port = Support.listen(vertx, app(profiler));
        assertEquals("answered", body(raw(port, "GET", "/end-then-throw")));
        RequestProfile p = Support.profileOf(profiler.recent(), "/end-then-throw");
        assertEquals(200, p.request().status());
        assertEquals(1, p.stats().row("answer").totalCalls());
        assertEquals(1, p.stats().row(VertxProfiling.HANDLE_REQUEST.label()).totalCalls(), "the root row closed before the end");
        raw(port, "GET", "/");
        Support.profileOf(profiler.recent(), "/");
        assertEquals(2, profiler.recent().size(), "one profile each, none twice");
    }

    @Test
    void pythonsPstatsLoadsTheFiles(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(pythonAvailable(), "python3 is not installed");
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().profileDir(tmp).build());
        int port = Support.listen(vertx, app(profiler));
        raw(port, "GET", "/recursive");
        Path file = Support.profileOf(profiler.recent(), "/recursive").file().orElseThrow();
        Process p = new ProcessBuilder("python3", "-c", "import pstats, sys\n"
                + "s = pstats.Stats(sys.argv[1])\n"
                + "print(s.total_calls, s.prim_calls, sorted(f[2] for f in s.stats))", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        assertEquals("14 8 ['recurse_and_sleep', 'sleep', 'vertx.handleRequest']", out, "the app's rows and the root row");
    }

    private static boolean pythonAvailable() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import pstats").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void printsWerkzeugsReportSortedAndRestricted() {
        List<String> reports = new CopyOnWriteArrayList<>();
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().output(reports::add)
                .sortBy("cumtime", "calls").restrictions("recurse").build());
        int port = Support.listen(vertx, app(profiler));
        try {
            raw(port, "GET", "/recursive");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Support.waitFor("the report", () -> !reports.isEmpty());
        String report = reports.get(0);
        String dashes = "-".repeat(80);
        assertTrue(report.startsWith(dashes + "\nPATH: '/recursive'\n"), report);
        assertTrue(report.contains("14 function calls (8 primitive calls) in "), report);
        assertTrue(report.contains("Ordered by: cumulative time, call count"), report);
        assertTrue(report.contains("List reduced from 3 to 1 due to restriction <'recurse'>"), report);
        assertTrue(report.contains("      7/1 "), report);
        assertFalse(report.contains("{sleep}"), "restricted away: " + report);
        assertTrue(report.endsWith(dashes + "\n\n"), report);
    }

    @Test
    void responsesAreByteForByteThoseOfTheUnprofiledApp(@TempDir Path tmp) throws IOException {
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput()
                .profileDir(tmp.resolve("p")).build());
        int profiled = Support.listen(vertx, app(profiler));
        int plain = Support.listen(vertx, app(null));
        List<String> targets = List.of("/", "/async", "/boom", "/teapot", "/recursive", "/nope/x?y=1");
        for (String target : targets) {
            String expected = raw(plain, "GET", target);
            assertEquals(expected, raw(profiled, "GET", target), target);
        }
        for (String target : List.of("/async", "/boom", "/teapot")) {
            assertEquals(Support.status(raw(plain, "GET", target)), Support.profileOf(profiler.recent(), target).request().status(),
                    "the profile records the status sent: " + target);
        }
        assertEquals("/async", Support.profileOf(profiler.recent(), "/async").request().attributes().get(RequestInfo.META_ROUTE),
                "the route that ended the request, in the metadata");
        assertEquals(Set.of("boom"), Support.names(Support.profileOf(profiler.recent(), "/boom").stats()),
                "a handler that throws is still profiled up to the throw");
        // Every file is written before the temporary directory goes (the writer works in the background).
        Support.waitFor("every profile", () -> profiler.recent().size() == targets.size());
        profiler.recent().list().forEach(Support::written);
    }

    @Test
    void hostilePathsStayInsideTheDirectoryAndGetTheirUsualResponse(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("profiles");
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().profileDir(dir)
                .filenameFormat("{method}.{path}.prof").build());
        int profiled = Support.listen(vertx, app(profiler));
        int plain = Support.listen(vertx, app(null));
        List<String> targets = List.of(
                "/../../etc/passwd",
                "/..%2F..%2F..%2Ftmp%2Fevil",
                "/%2e%2e/%2e%2e/x",
                "/..\\..\\windows",
                "/a%00b",
                "/caf%C3%A9",
                "/" + "long".repeat(100),
                "/%ZZ/bad-escape");
        for (String target : targets) {
            assertEquals(raw(plain, "GET", target), raw(profiled, "GET", target), target);
        }
        // Every request ended, so every profile is kept, each written inside the directory.
        List<RequestProfile> profiles = Support.profiles(profiler.recent(), targets.size());
        for (RequestProfile p : profiles) {
            if (p.request().path().equals("/%ZZ/bad-escape")) {
                // vertx-web answers 400 before any application code; the profile still has its
                // root row, so it is written like every other (werkzeug always shows runapp).
                assertEquals(400, p.request().status());
                assertEquals(List.of("vertx.handleRequest"), p.stats().rows().stream().map(r -> r.label()).toList());
            }
            Path file = p.file().orElseThrow(() -> new AssertionError(p.request() + ": " + p.fileError().orElse("")));
            assertEquals(dir.toAbsolutePath().normalize(), file.getParent(), file.toString());
            assertTrue(file.getFileName().toString().length() <= 200, file.toString());
            assertTrue(file.getFileName().toString().matches("[A-Za-z0-9._-]+"), file.toString());
        }
        try (Stream<Path> all = Files.walk(tmp)) {
            assertTrue(all.allMatch(f -> f.equals(tmp) || f.equals(dir) || dir.equals(f.getParent())),
                    "nothing written outside the profile directory");
        }
        // werkzeug's PATH_INFO is decoded, and so is the path profiles report.
        assertTrue(profiles.stream().anyMatch(p -> p.request().path().equals("/café")), profiles.toString());
        assertTrue(profiles.stream().anyMatch(p -> p.request().path().equals("/a\u0000b")), profiles.toString());
    }

    @Test
    void aConnectionClosedBeforeTheResponseEndsTheProfile() throws Exception {
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().build());
        int port = Support.listen(vertx, app(profiler));
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // The handler never responds; the server must have begun the request before we go.
            Support.waitFor("the request to begin", () -> HANGS.get() > 0);
        }
        RequestProfile p = Support.profileOf(profiler.recent(), "/hang");
        assertEquals(RequestInfo.UNKNOWN_STATUS, p.request().status(), "no response was sent");
        assertNotNull(p.request().attributes().get("error"), p.request().attributes().toString());
        assertEquals(Set.of("hang"), Support.names(p.stats()));
        assertNull(p.stats().metadata().get(RequestInfo.META_STATUS));
    }

    @Test
    void aFailingDirectoryNeverReachesTheResponse(@TempDir Path tmp) throws IOException {
        Path notADir = Files.writeString(tmp.resolve("file"), "in the way");
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().profileDir(notADir).build());
        int port = Support.listen(vertx, app(profiler));
        for (int i = 0; i < 2; i++) {
            String response = raw(port, "GET", "/");
            assertEquals(200, Support.status(response));
            assertEquals("index", body(response));
        }
        List<RequestProfile> profiles = Support.profiles(profiler.recent(), 2);
        for (RequestProfile p : profiles) {
            assertTrue(p.file().isEmpty());
            assertTrue(p.fileError().isPresent(), p.toString());
            assertEquals(Set.of("index"), Support.names(p.stats()), "the profile itself is still kept");
        }
        assertEquals("in the way", Files.readString(notADir));
    }

    @Test
    void onlySelectedRequestsAreProfiledAndOthersRecordNowhere() throws IOException {
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput()
                .profileIf(r -> !r.path().equals("/")).build());
        int port = Support.listen(vertx, app(profiler));
        assertEquals("index", body(raw(port, "GET", "/")));
        assertEquals("later", body(raw(port, "GET", "/async")));
        RequestProfile async = Support.profileOf(profiler.recent(), "/async");
        assertEquals(Set.of("async"), Support.names(async.stats()));
        assertTrue(profiler.recent().list().stream().noneMatch(p -> p.request().path().equals("/")));
    }

    @Test
    void anOuterHandlerWinsAndARequestIsProfiledOnce() throws IOException {
        ProfilerHandler outer = ProfilerHandler.create(ProfilerOptions.builder().noOutput().build());
        ProfilerHandler inner = ProfilerHandler.create(ProfilerOptions.builder().noOutput().build());
        Router router = app(outer);
        router.route().order(Integer.MIN_VALUE + 1).handler(inner);
        int port = Support.listen(vertx, router);
        assertEquals("later", body(raw(port, "GET", "/async")));
        Support.profileOf(outer.recent(), "/async");
        assertEquals(0, inner.recent().size());
    }

    /** {@code /old} reroutes to {@code /new}; both leave a scope. */
    private static Router rerouting(ProfilerHandler profiler) {
        Router router = Router.router(vertx);
        router.route().order(Integer.MIN_VALUE).handler(profiler);
        router.get("/old").handler(rc -> {
            scoped("before-reroute", () -> spin(100));
            rc.reroute("/new");
        });
        router.get("/new").handler(rc -> {
            scoped("after-reroute", () -> spin(100));
            rc.response().end("rerouted");
        });
        router.get("/plain").handler(rc -> rc.response().end("plain"));
        return router;
    }

    @Test
    void aReroutedRequestKeepsItsFirstProfile() throws IOException {
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().build());
        int port = Support.listen(vertx, rerouting(profiler));
        assertEquals("rerouted", body(raw(port, "GET", "/old")));
        assertEquals("plain", body(raw(port, "GET", "/plain")));
        Support.profileOf(profiler.recent(), "/plain"); // ended after anything the rerouted request began
        RequestProfile p = Support.profileOf(profiler.recent(), "/old");
        assertEquals(Set.of("before-reroute", "after-reroute"), Support.names(p.stats()), "one profile, both routes");
        assertEquals(2, profiler.recent().size(), profiler.recent().list().toString());
    }

    @Test
    void aReroutedRequestPassedOverStaysPassedOver() throws IOException {
        // selected by path: the first pass (/old) is not, the rerouted one (/new) would be
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput()
                .profileIf(r -> !r.path().equals("/old")).build());
        int port = Support.listen(vertx, rerouting(profiler));
        for (int i = 0; i < 3; i++) {
            assertEquals("rerouted", body(raw(port, "GET", "/old")));
        }
        assertEquals("plain", body(raw(port, "GET", "/plain")));
        Support.profileOf(profiler.recent(), "/plain");
        assertEquals(1, profiler.recent().size(), "the rerouted requests keep their first decision: "
                + profiler.recent().list());
    }

    @Test
    void workOnAForeignExecutorIsCarriedExplicitly() throws IOException {
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().build());
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "jdk-pool"));
        try {
            Router router = Router.router(vertx);
            router.route().handler(profiler);
            router.get("/foreign").handler(rc -> {
                ProfiledRequest req = ProfilerHandler.profiledRequest(rc);
                assertTrue(req.isProfiled());
                Profiler current = VertxProfilerLookup.instance().current();
                assertEquals(req.profiler(), current, "the lookup answers the request's profiler on its context");
                pool.execute(req.wrap(() -> {
                    scoped("carried", () -> spin(1_000));
                    vertx.runOnContext(v -> rc.response().end("ok"));
                }));
                pool.execute(() -> scoped("not carried", () -> spin(1_000)));
            });
            int port = Support.listen(vertx, router);
            assertEquals("ok", body(raw(port, "GET", "/foreign")));
            RequestProfile p = Support.profileOf(profiler.recent(), "/foreign");
            assertEquals(Set.of("carried"), Support.names(p.stats()));
            assertEquals(Set.of("jdk-pool"), Support.namesByThread(p.stats()).keySet());
        } finally {
            pool.shutdownNow();
        }
    }

    static String body(String rawResponse) {
        int i = rawResponse.indexOf("\r\n\r\n");
        return i < 0 ? "" : rawResponse.substring(i + 4);
    }
}
