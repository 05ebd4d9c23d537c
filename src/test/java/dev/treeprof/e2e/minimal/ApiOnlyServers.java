package dev.treeprof.e2e.minimal;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.spi.ProfilerProvider;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RecentProfiles;
import dev.treeprof.web.RequestProfile;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@code ApiOnlyIntegrationTest} in a JVM whose class path has the API, the integrations and
 * {@link MinimalProvider}, but no treeprof-impl: serves one request through each middleware and
 * prints what the middleware made of it, one fact a line.
 */
public final class ApiOnlyServers {

    private ApiOnlyServers() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        System.out.println("PROVIDER " + ProfilerProvider.current().getClass().getName());
        try {
            Class.forName("dev.treeprof.impl.TreeprofProvider");
            System.out.println("IMPL present");
        } catch (ClassNotFoundException e) {
            System.out.println("IMPL absent");
        }
        HttpClient client = HttpClient.newHttpClient();

        List<String> undertowReports = new CopyOnWriteArrayList<>();
        HttpHandler app = ex -> {
            try (Scope s = Profile.scope("undertow-app")) {
                if (ex.isInIoThread()) {
                    ex.dispatch(() -> {
                        try (Scope w = Profile.scope("undertow-worker")) {
                            ex.getResponseSender().send("u");
                        }
                    });
                }
            }
        };
        dev.treeprof.undertow.ProfilerHandler undertowProfiler = dev.treeprof.undertow.ProfilerHandler.wrap(app,
                ProfilerOptions.builder().output(undertowReports::add).profileDir(dir.resolve("undertow"))
                        .filenameFormat("{method}.{path}.json").build());
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(undertowProfiler).build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        get(client, port, "/u");
        report("undertow", undertowProfiler.recent(), undertowReports);
        server.stop();

        List<String> vertxReports = new CopyOnWriteArrayList<>();
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        dev.treeprof.vertx.ProfilerHandler vertxProfiler = dev.treeprof.vertx.ProfilerHandler.create(
                ProfilerOptions.builder().output(vertxReports::add).profileDir(dir.resolve("vertx"))
                        .filenameFormat("{method}.{path}.json").build());
        router.route().order(Integer.MIN_VALUE).handler(vertxProfiler);
        router.get("/v").handler(rc -> {
            try (Scope s = Profile.scope("vertx-app")) {
                vertx.executeBlocking(() -> {
                    try (Scope b = Profile.scope("vertx-blocking")) {
                        return "v";
                    }
                }).onSuccess(body -> rc.response().end(body));
            }
        });
        int vport = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
        get(client, vport, "/v");
        report("vertx", vertxProfiler.recent(), vertxReports);
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.out.println("DONE");
    }

    private static void get(HttpClient client, int port, String path) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println("RESPONSE " + path + " " + r.statusCode() + " " + r.body());
    }

    private static void report(String name, RecentProfiles recent, List<String> reports) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (recent.size() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        RequestProfile p = recent.list().get(0);
        p.whenWritten().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.out.println("STATS " + name + " " + p.stats().getClass().getSimpleName());
        TreeSet<String> labels = new TreeSet<>();
        p.stats().rows().forEach(r -> labels.add(r.label()));
        System.out.println("ROWS " + name + " " + labels);
        System.out.println("META " + name + " " + p.stats().metadata().get("request.method") + " "
                + p.stats().metadata().get("request.path") + " " + p.stats().metadata().get("request.status"));
        System.out.println("REPORT " + name + " " + reports.get(0).lines().skip(1).findFirst().orElse(""));
        System.out.println("FILE " + name + " " + Files.readAllLines(p.file().orElseThrow()).get(0));
    }
}
