package dev.treeprof.undertow;

import static dev.treeprof.undertow.TestServer.awaitProfiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.web.ProfilerOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The profiler never changes a response: status, headers and body are those of the unprofiled app. */
@Timeout(90)
class ResponseUnchangedTest {

    static final ScopeName VIEW = ScopeName.of("app/Views.java", 7, "view");

    /** One app, many response shapes, chosen by path. */
    static HttpHandler app(ExecutorService pool) {
        HttpHandler blocking = new BlockingHandler(ex -> {
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
            try (Scope s = Profile.scope(VIEW); OutputStream out = ex.getOutputStream()) {
                byte[] chunk = new byte[8192];
                for (int i = 0; i < 64; i++) { // 512 KiB, streamed in chunks
                    java.util.Arrays.fill(chunk, (byte) i);
                    out.write(chunk);
                }
            }
        });
        return new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange ex) throws Exception {
                try (Scope s = Profile.scope(VIEW)) {
                    switch (ex.getRequestPath()) {
                        case "/io":
                            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
                            ex.getResponseHeaders().put(new HttpString("X-Custom"), "kept");
                            // The dispatch executor the handler sees is Undertow's own (none here) too.
                            ex.getResponseSender().send("héllo " + ex.getQueryString() + " " + ex.getDispatchExecutor(),
                                    StandardCharsets.UTF_8);
                            break;
                        case "/worker":
                            if (ex.isInIoThread()) {
                                ex.dispatch(this);
                            } else {
                                ex.setStatusCode(202);
                                ex.getResponseSender().send("accepted");
                            }
                            break;
                        case "/blocking":
                            blocking.handleRequest(ex);
                            break;
                        case "/teapot":
                            ex.setStatusCode(418);
                            ex.getResponseHeaders().add(new HttpString("Set-Cookie"), "a=1");
                            ex.getResponseHeaders().add(new HttpString("Set-Cookie"), "b=2");
                            ex.endExchange();
                            break;
                        case "/empty":
                            ex.setStatusCode(204);
                            ex.endExchange();
                            break;
                        case "/echo":
                            ex.getRequestReceiver().receiveFullBytes((e, body) ->
                                    e.getResponseSender().send(ByteBuffer.wrap(body)));
                            break;
                        case "/async":
                            ex.dispatch(SameThreadExecutor.INSTANCE, () -> pool.execute(
                                    () -> ex.getResponseSender().send("async")));
                            break;
                        case "/throw":
                            throw new IllegalArgumentException("bad");
                        default:
                            ex.setStatusCode(404);
                            ex.getResponseSender().send("no " + ex.getRequestPath());
                    }
                }
            }
        };
    }

    static final List<HttpRequest.Builder> REQUESTS = List.of(
            HttpRequest.newBuilder().uri(java.net.URI.create("http://h/io?q=1&r=%C3%A9")),
            HttpRequest.newBuilder().uri(java.net.URI.create("http://h/io")).method("HEAD", HttpRequest.BodyPublishers.noBody()),
            HttpRequest.newBuilder().uri(java.net.URI.create("http://h/worker")),
            HttpRequest.newBuilder().uri(java.net.URI.create("http://h/blocking")),
            HttpRequest.newBuilder().uri(java.net.URI.create("http://h/teapot")),
            HttpRequest.newBuilder().uri(java.net.URI.create("http://h/empty")),
            HttpRequest.newBuilder().uri(java.net.URI.create("http://h/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))),
            HttpRequest.newBuilder().uri(java.net.URI.create("http://h/async")),
            HttpRequest.newBuilder().uri(java.net.URI.create("http://h/throw")),
            HttpRequest.newBuilder().uri(java.net.URI.create("http://h/nowhere")));

    /** Status, headers without Date (lower-cased names, values in order) and body of each request. */
    private static List<Object[]> responses(TestServer server) throws Exception {
        List<Object[]> out = new java.util.ArrayList<>();
        for (HttpRequest.Builder b : REQUESTS) {
            HttpRequest template = b.build();
            HttpRequest r = HttpRequest.newBuilder(template, (n, v) -> true)
                    .uri(server.uri(template.uri().getRawPath()
                            + (template.uri().getRawQuery() == null ? "" : "?" + template.uri().getRawQuery())))
                    .build();
            HttpResponse<byte[]> resp = TestServer.CLIENT.send(r, HttpResponse.BodyHandlers.ofByteArray());
            Map<String, List<String>> headers = new TreeMap<>(resp.headers().map());
            headers.remove("date");
            out.add(new Object[] {r.method() + " " + r.uri().getPath(), resp.statusCode(), headers, resp.body()});
        }
        return out;
    }

    @Test
    void responsesAreThoseOfTheUnprofiledApp() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            List<Object[]> plain;
            try (TestServer server = TestServer.start(app(pool))) {
                plain = responses(server);
            }
            ProfilerHandler handler = ProfilerHandler.wrap(app(pool), ProfilerOptions.builder().noOutput().build());
            List<Object[]> profiled;
            try (TestServer server = TestServer.start(handler)) {
                profiled = responses(server);
                awaitProfiles(handler.recent(), REQUESTS.size());
            }
            for (int i = 0; i < REQUESTS.size(); i++) {
                Object[] a = plain.get(i);
                Object[] b = profiled.get(i);
                assertEquals(a[0], b[0]);
                assertEquals(a[1], b[1], a[0] + " status");
                assertEquals(a[2], b[2], a[0] + " headers");
                assertArrayEquals((byte[]) a[3], (byte[]) b[3], a[0] + " body");
            }
            // The shapes really are different responses.
            assertEquals(List.of(200, 200, 202, 200, 418, 204, 200, 200, 500, 404),
                    plain.stream().map(o -> o[1]).toList());
            assertEquals(512 * 1024, ((byte[]) plain.get(3)[3]).length);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
