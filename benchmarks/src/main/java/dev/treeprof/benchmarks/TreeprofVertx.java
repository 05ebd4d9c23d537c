package dev.treeprof.benchmarks;

import dev.treeprof.Binding;
import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.spi.ProfilerProvider;
import dev.treeprof.vertx.VertxProfilerLookup;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.ContextInternal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A scope inside a Vert.x request, with the Vert.x integration's {@link VertxProfilerLookup}
 * installed: the request's profiler is found through its duplicated context on every scope entry.
 *
 * <p>The context is real: a Vert.x HTTP server receives one request over loopback, and its handler
 * binds a started profiler to the duplicated context Vert.x made for that request (what the
 * integration's {@code ProfilerHandler} does) and hands the context out. The benchmark thread then
 * runs with that context current ({@code beginDispatch}, what Vert.x does around every callback),
 * so each scope pays the lookup a handler of the request pays; off the event loop
 * {@code Vertx.currentContext()} is a thread-local read rather than a field read.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = Settings.MICRO_WARMUP_ITERATIONS, time = Settings.MICRO_WARMUP_SECONDS)
@Measurement(iterations = Settings.MICRO_ITERATIONS, time = Settings.MICRO_SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class TreeprofVertx {

    /** A Vert.x server and one served request whose duplicated context carries a started profiler. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Request {
        Vertx vertx;
        HttpServer server;
        ContextInternal requestContext;
        Profiler profiler;
        private volatile Binding binding;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            VertxProfilerLookup.install();
            vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
            profiler = Profile.newProfiler();
            profiler.start();
            CompletableFuture<Context> captured = new CompletableFuture<>();
            server = vertx.createHttpServer().requestHandler(req -> {
                Context ctx = Vertx.currentContext();
                binding = VertxProfilerLookup.attach(ctx, profiler);
                captured.complete(ctx);
                req.response().end("ok");
            }).listen(0, "127.0.0.1").await();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(30)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.actualPort() + "/bench")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("request failed: " + response.statusCode());
            }
            requestContext = (ContextInternal) captured.get(30, TimeUnit.SECONDS);
            if (!requestContext.isDuplicate()) {
                throw new IllegalStateException("the request context is not a duplicated context");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            binding.close();
            ProfilerProvider.current().removeLookup(VertxProfilerLookup.instance());
            profiler.disable();
            server.close().await();
            vertx.close().await();
        }
    }

    /** Proves the scopes went to the request's profiler (a benchmark of a no-op path would lie). */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class MustRecord {
        private Request request;

        @Setup(Level.Trial)
        public void remember(Request request) {
            this.request = request;
        }

        @TearDown(Level.Trial)
        public void check() {
            if (request.profiler.stats().totalCalls() == 0) {
                throw new IllegalStateException("nothing was recorded in the request's profiler");
            }
        }
    }

    /** Makes the request's context current on the benchmark thread for one iteration. */
    @State(org.openjdk.jmh.annotations.Scope.Thread)
    public static class OnRequestContext {
        private ContextInternal context;
        private ContextInternal previous;

        @Setup(Level.Iteration)
        public void begin(Request request) {
            context = request.requestContext;
            previous = context.beginDispatch();
            if (Vertx.currentContext() != context || VertxProfilerLookup.instance().current() != request.profiler) {
                throw new IllegalStateException("the request's profiler is not current");
            }
        }

        @TearDown(Level.Iteration)
        public void end() {
            context.endDispatch(previous);
        }
    }

    @Benchmark
    public void scopeInRequest(Request request, OnRequestContext current, MustRecord check) {
        try (Scope s = Profile.scope(TreeprofScope.NAME)) {
        }
    }

    /** The lookup alone, to attribute the cost above. */
    @Benchmark
    public Profiler lookupOnly(Request request, OnRequestContext current) {
        return VertxProfilerLookup.instance().current();
    }
}
