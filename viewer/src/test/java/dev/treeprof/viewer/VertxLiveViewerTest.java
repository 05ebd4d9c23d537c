package dev.treeprof.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.treeprof.vertx.ProfilerHandler;
import dev.treeprof.viewer.vertx.VertxViewer;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RecentProfiles;
import dev.treeprof.web.RequestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The live viewer in a real Vert.x application, mounted as {@link VertxViewer}'s documentation shows. */
class VertxLiveViewerTest extends LiveViewerContract {

    @Override
    App start() {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(4));
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().recentCapacity(CAPACITY).build());
        Router router = Router.router(vertx);
        // the viewer before the profiler, behind the application's own access check: its requests
        // end there and are not profiled
        router.route(MOUNT + "/*").order(-2).handler(rc -> {
            if (authorized(rc.request().getHeader("Cookie"))) {
                rc.next();
            } else {
                rc.response().setStatusCode(403).end("forbidden");
            }
        }).handler(VertxViewer.of(profiler.recent()));
        router.route().order(-1).handler(profiler);
        router.get("/work").handler(rc -> {
            work(Integer.parseInt(rc.queryParams().get("n")));
            rc.response().end("worked");
        });
        router.route().handler(rc -> rc.response().setStatusCode(404).end("not found"));
        int port;
        try {
            port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
        } catch (Exception e) {
            vertx.close();
            throw new AssertionError("the server did not start", e);
        }
        return new App() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public RecentProfiles recent() {
                return profiler.recent();
            }

            @Override
            public void close() {
                try {
                    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("Vert.x did not stop", e);
                }
            }
        };
    }

    @Test
    void onASubRouterTheMountPointIsTheSubRoutersPrefix() throws Exception {
        RequestProfile work = request("/work?n=2", 200);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
        try {
            Router admin = Router.router(vertx);
            admin.route("/treeprof/*").handler(VertxViewer.of(app.recent()));
            Router root = Router.router(vertx);
            root.route("/ops/*").subRouter(admin);
            int port = vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
            String base = "http://127.0.0.1:" + port;
            HttpResponse<String> redirect = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/ops/treeprof")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(302, redirect.statusCode(), redirect.body());
            assertEquals(URI.create(base + "/ops/treeprof/"),
                    URI.create(base + "/ops/treeprof").resolve(redirect.headers().firstValue("Location").orElseThrow()));
            HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/ops/treeprof/api/list")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, list.statusCode(), list.body());
            assertNotNull(entry(JSON.readTree(list.body()), work.id()), list.body());
            assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(base + "/ops/treeprof/static/app.js")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
