package dev.treeprof.undertow;

import static dev.treeprof.undertow.TestServer.awaitProfiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestProfile;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Concurrent requests, each recording scopes of its own name, never mix. */
@Timeout(120)
class ConcurrencyTest {

    private static final int REQUESTS = 50;
    private static final int WORKERS = 4;

    private static ScopeName ioName(int i) {
        return ScopeName.of("app/Concurrent.java", 1, "io_" + i);
    }

    private static ScopeName workerName(int i) {
        return ScopeName.of("app/Concurrent.java", 2, "worker_" + i);
    }

    @Test
    void fiftyConcurrentRequestsNeverMix() throws Exception {
        // The first WORKERS dispatched requests wait for each other inside their scopes, so at least
        // that many requests are provably in flight on different workers at the same moment.
        CountDownLatch together = new CountDownLatch(WORKERS);
        HttpHandler app = new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange ex) throws Exception {
                int i = Integer.parseInt(ex.getRequestPath().substring("/req/".length()));
                if (ex.isInIoThread()) {
                    // All requests share Undertow's single IO thread, one after the other.
                    try (Scope s = Profile.scope(ioName(i))) {
                        if (i % 5 == 0) {
                            ex.getResponseSender().send(Integer.toString(i));
                        } else {
                            ex.dispatch(this);
                        }
                    }
                    return;
                }
                try (Scope s = Profile.scope(workerName(i))) {
                    together.countDown();
                    together.await(30, TimeUnit.SECONDS);
                    for (int k = 0; k < i % 4; k++) {
                        try (Scope inner = Profile.scope(workerName(i))) {
                            Thread.sleep(1);
                        }
                    }
                    ex.getResponseSender().send(Integer.toString(i));
                }
            }
        };
        ProfilerHandler handler = ProfilerHandler.wrap(app, ProfilerOptions.builder()
                .noOutput()
                .recentCapacity(REQUESTS)
                .build());
        try (TestServer server = TestServer.start(handler)) {
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                responses.add(TestServer.CLIENT.sendAsync(HttpRequest.newBuilder(server.uri("/req/" + i))
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < REQUESTS; i++) {
                HttpResponse<String> r = responses.get(i).get(90, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode());
                assertEquals(Integer.toString(i), r.body());
            }
            assertEquals(0, together.getCount(), "the workers never ran requests side by side");

            List<RequestProfile> profiles = awaitProfiles(handler.recent(), REQUESTS);
            assertEquals(REQUESTS, profiles.size());
            Set<String> paths = new HashSet<>();
            for (RequestProfile p : profiles) {
                String path = p.request().path();
                assertTrue(paths.add(path), "two profiles for " + path);
                int i = Integer.parseInt(path.substring("/req/".length()));
                String table = p.stats().formatStats();
                for (StatsRow row : p.stats().rows()) {
                    String fn = row.function().function();
                    if (fn.startsWith("io_") || fn.startsWith("worker_")) {
                        assertTrue(fn.endsWith("_" + i), path + " holds a scope of another request:\n" + table);
                    }
                }
                StatsRow io = p.stats().row(ioName(i).label());
                assertNotNull(io, table);
                assertEquals(1, io.totalCalls(), table);
                StatsRow worker = p.stats().row(workerName(i).label());
                if (i % 5 == 0) {
                    assertEquals(null, worker, table);
                    assertEquals(1, p.request().threadNames().size(), table);
                } else {
                    assertNotNull(worker, table);
                    // The outer scope plus i % 4 recursive ones: "n/1" in pstats' terms.
                    assertEquals(1 + i % 4, worker.totalCalls(), table);
                    assertEquals(1, worker.primitiveCalls(), table);
                    assertEquals(2, p.request().threadNames().size(), table);
                }
            }
            assertEquals(REQUESTS, paths.size());
        }
    }
}
