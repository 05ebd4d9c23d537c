package dev.treeprof.vertx;

import static org.junit.jupiter.api.Assertions.fail;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.ThreadTree;
import dev.treeprof.CallNode;
import dev.treeprof.web.RecentProfiles;
import dev.treeprof.web.RequestProfile;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Helpers for the tests: a Vert.x server on an ephemeral port, raw HTTP, waiting, reading trees. */
final class Support {

    /** Generous: the machine is small and shared. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Support() {
    }

    /** A Vertx with one event loop, so that concurrent requests interleave on one thread. */
    static Vertx oneEventLoop() {
        return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(4));
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("Vert.x future did not complete: " + e, e);
        }
    }

    /** Starts a server on an ephemeral port; returns the port. */
    static int listen(Vertx vertx, Handler<HttpServerRequest> handler) {
        HttpServer server = await(vertx.createHttpServer().requestHandler(handler).listen(0, "127.0.0.1"));
        return server.actualPort();
    }

    /** A Vert.x timer as a future. */
    static Future<Long> timer(Vertx vertx, long millis) {
        Promise<Long> p = Promise.promise();
        vertx.setTimer(Math.max(1, millis), p::complete);
        return p.future();
    }

    /**
     * The probes' app: {@code GET /m/:id} leaves the id as a marker scope in the handler, in an
     * {@code executeBlocking} worker and in a timer set after it, then answers the id.
     * {@code onRequest} runs first, in the request's handler.
     */
    static void markerRoute(Vertx vertx, io.vertx.ext.web.Router router, Runnable onRequest) {
        router.get("/m/:id").handler(rc -> {
            String id = rc.pathParam("id");
            onRequest.run();
            scoped("handler-" + id, () -> spin(1_000));
            vertx.executeBlocking(() -> {
                scoped("worker-" + id, () -> spin(1_000));
                return id;
            }).compose(x -> {
                Promise<Long> t = Promise.promise();
                vertx.setTimer(1 + Integer.parseInt(id) % 5, tid -> {
                    scoped("timer-" + id, () -> spin(1_000));
                    t.complete(tid);
                });
                return t.future();
            }).onSuccess(x -> rc.response().end(id));
        });
    }

    /** Runs code in a scope of this name. */
    static void scoped(String name, Runnable body) {
        try (Scope s = Profile.scope(ScopeName.of(name))) {
            body.run();
        }
    }

    /** Busy work that shows up in the times without sleeping on an event loop. */
    static long spin(int rounds) {
        long x = 17;
        for (int i = 0; i < rounds; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    /** One HTTP/1.1 request over a raw socket, with the request target sent byte for byte; the whole response. */
    static String raw(int port, String method, String target) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** The status code of a raw response. */
    static int status(String rawResponse) {
        String[] first = rawResponse.split("\r\n", 2)[0].split(" ");
        return Integer.parseInt(first[1]);
    }

    static void waitFor(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }

    /** Waits until the handler has kept n profiles; returns them oldest first. */
    static List<RequestProfile> profiles(RecentProfiles recent, int n) {
        waitFor(n + " profiles (have " + recent.size() + ")", () -> recent.size() >= n);
        List<RequestProfile> list = new ArrayList<>(recent.list());
        list.sort(Comparator.comparingLong(p -> Long.parseLong(p.id())));
        list.forEach(Support::written);
        return list;
    }

    /** The profile of the request to this path; fails when there is none or several. */
    static RequestProfile profileOf(RecentProfiles recent, String path) {
        waitFor("the profile of " + path, () -> recent.list().stream().anyMatch(p -> p.request().path().equals(path)));
        List<RequestProfile> found = recent.list().stream().filter(p -> p.request().path().equals(path)).toList();
        if (found.size() != 1) {
            fail(found.size() + " profiles of " + path + ": " + found);
        }
        return written(found.get(0));
    }

    /** The profile once its report and file are done: they are made in the background. */
    static RequestProfile written(RequestProfile p) {
        try {
            return p.whenWritten().toCompletableFuture().get(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the report and file of " + p + " were not done", e);
        }
    }

    /**
     * The application's scope names recorded, by thread name, for the threads that recorded any;
     * the integration's own root row ({@code vertx.handleRequest}, present in every profile) is
     * left out, and checked apart.
     */
    static Map<String, Set<String>> namesByThread(Stats stats) {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        for (ThreadTree t : stats.callTree().threads()) {
            Set<String> names = new TreeSet<>();
            collect(t.root(), names, true);
            if (!names.isEmpty()) {
                m.computeIfAbsent(t.threadName(), k -> new TreeSet<>()).addAll(names);
            }
        }
        return m;
    }

    /** Every scope name recorded. */
    static Set<String> names(Stats stats) {
        Set<String> all = new TreeSet<>();
        namesByThread(stats).values().forEach(all::addAll);
        return all;
    }

    private static void collect(CallNode node, Set<String> into, boolean root) {
        if (!root && !node.name().equals(VertxProfiling.HANDLE_REQUEST)) {
            into.add(node.name().function());
        }
        for (CallNode c : node.children()) {
            collect(c, into, false);
        }
    }
}
