package dev.treeprof.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over real HTTP: safety headers, traversal, the listing, profiles and downloads. */
class ViewerServerTest {

    @TempDir
    static Path tmp;

    static Path dir;
    static Path outside;
    static ViewerServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createDirectories(tmp.resolve("profiles"));
        outside = Files.createDirectories(tmp.resolve("secret"));
        Fixtures.write(Fixtures.ordersA(), dir.resolve("GET.orders.1.json"));
        Fixtures.write(Fixtures.ordersB(), dir.resolve("GET.orders.2.json"));
        Fixtures.write(Fixtures.recursion(), dir.resolve("recursion.prof"));
        Fixtures.write(Fixtures.ordersB().withMetadata(java.util.Map.of("request.route", "/orders/:id")), dir.resolve("GET.orders.3.json"));
        Files.writeString(dir.resolve("broken.prof"), "not a profile");
        Fixtures.write(Fixtures.ordersA(), dir.resolve("GET.orders.7.25ms.1795633168.prof"));
        Fixtures.write(Fixtures.ordersA(), outside.resolve("private.json"));
        Files.createSymbolicLink(dir.resolve("link.json"), outside.resolve("private.json"));
        Files.createSymbolicLink(dir.resolve("linkdir"), outside);
        server = ViewerServer.start("127.0.0.1", 0, List.of(dir));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> get(String rawPath) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + rawPath.substring(1))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(String rawPath) throws Exception {
        HttpResponse<String> r = get(rawPath);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void everyResponseHasAStrictPolicyAndNoSniffing() throws Exception {
        for (String path : new String[] {"/", "/static/app.js", "/api/list", "/nothing", "/raw/0/../x"}) {
            HttpResponse<String> r = get(path);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"), path + ": " + csp);
            assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
        }
        HttpResponse<String> page = get("/");
        assertTrue(page.body().contains("<script src=\"static/app.js\""),
                "the page loads its script from the server, by a relative URL that works under a mount point");
        assertFalse(page.body().contains("=\"/"), "no root-relative URL in the page: it may be mounted under a prefix");
        assertFalse(page.body().matches("(?s).*<script>.*") || page.body().contains("onclick="), "no inline script in the page");
        assertEquals("text/javascript; charset=utf-8", get("/static/app.js").headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void traversalAndLinksOutsideGet404() throws Exception {
        String secret = Files.readString(outside.resolve("private.json"));
        assertEquals(200, get("/raw/0/GET.orders.1.json").statusCode(), "a listed file is served");
        String[] attacks = {
            "/raw/0/../secret/private.json", "/raw/0/%2e%2e/secret/private.json", "/raw/0/%2E%2E%2Fsecret%2Fprivate.json",
            "/raw/0%2f..%2f..%2fsecret%2fprivate.json", "/raw/0/..%5csecret%5cprivate.json", "/raw/0/%2e%2e%5csecret%5cprivate.json",
            "/raw//etc/passwd", "/raw/%2fetc%2fpasswd", "/raw/" + tmp.resolve("secret/private.json").toString().substring(1),
            "/raw/0/link.json", "/raw/0/linkdir/private.json", "/raw/0/./GET.orders.1.json", "/raw/0//GET.orders.1.json",
            "/raw/0/GET.orders.1.json%00", "/raw/1/GET.orders.1.json",
            "/api/profile?f=0/../secret/private.json", "/api/profile?f=0/%2e%2e/secret/private.json",
            "/api/profile?f=" + tmp.resolve("secret/private.json"), "/api/profile?f=0/link.json",
            "/api/download?format=json&f=0/linkdir/private.json", "/static/../index.html", "/static/%2e%2e/pom.xml",
        };
        for (String a : attacks) {
            HttpResponse<String> r = get(a);
            assertEquals(404, r.statusCode(), a + " -> " + r.body());
            assertFalse(r.body().contains("treeprof") && r.body().contains("functions"), a + " leaked a profile");
            assertNotEquals(secret, r.body());
        }
        JsonNode list = json("/api/list");
        for (JsonNode e : list.get("entries")) {
            assertFalse(e.get("name").asText().contains("link"), "links leading outside are not listed: " + e);
        }
    }

    @Test
    void answersOnlyRequestsAddressedToLocalhost() throws Exception {
        assertEquals(403, rawStatus("evil.example"), "DNS rebinding: a foreign Host is refused");
        assertEquals(200, rawStatus("localhost:" + server.port()));
        assertEquals(200, rawStatus("127.0.0.1:" + server.port()));
    }

    private static int rawStatus(String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/list HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    @Test
    void listingSummarizesEachRequestAndKeepsFailedFilesAsRows() throws Exception {
        JsonNode list = waitComplete();
        List<String> names = new ArrayList<>();
        list.get("entries").forEach(e -> names.add(e.get("name").asText()));
        assertEquals(List.of("GET.orders.1.json", "GET.orders.2.json", "GET.orders.3.json", "GET.orders.7.25ms.1795633168.prof",
                "broken.prof", "recursion.prof"), names);
        JsonNode named = list.get("entries").get(3);
        assertEquals("GET /orders/7 25000000 1795633168000", named.get("method").asText() + " " + named.get("path").asText() + " "
                + named.get("durationNanos").asLong() + " " + named.get("startMillis").asLong(),
                "a .prof has no metadata: the request comes from werkzeug's file name");
        assertEquals("/orders/:id", list.get("entries").get(2).get("route").asText(), "the framework's route, when it names one");
        JsonNode a = list.get("entries").get(0);
        assertEquals("GET", a.get("method").asText());
        assertEquals("/orders/1", a.get("path").asText());
        assertEquals(200, a.get("status").asInt());
        assertEquals(100_000_000L, a.get("durationNanos").asLong());
        assertEquals(1, a.get("threads").asInt());
        assertTrue(a.get("route") == null, "no route unless the framework names one");
        assertEquals(4, a.get("calls").asInt());
        assertEquals("db.query", a.get("top").asText());
        JsonNode broken = list.get("entries").get(4);
        assertTrue(broken.get("error").asText().contains("broken.prof"), broken.toString());
        assertFalse(list.get("entries").get(5).get("exact").asBoolean(), "a .prof has no exact tree");
    }

    @Test
    void aRootGivenAsALinkToADirectoryIsListed() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("profiles-link"), dir);
        try (ViewerServer linked = ViewerServer.start("127.0.0.1", 0, List.of(link))) {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(linked.url() + "api/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(body.contains("\"name\":\"GET.orders.1.json\""), body);
            assertFalse(body.contains("private.json"), "links inside still may not lead out: " + body);
            assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(linked.url() + "raw/0/GET.orders.1.json")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void newFilesAppearInTheListing() throws Exception {
        Path extra = Files.createDirectories(tmp.resolve("live"));
        try (ViewerServer live = ViewerServer.start("127.0.0.1", 0, List.of(extra))) {
            String url = live.url() + "api/list";
            JsonNode before = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals(0, before.get("entries").size());
            Fixtures.write(Fixtures.ordersB(), extra.resolve("GET.orders.9.json"));
            JsonNode after = null;
            for (int i = 0; i < 100; i++) {
                after = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body());
                if (after.get("entries").size() == 1 && after.get("complete").asBoolean()) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals("/orders/2", after.get("entries").get(0).get("path").asText());
            assertTrue(after.get("version").asLong() > before.get("version").asLong());
            String since = url + "?since=" + after.get("version").asLong();
            assertTrue(HTTP.send(HttpRequest.newBuilder(URI.create(since)).build(), HttpResponse.BodyHandlers.ofString())
                    .body().contains("\"unchanged\":true"));
        }
    }

    private static JsonNode waitComplete() throws Exception {
        for (int i = 0; i < 100; i++) {
            JsonNode list = json("/api/list");
            if (list.get("complete").asBoolean()) {
                return list;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the index never completed");
    }

    @Test
    void aProfileCarriesTheExactTreeAndThePstatsTable() throws Exception {
        JsonNode p = json("/api/profile?f=0/GET.orders.1.json");
        assertTrue(p.get("exact").asBoolean());
        assertEquals("/orders/1", p.get("metadata").get("request.path").asText());
        JsonNode t = p.get("threads").get(0);
        List<String> labels = new ArrayList<>();
        t.get("function").forEach(f -> labels.add(p.get("functions").get(f.asInt()).get(3).asText()));
        assertEquals(List.of("{root}", "handle", "db.query", "render"), labels, "pre-order, first-call order");
        assertEquals("[4,3,1,1]", t.get("size").toString());
        assertEquals(List.of(1L, 2L, 1L), List.of(t.get("calls").get(1).asLong(), t.get("calls").get(2).asLong(), t.get("calls").get(3).asLong()));
        assertEquals(100_000_000L, t.get("total").get(1).asLong());
        assertEquals(60_000_000L, t.get("own").get(2).asLong());
        assertEquals(3, p.get("rows").size());
    }

    @Test
    void theRowsCallersAreTheProfilesSecondPart() throws Exception {
        for (String id : new String[] {"0/GET.orders.2.json", "0/recursion.prof"}) {
            JsonNode p = json("/api/profile?f=" + id);
            JsonNode c = json("/api/profile?f=" + id + "&part=callers");
            assertEquals(p.get("rows").size(), c.get("callers").size(), "one list per row");
            Stats stats = Stats.load(dir.resolve(id.substring(2)));
            int pairs = 0;
            for (int i = 0; i < p.get("rows").size(); i++) {
                JsonNode row = p.get("rows").get(i);
                assertEquals(5, row.size(), "a row without its callers: " + row);
                StatsRow expected = stats.rows().get(i);
                assertEquals(expected.label(), p.get("functions").get(row.get(0).asInt()).get(3).asText());
                List<String> want = new ArrayList<>();
                expected.callers().forEach((name, cs) -> want.add(name.label() + " " + cs.totalCalls() + "/" + cs.primitiveCalls()
                        + " " + Math.round(cs.tottime() * 1e9) + " " + Math.round(cs.cumtime() * 1e9)));
                List<String> got = new ArrayList<>();
                for (JsonNode pair : c.get("callers").get(i)) {
                    got.add(p.get("functions").get(pair.get(0).asInt()).get(3).asText() + " " + pair.get(1).asLong() + "/"
                            + pair.get(2).asLong() + " " + pair.get(3).asLong() + " " + pair.get(4).asLong());
                }
                assertEquals(want, got, expected.label());
                pairs += got.size();
            }
            assertTrue(pairs > 0, id);
        }
    }

    @Test
    void aFlatFileGetsATreeEstimatedFromCallerPairs() throws Exception {
        JsonNode p = json("/api/profile?f=0/recursion.prof");
        assertFalse(p.get("exact").asBoolean());
        JsonNode t = p.get("threads").get(0);
        assertEquals(ProfileJson.ESTIMATED_THREAD, t.get("name").asText());
        List<String> labels = new ArrayList<>();
        t.get("function").forEach(f -> labels.add(p.get("functions").get(f.asInt()).get(3).asText()));
        // recursion is cut where the function is already on the path
        assertEquals(List.of("{root}", "recursion.java:3(recurse_and_sleep)", "recursion.java:2(sleep)", "{built-in method time.sleep}"), labels);
        assertEquals(1, t.get("calls").get(1).asLong());
        assertEquals(120_200_000L, t.get("total").get(1).asLong(), "the top function's cumulative time");
    }

    @Test
    void mergingLoadsEveryNamedFile() throws Exception {
        JsonNode p = json("/api/profile?f=0/GET.orders.1.json&f=0/GET.orders.2.json");
        Stats a = Stats.load(dir.resolve("GET.orders.1.json"));
        Stats b = Stats.load(dir.resolve("GET.orders.2.json"));
        assertEquals(a.totalCalls() + b.totalCalls(), p.get("totalCalls").asLong());
        assertEquals(2, p.get("sources").size());
        assertEquals(422, get("/api/profile?f=0/broken.prof").statusCode());
        assertTrue(get("/api/profile?f=0/broken.prof").body().contains("broken.prof"), "the error names the file");
    }

    @Test
    void downloadsAreTheDumpFormats() throws Exception {
        HttpResponse<byte[]> prof = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "api/download?format=prof&f=0/GET.orders.2.json")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, prof.statusCode());
        assertEquals("attachment; filename=\"GET.orders.2.prof\"", prof.headers().firstValue("Content-Disposition").orElse(""));
        Path back = tmp.resolve("back.prof");
        Files.write(back, prof.body());
        StatsRow q = Stats.load(back).row("db.query");
        assertEquals(3, q.totalCalls());
        assertEquals(0.120, q.tottime(), 1e-9);
        HttpResponse<String> folded = get("/api/download?format=folded&f=0/GET.orders.1.json");
        assertTrue(folded.body().contains("handle;db.query 60000"), folded.body());
        assertTrue(get("/api/download?format=speedscope&f=0/GET.orders.1.json").body().contains("speedscope"));
        assertEquals(422, get("/api/download?format=speedscope&f=0/recursion.prof").statusCode(), "no paths in a flat file");
        assertEquals(400, get("/api/download?format=exe&f=0/GET.orders.1.json").statusCode());
    }

    @Test
    void otherHostsAreWarnedAboutAndBadArgumentsRefused() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ViewerServer.run(new String[] {"--host", "0.0.0.0", "--port", "0", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("reveal your code's names and your request paths"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("http://127.0.0.1:"));

        err.reset();
        out.reset();
        assertEquals(0, ViewerServer.run(new String[] {"--port", "0", dir.toString()}, new PrintStream(out), new PrintStream(err), false));
        assertEquals("", err.toString(StandardCharsets.UTF_8), "no warning on the loopback default");

        assertEquals(1, ViewerServer.run(new String[] {"--port", "0", tmp.resolve("missing").toString()}, new PrintStream(out), new PrintStream(err), false));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing"));
        assertEquals(2, ViewerServer.run(new String[] {"--port", "x", dir.toString()}, new PrintStream(out), new PrintStream(err), false));
        assertEquals(2, ViewerServer.run(new String[] {}, new PrintStream(out), new PrintStream(err), false));
    }

    @Test
    void bodiesAreGzippedOnlyForClientsThatAcceptIt() throws Exception {
        Path wide = Files.createDirectories(tmp.resolve("wide"));
        Fixtures.write(Fixtures.record("GET", "/wide", 200, 1_795_633_237_000L, r -> r.call("main", 5, () -> {
            for (int i = 0; i < 200; i++) {
                r.call("f" + i, 1 + i);
            }
        })), wide.resolve("wide.json"));
        try (ViewerServer s = ViewerServer.start("127.0.0.1", 0, List.of(wide))) {
            gzipOnlyWhenAccepted(s);
        }
    }

    private static void gzipOnlyWhenAccepted(ViewerServer server) throws Exception {
        String url = server.url() + "api/profile?f=0/wide.json";
        HttpResponse<byte[]> plain = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, plain.statusCode());
        assertFalse(plain.headers().firstValue("Content-Encoding").isPresent(), "no Accept-Encoding, no gzip");
        assertEquals("Accept-Encoding", plain.headers().firstValue("Vary").orElse(""));
        JsonNode expected = JSON.readTree(plain.body());
        assertEquals(201, expected.get("rows").size());

        for (String accept : new String[] {"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.5", "*"}) {
            HttpResponse<byte[]> gz = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Accept-Encoding", accept).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(""), accept);
            assertEquals(String.valueOf(gz.body().length), gz.headers().firstValue("Content-Length").orElse(""));
            byte[] unzipped;
            try (InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))) {
                unzipped = in.readAllBytes();
            }
            assertEquals(expected, JSON.readTree(unzipped), "the same JSON, gzipped (" + accept + ")");
            assertTrue(gz.body().length < plain.body().length);
        }
        for (String refused : new String[] {"gzip;q=0", "identity", "deflate, br", "gzip; q=0.0"}) {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Accept-Encoding", refused).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertFalse(r.headers().firstValue("Content-Encoding").isPresent(), refused);
            assertEquals(expected, JSON.readTree(r.body()));
        }
        // the page's script too; tiny bodies (a one-line error) go as they are
        HttpResponse<byte[]> js = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "static/app.js")).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", js.headers().firstValue("Content-Encoding").orElse(""));
        HttpResponse<byte[]> missing = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "nothing")).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(404, missing.statusCode());
        assertFalse(missing.headers().firstValue("Content-Encoding").isPresent());
    }
}
