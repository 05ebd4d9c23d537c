package dev.treeprof.vertx;

import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link Vertx4CompatibilityTest} in a JVM whose class path holds Vert.x 4.5 instead of 5.
 * Compiled against Vert.x 5, so it sticks to the API both majors share (as the integration does),
 * and talks HTTP with the JDK client. Builds the {@code Vertx} before touching treeprof.
 */
public final class Vertx4Probe {

    private static final int REQUESTS = 30;

    private Vertx4Probe() {
    }

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
        System.out.println("vertx-core from " + Vertx.class.getProtectionDomain().getCodeSource().getLocation());
        int code = 1;
        try {
            code = run(vertx);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
        System.exit(code);
    }

    private static int run(Vertx vertx) throws Exception {
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().build());
        Router router = Router.router(vertx);
        router.route().handler(profiler);
        List<Boolean> slots = new java.util.concurrent.CopyOnWriteArrayList<>();
        Support.markerRoute(vertx, router, () -> slots.add(ContextProfilers.usesSlot(Vertx.currentContext())));
        ProfilingRequestHandler plain = ProfilingRequestHandler.wrap(req -> vertx.setTimer(2, t -> {
            Support.scoped("plain", () -> Support.spin(1_000));
            req.response().end("plain");
        }), ProfilerOptions.builder().noOutput().build());
        int port = vertx.createHttpServer().requestHandler(router).listen(0)
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).actualPort();
        int plainPort = vertx.createHttpServer().requestHandler(plain).listen(0)
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).actualPort();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            all.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/m/" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        all.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plainPort + "/p")).build(),
                HttpResponse.BodyHandlers.ofString()));
        for (CompletableFuture<HttpResponse<String>> r : all) {
            r.get(30, TimeUnit.SECONDS);
        }
        int good = 0;
        for (RequestProfile p : Support.profiles(profiler.recent(), REQUESTS)) {
            String id = p.request().path().substring(3);
            if (Support.names(p.stats()).equals(Set.of("handler-" + id, "worker-" + id, "timer-" + id))) {
                good++;
            } else {
                System.out.println("wrong scopes for " + id + ": " + Support.names(p.stats()));
            }
        }
        Set<String> plainNames = Support.names(Support.profileOf(plain.recent(), "/p").stats());
        boolean allSlot = slots.size() == REQUESTS && !slots.contains(false);
        System.out.println("vertx4: slot=" + allSlot + " good=" + good + "/" + REQUESTS + " plain=" + plainNames
                + " bound=" + ContextProfilers.bound());
        return good == REQUESTS && plainNames.equals(Set.of("plain")) ? 0 : 1;
    }
}
