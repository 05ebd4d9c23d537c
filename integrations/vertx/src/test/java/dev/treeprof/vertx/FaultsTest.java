package dev.treeprof.vertx;

import static dev.treeprof.vertx.Support.await;
import static dev.treeprof.vertx.Support.scoped;
import static dev.treeprof.vertx.Support.spin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestInfo;
import dev.treeprof.web.RequestProfile;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A profiled Vert.x server keeps nothing of a request once its profile has ended: not for requests
 * answered on the event loop, after a timer or from a worker, and not for clients that go away
 * before the answer or handlers that throw or fail. The references decide, not a sleep.
 */
@Timeout(120)
class FaultsTest {

    private Vertx vertx;
    /** The routing contexts and requests the app saw, weakly. */
    private final List<WeakReference<Object>> seen = new ArrayList<>();
    private final AtomicInteger hangs = new AtomicInteger();

    @BeforeEach
    void start() {
        vertx = Support.oneEventLoop();
    }

    @AfterEach
    void stop() {
        await(vertx.close());
    }

    /** Every reference cleared after garbage collection, or fail. */
    private static void assertCollected(List<WeakReference<Object>> refs, String what) throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            System.gc();
            synchronized (refs) {
                if (refs.stream().allMatch(r -> r.get() == null)) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        synchronized (refs) {
            long alive = refs.stream().filter(r -> r.get() != null).count();
            fail(alive + " of " + refs.size() + " " + what + " are still reachable");
        }
    }

    private void remember(RoutingContext rc) {
        synchronized (seen) {
            seen.add(new WeakReference<>(rc));
            seen.add(new WeakReference<>(rc.request()));
        }
    }

    private int listen(ProfilerHandler profiler) {
        Router router = Router.router(vertx);
        router.route().order(Integer.MIN_VALUE).handler(profiler);
        router.route().order(Integer.MIN_VALUE + 1).handler(rc -> {
            remember(rc);
            rc.next();
        });
        router.get("/now").handler(rc -> {
            scoped("now", () -> spin(100));
            rc.response().end("now");
        });
        router.get("/timer").handler(rc -> Support.timer(vertx, 2).onSuccess(t -> {
            scoped("timer", () -> spin(100));
            rc.response().end("timer");
        }));
        router.get("/worker").handler(rc -> vertx.executeBlocking(() -> {
            scoped("worker", () -> spin(100));
            return "worker";
        }).onSuccess(r -> rc.response().end(r)));
        router.get("/boom").handler(rc -> {
            scoped("boom", () -> spin(100));
            throw new IllegalStateException("boom");
        });
        router.get("/teapot").handler(rc -> rc.fail(418));
        router.get("/hang").handler(rc -> {
            scoped("hang", () -> spin(100));
            hangs.incrementAndGet(); // and never answers
        });
        return Support.listen(vertx, router);
    }

    @Test
    void finishedRequestsAreCollectableOnceTheirProfilesEnd() throws Exception {
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().build());
        int port = listen(profiler);
        String[] paths = {"/now", "/timer", "/worker"};
        int requests = 150;
        for (int i = 0; i < requests; i++) {
            String path = paths[i % paths.length];
            assertEquals(200, Support.status(Support.raw(port, "GET", path)), path);
        }
        Support.profiles(profiler.recent(), ProfilerOptions.DEFAULT_RECENT_CAPACITY);
        // The server still runs and keeps its recent profiles: none of them may hold its request.
        assertCollected(seen, "routing contexts and requests of finished requests");
        assertEquals(ProfilerOptions.DEFAULT_RECENT_CAPACITY, profiler.recent().size(), "only the recent profiles are kept");
    }

    @Test
    void requestsPassedOverBySamplingAreCollectableToo() throws Exception {
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().sampleRate(0).build());
        int port = listen(profiler);
        String[] paths = {"/now", "/timer", "/worker"};
        for (int i = 0; i < 60; i++) {
            String path = paths[i % paths.length];
            assertEquals(200, Support.status(Support.raw(port, "GET", path)), path);
        }
        // the decision kept for a reroute must not keep the request
        assertCollected(seen, "routing contexts and requests passed over");
        assertEquals(0, profiler.recent().size());
    }

    @Test
    void clientsThatDisconnectAndHandlersThatFailStillEndTheirProfilesAndLeakNothing() throws Exception {
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().build());
        int port = listen(profiler);
        // A client that sends its request and goes away; the handler never answers.
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Support.waitFor("the request to begin", () -> hangs.get() > 0);
        }
        assertEquals(500, Support.status(Support.raw(port, "GET", "/boom")));
        assertEquals(418, Support.status(Support.raw(port, "GET", "/teapot")));

        RequestProfile hang = Support.profileOf(profiler.recent(), "/hang");
        assertEquals(RequestInfo.UNKNOWN_STATUS, hang.request().status(), "no response was sent");
        assertNotNull(hang.request().attributes().get(VertxProfiling.ERROR), "the closed connection is told");
        RequestProfile boom = Support.profileOf(profiler.recent(), "/boom");
        assertEquals(500, boom.request().status());
        assertEquals("java.lang.IllegalStateException: boom", boom.request().attributes().get(VertxProfiling.ERROR),
                boom.request().attributes().toString());
        RequestProfile teapot = Support.profileOf(profiler.recent(), "/teapot");
        assertEquals(418, teapot.request().status());
        assertNull(teapot.request().attributes().get(VertxProfiling.ERROR), "rc.fail(418) is told by its status alone");

        assertCollected(seen, "routing contexts and requests of abandoned and failed requests");
    }
}
