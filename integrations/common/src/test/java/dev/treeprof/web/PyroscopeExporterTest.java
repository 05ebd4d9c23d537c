package dev.treeprof.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.treeprof.Stats;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The push exporter against a local HTTP endpoint that decodes what it receives with treeprof's reader. */
class PyroscopeExporterTest {

    @TempDir
    Path dir;

    private HttpServer server;

    /** One received push: its query parameters and the profile, loaded back. */
    private static final class Push {
        final Map<String, String> query = new HashMap<>();
        Stats profile;
    }

    private final List<Push> pushes = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI startIngest(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ingest", ex -> {
            Push p = new Push();
            for (String kv : ex.getRequestURI().getRawQuery().split("&")) {
                int eq = kv.indexOf('=');
                p.query.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            byte[] body = ex.getRequestBody().readAllBytes();
            try {
                p.profile = Stats.load(Files.write(Files.createTempFile(dir, "push", ".pb.gz"), profilePart(body, type)));
            } catch (IOException | RuntimeException e) {
                p.query.put("error", e.toString());
            }
            pushes.add(p);
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The bytes of the multipart field named "profile". */
    private static byte[] profilePart(byte[] body, String contentType) {
        assertTrue(contentType.startsWith("multipart/form-data; boundary="), contentType);
        String boundary = "--" + contentType.substring(contentType.indexOf('=') + 1);
        String latin = new String(body, StandardCharsets.ISO_8859_1);
        int head = latin.indexOf(boundary);
        assertEquals(0, head);
        assertTrue(latin.substring(0, latin.indexOf("\r\n\r\n")).contains("name=\"profile\""), "the field is 'profile'");
        int start = latin.indexOf("\r\n\r\n") + 4;
        int end = latin.indexOf("\r\n" + boundary + "--", start);
        return Arrays.copyOfRange(body, start, end);
    }

    private static Stats request(String route, int queries) {
        return ProfileGroupsTest.request("GET", route, route.replace(":id", "7"), 200, "web-1", 1000, queries);
    }

    @Test
    void pushesOneMergedPprofProfilePerRoute() throws Exception {
        URI uri = startIngest(200);
        try (PyroscopeExporter e = PyroscopeExporter.builder(uri, "shop").build()) {
            assertTrue(e.offer(request("/orders/:id", 2)));
            assertTrue(e.offer(request("/orders/:id", 3)));
            assertTrue(e.offer(request("/health", 0)));
            assertEquals(3, e.push());
            assertEquals(3, e.sent());
            assertEquals(0, e.queued());
        }
        assertEquals(2, pushes.size());
        Map<String, Push> byName = new HashMap<>();
        pushes.forEach(p -> byName.put(p.query.get("name"), p));
        Push orders = byName.get("shop{route=/orders/:id}");
        assertNotNull(orders, byName.keySet().toString());
        assertEquals("pprof", orders.query.get("format"));
        assertTrue(Long.parseLong(orders.query.get("from")) <= Long.parseLong(orders.query.get("until")));
        assertNotNull(orders.profile, orders.query.toString());
        assertEquals(2 + 3, orders.profile.row("db.query").totalCalls());
        assertEquals(2, orders.profile.row("handler").totalCalls());
        assertEquals("2", orders.profile.metadata().get(ProfileGroups.META_PROFILES));
        assertEquals(0, byName.get("shop{route=/health}").profile.row("db.query").totalCalls());
    }

    @Test
    void aDownBackendLosesNoRequestAndHoldsBoundedMemory() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        // nothing listens on the port any more: every push is refused
        PyroscopeExporter e = PyroscopeExporter.builder(URI.create("http://127.0.0.1:" + port), "shop")
                .queueCapacity(50).timeout(Duration.ofSeconds(2)).build();
        int accepted = 0;
        for (int i = 0; i < 500; i++) {
            if (e.offer(request("/orders/:id", 1))) {
                accepted++;
            }
            assertTrue(e.queued() <= 50, "the queue stays within its capacity");
        }
        assertEquals(50, accepted);
        assertEquals(450, e.dropped());
        assertEquals(500, e.offered());
        assertEquals(0, e.push(), "nothing reaches a backend that is down");
        assertEquals(50, e.failed(), "the failed push is counted and let go, not retried");
        assertEquals(0, e.queued());
        assertTrue(e.lastError().contains("/orders/:id"), e.lastError());
        // after the failure, offers are accepted again: the queue was freed
        assertTrue(e.offer(request("/orders/:id", 1)));
        e.close();
        assertEquals(51, e.failed());
    }

    @Test
    void rejectedPushesAreCountedAsFailed() throws Exception {
        URI uri = startIngest(500);
        PyroscopeExporter e = PyroscopeExporter.builder(uri, "shop").build();
        e.offer(request("/a", 1));
        assertEquals(0, e.push());
        assertEquals(1, e.failed());
        assertTrue(e.lastError().contains("HTTP 500"), e.lastError());
    }

    @Test
    void badSettingsAreRefused() {
        URI ok = URI.create("http://localhost:4040");
        assertThrows(IllegalArgumentException.class, () -> PyroscopeExporter.builder(URI.create("file:///x"), "a"));
        assertThrows(IllegalArgumentException.class, () -> PyroscopeExporter.builder(ok, "a{b}"));
        assertThrows(IllegalArgumentException.class, () -> PyroscopeExporter.builder(ok, "a").queueCapacity(0));
        assertThrows(IllegalArgumentException.class, () -> PyroscopeExporter.builder(ok, "a").interval(Duration.ZERO));
        assertEquals("_orders_x_y", PyroscopeExporter.labelValue("{orders=x,y"));
        assertFalse(PyroscopeExporter.labelValue("/a b").contains(" "));
    }
}
