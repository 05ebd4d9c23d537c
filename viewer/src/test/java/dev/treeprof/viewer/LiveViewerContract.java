package dev.treeprof.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.web.RecentProfiles;
import dev.treeprof.web.RequestProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the live viewer promises whatever the framework, checked on a real application: the
 * request middleware profiles its requests, the viewer is mounted at {@link #MOUNT} behind the
 * application's own access check (a cookie here) and outside the profiled chain, as its
 * documentation shows. Each framework's test starts such an application.
 */
abstract class LiveViewerContract {

    static final String MOUNT = "/admin/treeprof";
    static final String COOKIE = "admin-token=let-me-in";
    /** Small, so that eviction is quick to reach. */
    static final int CAPACITY = 4;
    static final ScopeName WORK = ScopeName.of("work");
    static final ScopeName STEP = ScopeName.of("step");

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(20)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    /** A running application: the middleware's recent profiles, the viewer mounted at {@link #MOUNT}. */
    interface App extends AutoCloseable {
        int port();

        RecentProfiles recent();

        @Override
        void close();
    }

    /**
     * Starts the application: {@code GET /work?n=N} runs {@link #work} and answers 200, anything
     * else 404; the viewer at {@link #MOUNT} answers only requests with the cookie {@link #COOKIE}
     * (403 otherwise), and its own requests are not profiled.
     */
    abstract App start();

    /** The application's work: {@code work} calling {@code step} n times. */
    static void work(int n) {
        try (Scope w = Profile.scope(WORK)) {
            for (int i = 0; i < n; i++) {
                try (Scope s = Profile.scope(STEP)) {
                    spin(20_000);
                }
            }
        }
    }

    static long spin(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 0;
        while (System.nanoTime() < end) {
            x++;
        }
        return x;
    }

    /** The access check's cookie, as the application reads it. */
    static boolean authorized(String cookieHeader) {
        if (cookieHeader == null) {
            return false;
        }
        for (String c : cookieHeader.split(";")) {
            if (c.trim().equals(COOKIE)) {
                return true;
            }
        }
        return false;
    }

    App app;

    @TempDir
    Path tmp;

    @BeforeEach
    void startApp() {
        app = start();
    }

    @AfterEach
    void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + app.port() + pathAndQuery);
    }

    HttpResponse<String> get(String pathAndQuery, boolean withCookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30));
        if (withCookie) {
            b.header("Cookie", COOKIE);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> viewer(String relative) throws Exception {
        return get(MOUNT + relative, true);
    }

    JsonNode viewerJson(String relative) throws Exception {
        HttpResponse<String> r = viewer(relative);
        assertEquals(200, r.statusCode(), relative + ": " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), relative);
        return JSON.readTree(r.body());
    }

    /** Sends a request to the application and waits for its profile to be kept; returns the profile. */
    RequestProfile request(String pathAndQuery, int expectedStatus) throws Exception {
        long before = newestSequence();
        HttpResponse<String> r = get(pathAndQuery, false);
        assertEquals(expectedStatus, r.statusCode(), pathAndQuery);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<RequestProfile> list = app.recent().list();
            if (!list.isEmpty() && Long.parseLong(list.get(0).id()) > before) {
                return list.get(0);
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the profile of " + pathAndQuery + " was never kept");
    }

    private long newestSequence() {
        List<RequestProfile> list = app.recent().list();
        return list.isEmpty() ? 0 : Long.parseLong(list.get(0).id());
    }

    static JsonNode entry(JsonNode list, String id) {
        for (JsonNode e : list.get("entries")) {
            if (e.get("id").asText().equals(id)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void theViewerAnswersOnlyWhatTheApplicationsCheckLetsThrough() throws Exception {
        for (String path : new String[] {MOUNT, MOUNT + "/", MOUNT + "/api/list", MOUNT + "/static/app.js",
                MOUNT + "/api/profile?f=1"}) {
            HttpResponse<String> r = get(path, false);
            assertEquals(403, r.statusCode(), path);
            assertFalse(r.body().contains("treeprof"), path + " leaked the viewer: " + r.body());
        }
        assertEquals(200, viewer("/").statusCode());
        assertEquals(200, viewer("/api/list").statusCode());
    }

    @Test
    void theMountPointRedirectsToThePageWhichUsesRelativeUrls() throws Exception {
        HttpResponse<String> r = viewer("");
        assertEquals(302, r.statusCode(), r.body());
        String location = r.headers().firstValue("Location").orElseThrow();
        assertEquals(uri(MOUNT + "/"), uri(MOUNT).resolve(location), location);

        HttpResponse<String> page = viewer("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"static/app.js\""), page.body());
        assertFalse(page.body().contains("=\"/"), "no root-relative URL: they would miss the mount point");
        HttpResponse<String> js = viewer("/static/app.js");
        assertEquals(200, js.statusCode());
        assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("Content-Type").orElse(""));
        assertTrue(js.body().contains("'api/list'"), "the script asks for the listing relative to the page");
        assertEquals(200, viewer("/static/app.css").statusCode());
    }

    @Test
    void profiledRequestsAreListedWithTheirRequest() throws Exception {
        RequestProfile work = request("/work?n=3", 200);
        RequestProfile missing = request("/missing/thing", 404);
        JsonNode list = viewerJson("/api/list");
        assertTrue(list.get("complete").asBoolean());
        JsonNode w = entry(list, work.id());
        assertNotNull(w, list.toString());
        assertEquals("GET", w.get("method").asText());
        assertEquals("/work", w.get("path").asText());
        assertEquals(200, w.get("status").asInt());
        assertEquals(work.request().elapsedNanos(), w.get("durationNanos").asLong());
        assertTrue(w.get("durationNanos").asLong() > 0);
        assertEquals(work.request().startEpochMillis(), w.get("startMillis").asLong());
        assertEquals(work.stats().totalCalls(), w.get("calls").asLong(), w.toString());
        assertEquals(3, work.stats().row(STEP.label()).totalCalls());
        assertTrue(w.get("calls").asLong() >= 1 + 3, "work once, step three times, and the middleware's own: " + w);
        JsonNode m = entry(list, missing.id());
        assertNotNull(m, list.toString());
        assertEquals("/missing/thing", m.get("path").asText());
        assertEquals(404, m.get("status").asInt());
        List<String> ids = new ArrayList<>();
        list.get("entries").forEach(e -> ids.add(e.get("id").asText()));
        assertEquals(List.of(missing.id(), work.id()), ids, "newest first; nothing else was profiled");
    }

    @Test
    void aProfileIsTheMiddlewaresExactTree() throws Exception {
        RequestProfile work = request("/work?n=5", 200);
        HttpResponse<String> r = viewer("/api/profile?f=" + work.id());
        assertEquals(200, r.statusCode(), r.body());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ProfileJson.write(work.stats(), List.of("request-" + work.id()), expected);
        assertEquals(expected.toString(StandardCharsets.UTF_8), r.body(), "the page gets the kept stats, tree and all");
        ByteArrayOutputStream callers = new ByteArrayOutputStream();
        ProfileJson.writeCallers(work.stats(), callers);
        HttpResponse<String> pairs = viewer("/api/profile?f=" + work.id() + "&part=callers");
        assertEquals(200, pairs.statusCode(), pairs.body());
        assertEquals(callers.toString(StandardCharsets.UTF_8), pairs.body(), "and its caller pairs");
        JsonNode p = JSON.readTree(r.body());
        assertTrue(p.get("exact").asBoolean(), "the recorded call tree, not one estimated from pairs");
        assertEquals("/work", p.get("metadata").get("request.path").asText());
        assertEquals(5, work.stats().row(STEP.label()).totalCalls());
        boolean hasStep = false;
        for (JsonNode f : p.get("functions")) {
            hasStep |= f.get(2).asText().equals("step");
        }
        assertTrue(hasStep, p.get("functions").toString());

        // downloads: the pstats file Python reads, and the raw profile treeprof view loads again
        HttpResponse<byte[]> prof = HTTP.send(HttpRequest.newBuilder(uri(MOUNT + "/api/download?format=prof&f=" + work.id()))
                .header("Cookie", COOKIE).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, prof.statusCode());
        assertTrue(prof.headers().firstValue("Content-Disposition").orElse("").contains("request-" + work.id() + ".prof"));
        Path file = Files.write(tmp.resolve("downloaded.prof"), prof.body());
        assertEquals(5, Stats.load(file).row(STEP.label()).totalCalls());
        HttpResponse<byte[]> raw = HTTP.send(HttpRequest.newBuilder(uri(MOUNT + "/raw/" + work.id()))
                .header("Cookie", COOKIE).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, raw.statusCode());
        Stats back = Stats.load(Files.write(tmp.resolve("raw.json"), raw.body()));
        assertEquals(work.stats().callTree(), back.callTree());
    }

    @Test
    void profilesMergeAsPstatsAddsThem() throws Exception {
        RequestProfile two = request("/work?n=2", 200);
        RequestProfile three = request("/work?n=3", 200);
        JsonNode merged = viewerJson("/api/profile?f=" + two.id() + "&f=" + three.id());
        assertEquals(two.stats().totalCalls() + three.stats().totalCalls(), merged.get("totalCalls").asLong());
        assertEquals(List.of("request-" + two.id(), "request-" + three.id()),
                List.of(merged.get("sources").get(0).asText(), merged.get("sources").get(1).asText()));
        assertEquals(5, two.stats().add(three.stats()).row(STEP.label()).totalCalls());
        HttpResponse<String> download = viewer("/api/download?format=json&f=" + two.id() + "&f=" + three.id());
        assertEquals(200, download.statusCode());
        assertTrue(download.headers().firstValue("Content-Disposition").orElse("").contains("merged-2.json"));
    }

    @Test
    void aNewRequestAppearsOnTheNextPoll() throws Exception {
        RequestProfile first = request("/work?n=1", 200);
        JsonNode list = viewerJson("/api/list");
        long version = list.get("version").asLong();
        JsonNode same = viewerJson("/api/list?since=" + version);
        assertTrue(same.path("unchanged").asBoolean(), "nothing new: " + same);
        assertEquals(version, same.get("version").asLong());

        RequestProfile second = request("/work?n=2", 200);
        JsonNode changed = viewerJson("/api/list?since=" + version);
        assertFalse(changed.path("unchanged").asBoolean(), changed.toString());
        assertNotNull(entry(changed, second.id()), changed.toString());
        assertNotNull(entry(changed, first.id()), changed.toString());
        JsonNode again = viewerJson("/api/list?since=" + changed.get("version").asLong());
        assertTrue(again.path("unchanged").asBoolean(), "polling does not change the list: " + again);
    }

    @Test
    void aProfileThatFellOutOfTheRingIsA404ThatSaysSo() throws Exception {
        RequestProfile oldest = request("/work?n=1", 200);
        assertEquals(200, viewer("/api/profile?f=" + oldest.id()).statusCode());
        for (int i = 0; i < CAPACITY; i++) {
            request("/work?n=1", 200);
        }
        assertTrue(app.recent().get(oldest.id()).isEmpty(), "replaced by newer requests");
        assertEquals(CAPACITY, viewerJson("/api/list").get("entries").size());
        for (String path : new String[] {"/api/profile?f=" + oldest.id(), "/api/download?format=json&f=" + oldest.id(),
                "/raw/" + oldest.id()}) {
            HttpResponse<String> r = viewer(path);
            assertEquals(404, r.statusCode(), path);
            assertTrue(r.body().contains("profile " + oldest.id() + " is no longer in the recent profiles (the last "
                    + CAPACITY + " requests, each kept for 1 h)"), path + ": " + r.body());
        }
    }

    @Test
    void hostileIdsAndPathsAre404s() throws Exception {
        RequestProfile work = request("/work?n=1", 200);
        String[] attacks = {
            "/api/profile?f=../../etc/passwd", "/api/profile?f=%2e%2e%2fetc%2fpasswd", "/api/profile?f=0/" + work.id(),
            "/api/profile?f=" + work.id() + "%00", "/api/profile?f=-" + work.id(), "/api/profile?f=1e3",
            "/api/profile?f=" + "9".repeat(40), "/api/profile?f=%20" + work.id(), "/api/profile?f=/etc/passwd",
            "/api/download?format=json&f=..%5c..%5cwindows", "/raw/..%2f..%2fetc%2fpasswd", "/raw/%2e%2e",
            "/raw/" + work.id() + "/../" + work.id(), "/static/..%2f..%2fpom.xml", "/nothing",
        };
        for (String a : attacks) {
            HttpResponse<String> r = viewer(a);
            assertEquals(404, r.statusCode(), a + " -> " + r.body());
            assertFalse(r.body().contains("functions"), a + " leaked a profile");
        }
        // request lines HttpClient would not send as they are
        for (String target : new String[] {MOUNT + "/../../etc/passwd", MOUNT + "/static/../../../etc/passwd",
                MOUNT + "/raw/../../../etc/passwd"}) {
            String response = rawRequest(target);
            assertFalse(response.startsWith("HTTP/1.1 200"), target + " -> " + response);
            assertFalse(response.contains("root:"), target + " -> " + response);
        }
        assertEquals(405, HTTP.send(HttpRequest.newBuilder(uri(MOUNT + "/api/list")).header("Cookie", COOKIE)
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    private String rawRequest(String target) throws IOException {
        try (Socket s = new Socket("127.0.0.1", app.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + COOKIE
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void everyAnswerHasTheViewersStrictPolicyAndNoSniffing() throws Exception {
        RequestProfile work = request("/work?n=1", 200);
        for (String path : new String[] {"/", "/static/app.js", "/api/list", "/api/profile?f=" + work.id(),
                "/api/profile?f=nope", "/nothing", ""}) {
            HttpResponse<String> r = viewer(path);
            Map<String, List<String>> h = r.headers().map();
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), path + ": " + h);
            assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""), path);
        }
        HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(uri(MOUNT + "/api/list")).header("Cookie", COOKIE)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals("nosniff", head.headers().firstValue("X-Content-Type-Options").orElse(""));
    }

    @Test
    void theViewersOwnRequestsAreNotProfiled() throws Exception {
        RequestProfile work = request("/work?n=1", 200);
        for (String path : new String[] {"", "/", "/static/app.js", "/api/list", "/api/profile?f=" + work.id(), "/nothing"}) {
            viewer(path);
        }
        get(MOUNT + "/api/list", false); // refused ones neither
        // a request to the application after them: once it is kept, anything the viewer's requests
        // added would be kept too (profiles are kept in the order requests end)
        RequestProfile after = request("/work?n=1", 200);
        List<String> paths = new ArrayList<>();
        for (RequestProfile p : app.recent().list()) {
            paths.add(p.request().path());
        }
        assertEquals(List.of("/work", "/work"), paths);
        assertEquals(List.of(after.id(), work.id()), app.recent().list().stream().map(RequestProfile::id).toList());
        assertEquals(Long.parseLong(work.id()) + 1, Long.parseLong(after.id()),
                "no profile was made between the two application requests");
    }
}
