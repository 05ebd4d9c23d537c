package dev.treeprof.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.vertx.ProfilerHandler;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestProfile;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Vert.x handlers on virtual threads (JDK 21+; the project's CI runs this module again on JDK 25,
 * and on JDK 17 the test is skipped): a handler that ends its response and then awaits more work
 * keeps its virtual thread busy while the context runs other events. The request's profile ends
 * with the response there, not when the handler finally returns.
 */
@Timeout(60)
class VertxVirtualThreadsTest {

    private static final ScopeName BEFORE = ScopeName.of("before_response");
    private static final ScopeName AFTER = ScopeName.of("after_response");

    @Test
    void aHandlerAwaitingAfterItsResponseDoesNotHoldTheProfileOpen() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+; CI runs this on JDK 25");
        Vertx vertx = Vertx.vertx();
        try {
            ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().build());
            CountDownLatch handlerReturned = new CountDownLatch(1);
            Router router = Router.router(vertx);
            router.route().order(Integer.MIN_VALUE).handler(profiler);
            router.get("/vt").handler(rc -> {
                try (Scope s = Profile.scope(BEFORE)) {
                    Thread.onSpinWait();
                }
                rc.response().end("ok");
                Future.await(vertx.timer(2_000)); // the virtual thread waits; the context goes on
                try (Scope s = Profile.scope(AFTER)) {
                    Thread.onSpinWait();
                }
                handlerReturned.countDown();
            });
            AtomicInteger port = new AtomicInteger();
            vertx.deployVerticle(new AbstractVerticle() {
                @Override
                public void start(Promise<Void> started) {
                    vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                            .onSuccess(s -> {
                                port.set(s.actualPort());
                                started.complete();
                            })
                            .onFailure(started::fail);
                }
            }, new DeploymentOptions().setThreadingModel(ThreadingModel.VIRTUAL_THREAD))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + "/vt")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("ok", response.body());

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (profiler.recent().size() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, profiler.recent().size(), "the profile ended");
            assertEquals(1, handlerReturned.getCount(), "while the handler still waited after its response");
            RequestProfile p = profiler.recent().list().get(0);
            assertEquals(200, p.request().status());
            List<String> names = p.stats().rows().stream().map(StatsRow::label).collect(Collectors.toList());
            assertTrue(names.contains(BEFORE.label()), names.toString());
            assertFalse(names.contains(AFTER.label()), "work after the response is not the request's: " + names);
            assertTrue(handlerReturned.await(30, TimeUnit.SECONDS));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
