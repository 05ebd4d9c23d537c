package dev.treeprof.benchmarks.load;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RecentProfiles;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The server {@code benchmarks/load.sh} drives with wrk: a small endpoint (three nested scopes
 * around a little hashing) on Undertow (handler on the IO thread, {@code getResponseSender().send})
 * or Vert.x (vertx-web, two event loops), in one profiling mode per JVM:
 * <ul>
 *   <li>{@code off}: no profiler handler at all (the baseline);</li>
 *   <li>{@code memory}: every request profiled and kept in memory, no report, no file;</li>
 *   <li>{@code report}: werkzeug's report printed for every request, to a null stream;</li>
 *   <li>{@code prof}: a {@code .prof} file per request (retention at its defaults);</li>
 *   <li>{@code sampled}: 1% of requests profiled, with files.</li>
 * </ul>
 * {@code GET /_heap} answers the heap in use after a full GC, the recent profiles, the dropped
 * outputs and the profiles ended so far, as {@code used=N recent=N dropped=N ended=N}: the script
 * reads it after the load. {@code GET /_stats} answers, without a GC, the process's CPU time, the
 * bytes allocated by all threads, the CPU time of treeprof's writer threads, the profiles ended
 * and the outputs dropped so far, as {@code cpu=NANOS alloc=BYTES writer=NANOS ended=N dropped=N}:
 * read before and after a run, they give CPU and allocation per request and writer CPU per output ({@code benchmarks/ab.sh}), figures that a
 * noisy shared machine disturbs far less than requests per second.
 *
 * <p>Usage: {@code LoadServer undertow|vertx off|memory|report|prof|sampled PORT DIR}
 */
public final class LoadServer {

    private static final ScopeName HANDLE = ScopeName.of("load.handle");
    private static final ScopeName COMPUTE = ScopeName.of("load.compute");
    private static final ScopeName HASH = ScopeName.of("load.hash");

    private LoadServer() {
    }

    /** The endpoint's work: three nested scopes around about a microsecond of hashing. */
    static String work(String path) {
        try (Scope a = Profile.scope(HANDLE)) {
            try (Scope b = Profile.scope(COMPUTE)) {
                try (Scope c = Profile.scope(HASH)) {
                    long h = 1125899906842597L;
                    for (int round = 0; round < 64; round++) {
                        for (int i = 0; i < path.length(); i++) {
                            h = 31 * h + path.charAt(i) + round;
                        }
                        h ^= h >>> 29;
                    }
                    return Long.toHexString(h);
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: LoadServer undertow|vertx off|memory|report|prof|sampled PORT DIR");
            System.exit(2);
        }
        String framework = args[0];
        String mode = args[1];
        int port = Integer.parseInt(args[2]);
        Path dir = Path.of(args[3]);
        ProfilerOptions options = options(mode, dir);
        Supplier<RecentProfiles> recent;
        if (framework.equals("undertow")) {
            recent = undertow(options, port);
        } else if (framework.equals("vertx")) {
            recent = vertx(options, port);
        } else {
            throw new IllegalArgumentException("framework: undertow or vertx, not " + framework);
        }
        System.out.println("LoadServer " + framework + " " + mode + " listening on 127.0.0.1:" + port);
        HEAP_REPORT[0] = recent;
        Thread.currentThread().join();
    }

    @SuppressWarnings("unchecked")
    private static final Supplier<RecentProfiles>[] HEAP_REPORT = new Supplier[1];

    /** What {@code /_heap} answers. */
    static String heap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long used = memory.getHeapMemoryUsage().getUsed();
        RecentProfiles r = HEAP_REPORT[0] == null ? null : HEAP_REPORT[0].get();
        // ids are sequential: the newest one counts the profiles ended so far
        long ended = r == null || r.list().isEmpty() ? 0 : Long.parseLong(r.list().get(0).id());
        return String.format(Locale.ROOT, "used=%d recent=%d dropped=%d ended=%d", used, r == null ? 0 : r.size(),
                r == null ? 0 : r.droppedOutputs(), ended);
    }

    /**
     * What {@code /_stats} answers: CPU time of the process, bytes allocated by all threads, CPU
     * time of treeprof's writer threads, profiles ended and outputs dropped, so far.
     */
    static String stats() {
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long alloc = threads.getTotalThreadAllocatedBytes();
        long writer = 0;
        for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("treeprof-writer")) {
                writer += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        RecentProfiles r = HEAP_REPORT[0] == null ? null : HEAP_REPORT[0].get();
        long ended = r == null || r.list().isEmpty() ? 0 : Long.parseLong(r.list().get(0).id());
        return String.format(Locale.ROOT, "cpu=%d alloc=%d writer=%d ended=%d dropped=%d", cpu, alloc, writer, ended,
                r == null ? 0 : r.droppedOutputs());
    }

    private static ProfilerOptions options(String mode, Path dir) {
        switch (mode) {
            case "off":
                return null;
            case "memory":
                return ProfilerOptions.builder().noOutput().build();
            case "report":
                return ProfilerOptions.builder().stream(new PrintStream(OutputStream.nullOutputStream())).build();
            case "prof":
                return ProfilerOptions.builder().noOutput().profileDir(dir).build();
            case "sampled":
                return ProfilerOptions.builder().noOutput().profileDir(dir).sampleRate(0.01).build();
            case "sampled-nofiles":
                return ProfilerOptions.builder().noOutput().sampleRate(0.01).build();
            case "none-sampled":
                return ProfilerOptions.builder().noOutput().sampleRate(0).build();
            default:
                throw new IllegalArgumentException("mode: off, memory, report, prof or sampled, not " + mode);
        }
    }

    private static Supplier<RecentProfiles> undertow(ProfilerOptions options, int port) {
        HttpHandler app = ex -> {
            if (ex.getRequestPath().equals("/_stats")) {
                ex.getResponseSender().send(stats());
                return;
            }
            if (ex.getRequestPath().equals("/_heap")) {
                ex.dispatch(() -> ex.getResponseSender().send(heap()));
                return;
            }
            ex.getResponseSender().send(work(ex.getRequestPath()));
        };
        dev.treeprof.undertow.ProfilerHandler profiled = options == null ? null
                : dev.treeprof.undertow.ProfilerHandler.wrap(app, options);
        Undertow server = Undertow.builder().addHttpListener(port, "127.0.0.1")
                .setHandler(profiled == null ? app : profiled).build();
        server.start();
        return () -> profiled == null ? null : profiled.recent();
    }

    private static Supplier<RecentProfiles> vertx(ProfilerOptions options, int port) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        Router router = Router.router(vertx);
        dev.treeprof.vertx.ProfilerHandler profiled = options == null ? null
                : dev.treeprof.vertx.ProfilerHandler.create(options);
        if (profiled != null) {
            router.route().order(Integer.MIN_VALUE).handler(profiled);
        }
        router.get("/_heap").blockingHandler(rc -> rc.response().end(heap()));
        router.get("/_stats").handler(rc -> rc.response().end(stats()));
        router.get("/*").handler(rc -> rc.response().end(work(rc.request().path())));
        // One server verticle per event loop, as Vert.x applications scale over cores. Servers
        // created from this (non-Vert.x) thread would all share its one sticky context, and so
        // one event loop: only verticle instances get an event loop each.
        vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
            }
        }, new DeploymentOptions().setInstances(2)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return () -> profiled == null ? null : profiled.recent();
    }
}
