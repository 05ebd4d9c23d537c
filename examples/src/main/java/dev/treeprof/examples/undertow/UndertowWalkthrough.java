package dev.treeprof.examples.undertow;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.examples.readme.LiveViewerSnippets;
import dev.treeprof.undertow.ProfilerHandler;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestProfile;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The walkthrough's Flask app as an Undertow app, profiled per request by treeprof's
 * {@link ProfilerHandler} (werkzeug's {@code ProfilerMiddleware}):
 * <ul>
 *   <li>{@code GET /}: sleeps a random while (up to 0.1 s, a tenth of the Python original) and
 *       says how long.</li>
 *   <li>{@code GET /recursive}: the recursive example, {@code recurseAndSleep(0)}, 6 levels of
 *       2 ms; the profile shows the recursion as {@code 7/1} calls.</li>
 *   <li>a hostile path, {@code /../../etc/passwd}: answered 404 as usual; its profile is written
 *       under a safe name inside the profile directory.</li>
 * </ul>
 * The app runs behind a {@code BlockingHandler}, Flask's synchronous model: each request moves
 * from Undertow's IO thread to a worker, and its profile still holds both as one request. The
 * profiler sorts by cumulative time and call count and restricts the report to this class's own
 * functions (named after their call sites with {@link Profile#scope()}, as cProfile names Python
 * functions), like {@code ProfilerMiddleware(app, sort_by=('cumtime', 'ncalls'),
 * restrictions=('flaskapp.py',), profile_dir='./profile_output')}.
 *
 * <p>The live viewer is mounted at {@code /treeprof/} beside the app, for this machine only and
 * outside the profiled chain ({@link LiveViewerSnippets#undertow}): open it in a browser to see
 * each request's profile as it ends.
 *
 * <p>It starts on an ephemeral port, sends the requests to itself, prints each report and
 * response, lists the files written and loads one back, then stops. Run it with
 * {@code ./run-example.sh undertow}. Arguments: {@code [profileDir [port]] [--serve]}, where
 * {@code --serve} sends no requests itself: it prints the URL and serves until the process is
 * stopped (Ctrl-C), printing a report per request ({@code ./run-example.sh serve undertow}, then
 * {@code curl http://127.0.0.1:8080/recursive}).
 */
public final class UndertowWalkthrough {

    private static final ScopeName SLEEP = ScopeName.of("<built-in method Thread.sleep>");

    private UndertowWalkthrough() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("profile_output");
        int port = 0;
        boolean serve = false;
        int positional = 0;
        for (String a : args) {
            if (a.equals("--serve")) {
                serve = true;
            } else if (positional++ == 0) {
                dir = Path.of(a);
            } else {
                port = Integer.parseInt(a);
            }
        }
        if (System.getProperty("org.jboss.logging.provider") == null) {
            // Undertow logs through jboss-logging; route it to SLF4J like the rest of the examples.
            System.setProperty("org.jboss.logging.provider", "slf4j");
        }

        ProfilerHandler profiler = ProfilerHandler.wrap(new BlockingHandler(app()), ProfilerOptions.builder()
                .sortBy("cumtime", "calls")
                .restrictions("UndertowWalkthrough")
                .profileDir(dir)
                .maxFiles(50) // the oldest profiles go first; werkzeug keeps every file
                .build());
        Undertow server = Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setHandler(LiveViewerSnippets.undertow(profiler))
                .build();
        server.start();
        CountDownLatch cleanedUp = new CountDownLatch(1);
        try {
            port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
            System.out.println("== Undertow walkthrough app on http://127.0.0.1:" + port + "/, profiles in "
                    + dir.toAbsolutePath());
            System.out.println("== Live viewer of its recent requests: http://127.0.0.1:" + port
                    + LiveViewerSnippets.PATH + " (this machine only)");
            if (serve) {
                serveUntilStopped(port, cleanedUp);
            } else {
                demo(profiler, port);
            }
        } finally {
            server.stop();
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

    /** The application: Flask's routes. */
    static HttpHandler app() {
        return Handlers.routing()
                .get("/", ex -> respond(ex, 200, getHello()))
                .get("/recursive", ex -> respond(ex, 200, getRecursive()))
                .setFallbackHandler(ex -> respond(ex, 404, notFound(ex.getRequestPath())));
    }

    /** Flask's {@code hello}: sleeps a random while and says how long. */
    static String getHello() {
        try (Scope s = Profile.scope()) {
            long start = System.nanoTime();
            long millis = ThreadLocalRandom.current().nextLong(10, 100);
            sleep(millis);
            return String.format("The server slept for %.3f seconds, time taken = %.3f seconds%n",
                    millis / 1000.0, (System.nanoTime() - start) / 1e9);
        }
    }

    /** Flask's {@code get_hello} of the recursive example: 6 recursive calls of 2 ms each. */
    static String getRecursive() {
        try (Scope s = Profile.scope()) {
            long start = System.nanoTime();
            recurseAndSleep(0);
            return String.format("The server slept for 0.002 seconds for 6 recursive calls, time taken = %.3f seconds%n",
                    (System.nanoTime() - start) / 1e9);
        }
    }

    static void recurseAndSleep(int count) {
        try (Scope s = Profile.scope()) {
            if (count == 6) {
                return;
            }
            sleep(2);
            recurseAndSleep(count + 1);
        }
    }

    static String notFound(String path) {
        try (Scope s = Profile.scope()) {
            return "Not Found: " + path + "\n";
        }
    }

    /** Thread.sleep as a scope of its own, like cProfile's {built-in method time.sleep} row. */
    private static void sleep(long millis) {
        try (Scope s = Profile.scope(SLEEP)) {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpServerExchange ex, int status, String body) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        ex.getResponseSender().send(body);
    }

    /** Sends the walkthrough's requests, prints each report and response, lists and loads the files. */
    static void demo(ProfilerHandler profiler, int port) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<String> paths = List.of("/", "/recursive", "/../../etc/passwd");
        int before = profiler.recent().size();
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i);
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            // The report is printed once the exchange is complete, just after the response is sent;
            // wait for it so that report and response print in werkzeug's order.
            waitForProfiles(profiler, before + i + 1);
            System.out.print("GET " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        System.out.println();
        System.out.println("== Profiles kept in memory (newest first) and the files written:");
        Optional<Path> recursive = Optional.empty();
        for (RequestProfile p : profiler.recent().list()) {
            System.out.printf("   #%s %s %s -> %d in %.1f ms on %s%n       %s%n", p.id(), p.request().method(),
                    p.request().path(), p.request().status(), p.request().elapsedMillis(),
                    p.request().threadNames(),
                    p.file().map(Path::toString).orElse("(no file: " + p.fileError().orElse("none asked") + ")"));
            if (recursive.isEmpty() && p.request().path().equals("/recursive")) {
                recursive = p.file();
            }
        }
        if (recursive.isPresent()) {
            Path file = recursive.get();
            System.out.println();
            System.out.println("== " + file.getFileName() + " loaded back, sorted by cumulative time:");
            try {
                Stats.load(file).sortStats("cumtime").printStats("UndertowWalkthrough");
            } catch (IOException | RuntimeException e) {
                System.out.println("Could not load it: " + e);
            }
            System.out.println("Open it with Python too: python3 -c \"import pstats; pstats.Stats('" + file
                    + "').sort_stats('cumtime').print_stats()\"");
        }
        HttpResponse<String> list = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + LiveViewerSnippets.PATH + "api/list"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println();
        System.out.println("== The live viewer's listing (" + LiveViewerSnippets.PATH + "api/list): "
                + LiveViewerSnippets.describeListing(list.statusCode() + " " + list.body())
                + "; requests kept: " + profiler.recent().size());
    }

    private static void waitForProfiles(ProfilerHandler profiler, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (profiler.recent().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
