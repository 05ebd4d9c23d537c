package dev.treeprof.vertx;

import static dev.treeprof.vertx.Support.await;
import static dev.treeprof.vertx.Support.scoped;
import static dev.treeprof.vertx.Support.spin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestProfile;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hard case: hundreds of requests interleaved on one event loop, each continuing in worker,
 * future, and timer callbacks; every scope must land in its own request's profile.
 */
class InterleavingTest {

    private static final int REQUESTS = 200;

    private static Vertx server;
    private static Vertx client;

    @BeforeAll
    static void start() {
        server = Support.oneEventLoop();
        client = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        await(client.close());
        await(server.close());
    }

    @Test
    void requestsFollowingEachOtherOnOneKeptAliveConnectionAreKeptApart() {
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().build());
        Router router = Router.router(server);
        router.route().handler(profiler);
        router.get("/k/:id").handler(rc -> {
            String id = rc.pathParam("id");
            scoped("before-" + id, () -> spin(500));
            server.executeBlocking(() -> {
                scoped("worker-" + id, () -> spin(500));
                return id;
            }).onSuccess(v -> rc.response().end(id));
        });
        int port = Support.listen(server, router);
        HttpClientAgent http = client.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(1));
        int n = 20;
        List<Future<String>> responses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            responses.add(http.request(HttpMethod.GET, port, "127.0.0.1", "/k/" + i)
                    .compose(req -> req.send()).compose(resp -> resp.body().map(Object::toString)));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(Integer.toString(i), await(responses.get(i)));
        }
        List<RequestProfile> profiles = Support.profiles(profiler.recent(), n);
        for (RequestProfile p : profiles) {
            String id = p.request().path().substring(3);
            assertEquals(Set.of("before-" + id, "worker-" + id), Support.names(p.stats()), "request " + id);
        }
        await(http.close());
    }

    @Test
    void twoHundredInterleavedRequestsEachGetOnlyTheirOwnScopes() {
        // Made after the Vertx instance, as applications do.
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput()
                .recentCapacity(2 * REQUESTS).build());
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        Router router = Router.router(server);
        router.route().order(Integer.MIN_VALUE).handler(profiler);
        router.get("/m/:id").handler(rc -> {
            String id = rc.pathParam("id");
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            scoped("handler-" + id, () -> spin(2_000));
            server.executeBlocking(() -> {
                scoped("worker-" + id, () -> spin(5_000));
                return id;
            }).compose(v -> {
                scoped("compose-" + id, () -> spin(1_000));
                Promise<Void> fired = Promise.promise();
                server.setTimer(1 + Integer.parseInt(id) % 7 * 3, t -> {
                    scoped("timer-" + id, () -> spin(1_000));
                    fired.complete();
                });
                return fired.future();
            }).onSuccess(v -> {
                scoped("success-" + id, () -> spin(500));
                inFlight.decrementAndGet();
                rc.response().putHeader("x-id", id).end("done " + id);
            }).onFailure(rc::fail);
        });
        int port = Support.listen(server, router);

        HttpClientAgent http = client.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(REQUESTS));
        List<Future<String>> responses = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            responses.add(http.request(HttpMethod.GET, port, "127.0.0.1", "/m/" + i)
                    .compose(req -> req.send())
                    .compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b)));
        }
        for (int i = 0; i < REQUESTS; i++) {
            assertEquals("200 done " + i, await(responses.get(i)));
        }

        List<RequestProfile> profiles = Support.profiles(profiler.recent(), REQUESTS);
        assertEquals(REQUESTS, profiles.size());
        assertTrue(maxInFlight.get() > 10, "requests did interleave: at most " + maxInFlight.get() + " at once");
        Set<String> seen = new java.util.HashSet<>();
        for (RequestProfile p : profiles) {
            String path = p.request().path();
            assertTrue(path.startsWith("/m/"), path);
            String id = path.substring(3);
            assertTrue(seen.add(id), "one profile per request: " + id);
            assertEquals(200, p.request().status());
            assertEquals(Set.of("handler-" + id, "worker-" + id, "compose-" + id, "timer-" + id, "success-" + id),
                    Support.names(p.stats()), "scopes of request " + id);
            for (Map.Entry<String, Set<String>> t : Support.namesByThread(p.stats()).entrySet()) {
                if (t.getValue().contains("worker-" + id)) {
                    assertTrue(t.getKey().startsWith("vert.x-worker-thread"), t.toString());
                    assertEquals(Set.of("worker-" + id), t.getValue(), "the worker tree holds only the worker hop");
                } else {
                    assertTrue(t.getKey().startsWith("vert.x-eventloop-thread"), t.toString());
                }
            }
            assertEquals(5 + 1, p.stats().totalCalls(), "each scope counted once in request " + id + ", and the root row");
            assertEquals(1, p.stats().row("vertx.handleRequest").totalCalls());
        }
        assertEquals(REQUESTS, seen.size());
        await(http.close());
    }
}
