package dev.treeprof.examples.vertx;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.examples.readme.LiveViewerSnippets;
import dev.treeprof.vertx.ProfilerHandler;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestProfile;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The cProfile walkthrough as a Vert.x web app, profiled per request by treeprof's
 * {@link ProfilerHandler} (werkzeug's {@code ProfilerMiddleware}):
 * <ul>
 *   <li>{@code GET /}: the first example, {@code let_me_sleep(i / 100)} for i in 0..4, but sleeping
 *       on a Vert.x timer instead of blocking the event loop. Each {@code let_me_sleep} only sets a
 *       timer, so it costs next to nothing; the waits show in the request's elapsed time (the file
 *       name), and the timer callbacks ({@code woke_up}) still land in this request's profile.</li>
 *   <li>{@code GET /recursive}: the recursive example, {@code recurse_and_sleep(0)}, run with
 *       {@code executeBlocking} on a worker thread, where blocking is allowed: the profile shows the
 *       recursion as {@code 7/1} calls, recorded on the worker.</li>
 *   <li>a hostile path, {@code /../../etc/passwd}: answered 404 as usual; its profile file is named
 *       safely inside the profile directory.</li>
 * </ul>
 * The app starts on an ephemeral port, sends these requests to itself, prints each response and
 * each werkzeug-style report (sorted by cumulative time, restricted to rows matching "sleep"),
 * lists the files written to {@code profile_output/} (or the directory given as argument), and
 * stops. Run with {@code ./run-example.sh vertx}. Arguments: {@code [profileDir [port]] [--serve]},
 * where {@code --serve} sends no requests itself: it prints the URL and serves until the process
 * is stopped (Ctrl-C), printing a report per request ({@code ./run-example.sh serve vertx}, then
 * {@code curl http://127.0.0.1:8080/recursive}). Either way the live viewer at {@code /treeprof/}
 * shows the recent requests' profiles in a browser on this machine.
 */
public final class VertxWalkthrough {

    private static final ScopeName LET_ME_SLEEP = ScopeName.of("let_me_sleep");
    private static final ScopeName WOKE_UP = ScopeName.of("woke_up");
    private static final ScopeName RECURSE_AND_SLEEP = ScopeName.of("recurse_and_sleep");
    private static final ScopeName SLEEP = ScopeName.of("<built-in method Thread.sleep>");
    private static final ScopeName NOT_FOUND = ScopeName.of("not_found");

    private VertxWalkthrough() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("profile_output");
        int listenPort = 0;
        boolean serve = false;
        int positional = 0;
        for (String a : args) {
            if (a.equals("--serve")) {
                serve = true;
            } else if (positional++ == 0) {
                out = Path.of(a);
            } else {
                listenPort = Integer.parseInt(a);
            }
        }
        Vertx vertx = Vertx.vertx();
        CountDownLatch cleanedUp = new CountDownLatch(1);
        try {
            ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder()
                    .sortBy("cumtime", "calls")
                    .restrictions("sleep")
                    .profileDir(out)
                    .build());
            int port = await(vertx.createHttpServer().requestHandler(app(vertx, profiler))
                    .listen(listenPort, "127.0.0.1")).actualPort();
            System.out.println("== Vert.x walkthrough app on http://127.0.0.1:" + port + "/, profiles in "
                    + out.toAbsolutePath());
            System.out.println("== Live viewer of its recent requests: http://127.0.0.1:" + port
                    + LiveViewerSnippets.PATH + " (this machine only)");
            if (serve) {
                serveUntilStopped(port, cleanedUp);
                return;
            }
            HttpClient client = vertx.createHttpClient();
            List<String> paths = List.of("/", "/recursive", "/../../etc/passwd");
            for (int i = 0; i < paths.size(); i++) {
                String path = paths.get(i);
                String response = await(client.request(HttpMethod.GET, port, "127.0.0.1", path)
                        .compose(req -> req.send())
                        .compose(resp -> resp.body().map(body -> resp.statusCode() + " " + body)));
                System.out.println("== GET " + path + " -> " + response);
                waitForProfiles(profiler, i + 1);   // its report is printed by now
            }
            System.out.println("== Files written:");
            for (RequestProfile p : profiler.recent().list()) {
                System.out.println("   " + p.request().method() + " " + p.request().path() + " -> "
                        + p.file().map(Path::toString).orElse("(none: " + p.fileError().orElse("?") + ")"));
            }
            System.out.println("Open one with: python3 -c \"import pstats, sys; "
                    + "pstats.Stats(sys.argv[1]).sort_stats('cumtime').print_stats()\" <file>");
            String list = await(client.request(HttpMethod.GET, port, "127.0.0.1", LiveViewerSnippets.PATH + "api/list")
                    .compose(req -> req.send())
                    .compose(resp -> resp.body().map(body -> resp.statusCode() + " " + body)));
            System.out.println("== The live viewer's listing (" + LiveViewerSnippets.PATH + "api/list): "
                    + LiveViewerSnippets.describeListing(list) + "; requests kept: " + profiler.recent().size());
        } finally {
            await(vertx.close());
            if (serve) {
                System.out.println("== Stopped");
                System.out.flush();
            }
            cleanedUp.countDown();
        }
    }

    /**
     * Prints the URL and blocks until the process is asked to stop (Ctrl-C, SIGTERM); the shutdown
     * hook then waits for the caller's cleanup (stopping the server) before the JVM halts.
     */
    private static void serveUntilStopped(int port, CountDownLatch cleanedUp) throws InterruptedException {
        String url = "http://127.0.0.1:" + port;
        System.out.println("== Serving " + url + "/ until Ctrl-C; each request prints its report here. Try:");
        System.out.println("   curl " + url + "/");
        System.out.println("   curl " + url + "/recursive");
        System.out.println("   and open " + url + LiveViewerSnippets.PATH + " in a browser: the live viewer");
        System.out.flush();
        CountDownLatch stopRequested = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopRequested.countDown();
            try {
                cleanedUp.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stop-server"));
        stopRequested.await();
    }

    /**
     * The application, with the profiler mounted first; only the live viewer at {@code /treeprof/}
     * comes before it (for this machine only, and not profiled: {@link LiveViewerSnippets#vertx}).
     */
    static Router app(Vertx vertx, ProfilerHandler profiler) {
        Router router = Router.router(vertx);
        LiveViewerSnippets.vertx(router, profiler);
        router.get("/").handler(rc -> {
            Future<Void> chain = Future.succeededFuture();
            for (int i = 0; i < 5; i++) {
                long millis = i * 10L;
                chain = chain.compose(v -> letMeSleep(vertx, millis));
            }
            chain.onSuccess(v -> rc.response().end("slept five times\n")).onFailure(rc::fail);
        });
        router.get("/recursive").handler(rc -> vertx.executeBlocking(() -> {
            recurseAndSleep(0);
            return "recursed six levels\n";
        }).onSuccess(body -> rc.response().end(body)).onFailure(rc::fail));
        router.route().handler(rc -> {
            try (Scope s = Profile.scope(NOT_FOUND)) {
                rc.response().setStatusCode(404).end("no such page\n");
            }
        });
        return router;
    }

    /** Python's {@code time.sleep(secs)} without blocking the event loop: a timer, as a future. */
    static Future<Void> letMeSleep(Vertx vertx, long millis) {
        try (Scope s = Profile.scope(LET_ME_SLEEP)) {
            Promise<Void> woke = Promise.promise();
            vertx.setTimer(Math.max(1, millis), id -> {
                try (Scope w = Profile.scope(WOKE_UP)) {
                    woke.complete();
                }
            });
            return woke.future();
        }
    }

    /** The recursive example: 6 levels of 2 ms, blocking, so run on a worker. */
    static void recurseAndSleep(int count) {
        try (Scope s = Profile.scope(RECURSE_AND_SLEEP)) {
            if (count == 6) {
                return;
            }
            try (Scope z = Profile.scope(SLEEP)) {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            recurseAndSleep(count + 1);
        }
    }

    private static void waitForProfiles(ProfilerHandler profiler, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (profiler.recent().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
