package dev.treeprof.vertx;

import static dev.treeprof.vertx.Support.await;
import static dev.treeprof.vertx.Support.raw;
import static dev.treeprof.vertx.Support.scoped;
import static dev.treeprof.vertx.Support.spin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestInfo;
import dev.treeprof.web.RequestProfile;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wrapper of a plain core {@code Handler<HttpServerRequest>}. */
class ProfilingRequestHandlerTest {

    private static final AtomicInteger HANGS = new AtomicInteger();
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Support.oneEventLoop();
    }

    @AfterAll
    static void stop() {
        await(vertx.close());
    }

    /** A core handler whose requests continue in a worker, a future and a timer. */
    private static final Handler<HttpServerRequest> APP = req -> {
        String path = req.path();
        if (path.equals("/sync-own-end-handler")) {
            scoped("sync", () -> spin(100));
            req.response().endHandler(v -> { });   // replaces the wrapper's end handler
            req.response().setStatusCode(202).end("sync");
            return;
        }
        if (path.equals("/hang")) {
            scoped("hang", () -> spin(100));
            HANGS.incrementAndGet();
            return;
        }
        scoped("handle", () -> spin(1_000));
        vertx.executeBlocking(() -> {
            scoped("blocking", () -> spin(1_000));
            return "x";
        }).compose(x -> Support.timer(vertx, 3)).onSuccess(t -> {
            scoped("timer", () -> spin(500));
            req.response().putHeader("x-a", "b").end("async " + path);
        });
    };

    @Test
    void profilesAsyncWorkAndLeavesTheResponseAlone() throws IOException {
        ProfilingRequestHandler wrapped = ProfilingRequestHandler.wrap(APP, ProfilerOptions.builder().noOutput().build());
        int profiled = Support.listen(vertx, wrapped);
        int plain = Support.listen(vertx, APP);
        assertEquals(raw(plain, "GET", "/a/b?q=1"), raw(profiled, "GET", "/a/b?q=1"));
        RequestProfile p = Support.profileOf(wrapped.recent(), "/a/b");
        assertEquals(200, p.request().status());
        assertEquals(Set.of("handle", "blocking", "timer"), Support.names(p.stats()));
        assertTrue(Support.namesByThread(p.stats()).entrySet().stream()
                .anyMatch(e -> e.getKey().startsWith("vert.x-worker-thread") && e.getValue().equals(Set.of("blocking"))));
    }

    @Test
    void aResponseEndedSynchronouslyIsSeenEvenWhenTheHandlerReplacedTheEndHandler() throws IOException {
        ProfilingRequestHandler wrapped = ProfilingRequestHandler.wrap(APP, ProfilerOptions.builder().noOutput().build());
        int port = Support.listen(vertx, wrapped);
        assertEquals(202, Support.status(raw(port, "GET", "/sync-own-end-handler")));
        RequestProfile p = Support.profileOf(wrapped.recent(), "/sync-own-end-handler");
        assertEquals(202, p.request().status());
        assertEquals(Set.of("sync"), Support.names(p.stats()));
    }

    @Test
    void anEndNeverHeardIsFinishedOnceTheRequestIsCollected() throws Exception {
        ProfilingRequestHandler wrapped = ProfilingRequestHandler.wrap(req -> {
            scoped("unheard", () -> spin(100));
            req.response().endHandler(v -> { });     // replaces the wrapper's end handler...
            req.response().closeHandler(v -> { });   // ...and its close handler
            vertx.setTimer(2, t -> req.response().end("late"));
        }, ProfilerOptions.builder().noOutput().build());
        int port = Support.listen(vertx, wrapped);
        assertEquals("late", ProfilerHandlerTest.body(raw(port, "GET", "/unheard")));
        long deadline = System.nanoTime() + Support.TIMEOUT.toNanos();
        while (wrapped.recent().size() == 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        RequestProfile p = Support.profileOf(wrapped.recent(), "/unheard");
        assertEquals("request end not observed", p.request().attributes().get("error"));
        assertEquals(RequestInfo.UNKNOWN_STATUS, p.request().status());
        assertEquals(Set.of("unheard"), Support.names(p.stats()));
    }

    @Test
    void aClosedConnectionEndsTheRequest() throws Exception {
        ProfilingRequestHandler wrapped = ProfilingRequestHandler.wrap(APP, ProfilerOptions.builder().noOutput().build());
        int port = Support.listen(vertx, wrapped);
        int before = HANGS.get();
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Support.waitFor("the request to begin", () -> HANGS.get() > before);
        }
        RequestProfile p = Support.profileOf(wrapped.recent(), "/hang");
        assertEquals(RequestInfo.UNKNOWN_STATUS, p.request().status());
        assertEquals("connection closed", p.request().attributes().get("error"));
        assertEquals(Set.of("hang"), Support.names(p.stats()));
    }

    @Test
    void sampledOutRequestsAreServedAndNotProfiled() throws IOException {
        java.util.List<Object> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProfilingRequestHandler wrapped = ProfilingRequestHandler.wrap(req -> {
            seen.add(String.valueOf(VertxProfilerLookup.instance().current()));
            APP.handle(req);
        }, ProfilerOptions.builder().noOutput().sampleRate(0).build());
        int port = Support.listen(vertx, wrapped);
        assertEquals("async /x", ProfilerHandlerTest.body(raw(port, "GET", "/x")));
        assertEquals(java.util.List.of("null"), seen, "no profiler on the request's context");
        assertEquals(0, wrapped.recent().size());
    }
}
