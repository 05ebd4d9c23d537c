package dev.treeprof.undertow;

import static dev.treeprof.undertow.TestServer.awaitProfiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Binding;
import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestInfo;
import dev.treeprof.web.RequestProfile;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.SameThreadExecutor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request's profile covers the whole exchange, whatever thread does the work: the IO thread,
 * a dispatched worker, a foreign pool; and it ends when the exchange completes.
 */
@Timeout(90)
class DispatchTest {

    static final ScopeName IO_PART = ScopeName.of("app/Dispatch.java", 1, "onIoThread");
    static final ScopeName WORKER_PART = ScopeName.of("app/Dispatch.java", 2, "onWorker");
    static final ScopeName SECOND_PART = ScopeName.of("app/Dispatch.java", 3, "dispatchedAgain");
    static final ScopeName FOREIGN_PART = ScopeName.of("app/Dispatch.java", 4, "onForeignPool");
    static final ScopeName SLEEP = ScopeName.of("<built-in method Thread.sleep>");
    static final String HANDLE = "undertow.handleRequest";
    static final String DISPATCH = "undertow.dispatch";

    private final AtomicInteger poolThreads = new AtomicInteger();
    private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "foreign-" + poolThreads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    private static ProfilerOptions quiet() {
        return ProfilerOptions.builder().noOutput().build();
    }

    private static long calls(Stats stats, String label) {
        StatsRow row = stats.row(label);
        return row == null ? 0 : row.totalCalls();
    }

    private static void send(HttpServerExchange ex, String body) {
        ex.getResponseSender().send(body, StandardCharsets.UTF_8);
    }

    /** The profile of the only request served, checked to be the only one after a pause. */
    private static RequestProfile onlyProfile(ProfilerHandler handler) throws InterruptedException {
        RequestProfile p = awaitProfiles(handler.recent(), 1).get(0);
        Thread.sleep(100);
        assertEquals(1, handler.recent().size(), "one profile per request");
        return p;
    }

    @Test
    void workThatNeverReturnsIsLeftOutAfterTheGracePeriod() throws Exception {
        HttpHandler app = ex -> {
            ProfilerHandler.attach(ex); // a binding the application never closes
            try (Scope s = Profile.scope(IO_PART)) {
                send(ex, "answered");
            }
        };
        ProfilerHandler handler = ProfilerHandler.wrap(app, ProfilerOptions.builder().noOutput()
                .lateWorkGrace(java.time.Duration.ofMillis(300)).build());
        try (TestServer server = TestServer.start(handler)) {
            assertEquals("answered", server.get("/leak").body());
            RequestProfile p = onlyProfile(handler);
            assertEquals(1, calls(p.stats(), IO_PART.label()), p.stats().formatStats());
            assertEquals("work of the request still running 300 ms after the response completed",
                    p.request().attributes().get(ExchangeProfile.ERROR_ATTRIBUTE));
        }
    }

    @Test
    void dispatchToWorkerKeepsOneTreeUntilTheExchangeCompletes() throws Exception {
        HttpHandler app = new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange ex) {
                if (ex.isInIoThread()) {
                    try (Scope s = Profile.scope(IO_PART)) {
                        ex.dispatch(this); // Undertow's idiom: re-enters this handler, not the profiler
                    }
                    return;
                }
                try (Scope s = Profile.scope(WORKER_PART)) {
                    TestServer.sleep(SLEEP, 50);
                    send(ex, "worker");
                }
            }
        };
        ProfilerHandler handler = ProfilerHandler.wrap(app, quiet());
        try (TestServer server = TestServer.start(handler)) {
            assertEquals("worker", server.get("/work").body());
            RequestProfile p = onlyProfile(handler);
            Stats stats = p.stats();
            assertEquals(1, calls(stats, HANDLE), stats.formatStats());
            assertEquals(1, calls(stats, IO_PART.label()), stats.formatStats());
            assertEquals(1, calls(stats, DISPATCH), stats.formatStats());
            assertEquals(1, calls(stats, WORKER_PART.label()), stats.formatStats());
            assertEquals(1, calls(stats, SLEEP.label()), stats.formatStats());
            assertTrue(stats.row(WORKER_PART.label()).callers().containsKey(ExchangeProfile.DISPATCH));
            // One tree per thread, both in this request's profile: the IO thread's and the worker's.
            List<String> threads = p.request().threadNames();
            assertEquals(2, threads.size(), threads.toString());
            assertTrue(threads.stream().anyMatch(t -> t.contains("I/O")), threads.toString());
            assertTrue(threads.stream().anyMatch(t -> t.contains("task")), threads.toString());
            assertEquals(2, stats.byThread().size());
            // The handler method returned on the IO thread long before the worker's 50 ms sleep
            // ended; the profile ended with the exchange.
            assertTrue(p.request().elapsedNanos() >= TimeUnit.MILLISECONDS.toNanos(50), p.request().toString());
            assertTrue(stats.row(WORKER_PART.label()).cumtime() >= 0.045, stats.formatStats());
        }
    }

    @Test
    void blockingHandlerInsideAndOutsideTheProfiler() throws Exception {
        HttpHandler blockingApp = ex -> {
            try (Scope s = Profile.scope(WORKER_PART)) {
                TestServer.sleep(SLEEP, 10);
                ex.getOutputStream().write("blocking".getBytes(StandardCharsets.UTF_8));
            }
        };
        ProfilerHandler inside = ProfilerHandler.wrap(new BlockingHandler(blockingApp), quiet());
        try (TestServer server = TestServer.start(inside)) {
            assertEquals("blocking", server.get("/inside").body());
            Stats stats = onlyProfile(inside).stats();
            assertEquals(1, calls(stats, HANDLE), stats.formatStats());
            assertEquals(1, calls(stats, DISPATCH), stats.formatStats());
            assertEquals(1, calls(stats, WORKER_PART.label()), stats.formatStats());
            assertEquals(2, stats.byThread().size());
        }
        ProfilerHandler outside = ProfilerHandler.wrap(blockingApp, quiet());
        try (TestServer server = TestServer.start(new BlockingHandler(outside))) {
            assertEquals("blocking", server.get("/outside").body());
            RequestProfile p = onlyProfile(outside);
            Stats stats = p.stats();
            // werkzeug's synchronous model exactly: the whole request on one worker.
            assertEquals(1, calls(stats, HANDLE), stats.formatStats());
            assertEquals(0, calls(stats, DISPATCH), stats.formatStats());
            assertEquals(1, calls(stats, WORKER_PART.label()), stats.formatStats());
            assertEquals(1, p.request().threadNames().size());
            assertTrue(p.request().threadNames().get(0).contains("task"), p.request().threadNames().toString());
        }
    }

    @Test
    void aDispatchFromADispatchedHandlerStaysInTheRequest() throws Exception {
        HttpHandler second = ex -> {
            try (Scope s = Profile.scope(SECOND_PART)) {
                send(ex, "second");
            }
        };
        HttpHandler first = ex -> {
            try (Scope s = Profile.scope(WORKER_PART)) {
                ex.dispatch(second); // in a call on the worker: Undertow submits it to the worker afterwards
            }
        };
        HttpHandler app = ex -> {
            try (Scope s = Profile.scope(IO_PART)) {
                ex.dispatch(first);
            }
        };
        ProfilerHandler handler = ProfilerHandler.wrap(app, quiet());
        try (TestServer server = TestServer.start(handler)) {
            assertEquals("second", server.get("/twice").body());
            Stats stats = onlyProfile(handler).stats();
            assertEquals(1, calls(stats, IO_PART.label()), stats.formatStats());
            assertEquals(1, calls(stats, WORKER_PART.label()), stats.formatStats());
            assertEquals(1, calls(stats, SECOND_PART.label()), stats.formatStats());
            assertEquals(2, calls(stats, DISPATCH), stats.formatStats());
        }
    }

    @Test
    void aDispatchToAnExecutorOfTheApplicationStaysInTheRequest() throws Exception {
        HttpHandler app = ex -> {
            try (Scope s = Profile.scope(IO_PART)) {
                // An explicit executor replaces the profiler's dispatch hook; the profiler wraps it afterwards.
                ex.dispatch(pool, () -> {
                    try (Scope f = Profile.scope(FOREIGN_PART)) {
                        TestServer.sleep(SLEEP, 30);
                        send(ex, "pool");
                    }
                });
            }
        };
        ProfilerHandler handler = ProfilerHandler.wrap(app, quiet());
        try (TestServer server = TestServer.start(handler)) {
            assertEquals("pool", server.get("/pool").body());
            RequestProfile p = onlyProfile(handler);
            Stats stats = p.stats();
            assertEquals(1, calls(stats, FOREIGN_PART.label()), stats.formatStats());
            assertEquals(1, calls(stats, DISPATCH), stats.formatStats());
            assertTrue(p.request().threadNames().stream().anyMatch(t -> t.startsWith("foreign-")),
                    p.request().threadNames().toString());
            assertTrue(p.request().elapsedNanos() >= TimeUnit.MILLISECONDS.toNanos(30), p.request().toString());
        }
    }

    @Test
    void asyncCompletionOnAForeignPoolThroughWrapTask() throws Exception {
        HttpHandler app = ex -> {
            Runnable work = () -> {
                try (Scope f = Profile.scope(FOREIGN_PART)) {
                    TestServer.sleep(SLEEP, 30);
                    send(ex, ex.getRequestPath());
                }
            };
            boolean carried = ex.getRequestPath().equals("/carried");
            // The classic async shape: leave the IO thread without a worker, complete from another pool.
            ex.dispatch(SameThreadExecutor.INSTANCE, () -> pool.execute(carried ? ProfilerHandler.wrapTask(ex, work) : work));
        };
        ProfilerHandler handler = ProfilerHandler.wrap(app, quiet());
        try (TestServer server = TestServer.start(handler)) {
            assertEquals("/carried", server.get("/carried").body());
            RequestProfile p = onlyProfile(handler);
            Stats stats = p.stats();
            assertEquals(1, calls(stats, FOREIGN_PART.label()), stats.formatStats());
            assertEquals(1, calls(stats, SLEEP.label()), stats.formatStats());
            assertTrue(p.request().elapsedNanos() >= TimeUnit.MILLISECONDS.toNanos(30), p.request().toString());

            // Without the carrier a foreign pool knows nothing of the request: its scopes land nowhere,
            // certainly not in this or another request's profile.
            assertEquals("/plain", server.get("/plain").body());
            RequestProfile plain = awaitProfiles(handler.recent(), 2).get(0);
            assertEquals("/plain", plain.request().path());
            assertNull(plain.stats().row(FOREIGN_PART.label()), plain.stats().formatStats());
            assertEquals(1, calls(p.stats(), FOREIGN_PART.label()));
        }
    }

    @Test
    void rebindCoversADispatchOutsideAHandlerCall() throws Exception {
        HttpHandler answer = ex -> {
            try (Scope s = Profile.scope(SECOND_PART)) {
                TestServer.sleep(SLEEP, 20);
                send(ex, "rebound");
            }
        };
        HttpHandler app = ex -> ex.dispatch(SameThreadExecutor.INSTANCE,
                // Called from the pool, outside any handler call: Undertow sends it straight to its worker.
                () -> pool.execute(() -> ex.dispatch(ProfilerHandler.rebind(answer))));
        ProfilerHandler handler = ProfilerHandler.wrap(app, quiet());
        try (TestServer server = TestServer.start(handler)) {
            assertEquals("rebound", server.get("/rebind").body());
            RequestProfile p = onlyProfile(handler);
            assertEquals(1, calls(p.stats(), SECOND_PART.label()), p.stats().formatStats());
            assertTrue(p.request().elapsedNanos() >= TimeUnit.MILLISECONDS.toNanos(20), p.request().toString());
        }
    }

    @Test
    void attachCountsAsWorkOfTheRequest() throws Exception {
        AtomicBoolean seenProfiled = new AtomicBoolean();
        HttpHandler app = ex -> ex.dispatch(SameThreadExecutor.INSTANCE, () -> pool.execute(() -> {
            // A foreign thread joins explicitly; the profile must wait for the binding to close
            // even though the response is complete before it does.
            try (Binding b = ProfilerHandler.attach(ex)) {
                send(ex, "attached");
                TestServer.sleep(SLEEP, 40);
                try (Scope s = Profile.scope(FOREIGN_PART)) {
                    seenProfiled.set(ProfilerHandler.isProfiled(ex));
                }
            }
        }));
        ProfilerHandler handler = ProfilerHandler.wrap(app, quiet());
        try (TestServer server = TestServer.start(handler)) {
            assertEquals("attached", server.get("/attach").body());
            RequestProfile p = onlyProfile(handler);
            assertEquals(1, calls(p.stats(), FOREIGN_PART.label()), p.stats().formatStats());
            assertEquals(1, calls(p.stats(), SLEEP.label()), p.stats().formatStats());
            assertTrue(seenProfiled.get());
        }
    }

    @Test
    void anExceptionOfTheHandlerIsRecordedAndPassesThrough() throws Exception {
        HttpHandler app = new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange ex) {
                if (ex.isInIoThread() && ex.getRequestPath().equals("/worker")) {
                    ex.dispatch(this);
                    return;
                }
                try (Scope s = Profile.scope(WORKER_PART)) {
                    throw new IllegalStateException("boom on " + ex.getRequestPath());
                }
            }
        };
        ProfilerHandler handler = ProfilerHandler.wrap(app, quiet());
        try (TestServer server = TestServer.start(handler)) {
            for (String path : List.of("/io", "/worker")) {
                assertEquals(500, server.get(path).statusCode());
                RequestProfile p = awaitProfiles(handler.recent(), path.equals("/io") ? 1 : 2).get(0);
                assertEquals(path, p.request().path());
                assertEquals(500, p.request().status());
                assertEquals("java.lang.IllegalStateException: boom on " + path,
                        p.request().attributes().get(ExchangeProfile.ERROR_ATTRIBUTE));
                assertEquals(p.request().attributes().get("error"), p.stats().metadata().get("error"));
                assertEquals(1, calls(p.stats(), WORKER_PART.label()), p.stats().formatStats());
            }
        }
    }

    @Test
    void requestsNotChosenAreNotProfiled() throws Exception {
        HttpHandler app = ex -> {
            try (Scope s = Profile.scope(IO_PART)) {
                send(ex, ProfilerHandler.isProfiled(ex) ? "profiled" : "not profiled");
            }
        };
        ProfilerHandler handler = ProfilerHandler.wrap(app, ProfilerOptions.builder().noOutput()
                .profileIf(r -> r.path().startsWith("/yes")).build());
        try (TestServer server = TestServer.start(handler)) {
            assertEquals("not profiled", server.get("/no").body());
            assertEquals("profiled", server.get("/yes/1").body());
            assertEquals("not profiled", server.get("/no/2").body());
            assertEquals("profiled", server.get("/yes/3").body());
            awaitProfiles(handler.recent(), 2);
            Thread.sleep(100);
            assertEquals(List.of("/yes/3", "/yes/1"),
                    handler.recent().list().stream().map(p -> p.request().path()).toList());
        }
        ProfilerHandler none = ProfilerHandler.wrap(app, ProfilerOptions.builder().noOutput().sampleRate(0).build());
        try (TestServer server = TestServer.start(none)) {
            assertEquals("not profiled", server.get("/yes").body());
            Thread.sleep(100);
            assertEquals(0, none.recent().size());
        }
    }

    @Test
    void nestedProfilerHandlersProfileARequestOnce() throws Exception {
        HttpHandler app = ex -> {
            try (Scope s = Profile.scope(IO_PART)) {
                send(ex, "nested");
            }
        };
        ProfilerHandlerWrapper wrapper = new ProfilerHandlerWrapper(quiet());
        ProfilerHandler outer = wrapper.wrap(wrapper.wrap(app));
        try (TestServer server = TestServer.start(outer)) {
            assertEquals("nested", server.get("/nested").body());
            RequestProfile p = awaitProfiles(wrapper.recent(), 1).get(0);
            Thread.sleep(100);
            assertEquals(1, wrapper.recent().size());
            assertEquals(1, calls(p.stats(), HANDLE), p.stats().formatStats());
            assertEquals(1, calls(p.stats(), IO_PART.label()), p.stats().formatStats());
            assertNotNull(outer.getNext());
            assertFalse(outer.recent().list().isEmpty(), "handlers of one wrapper share their recent profiles");
        }
    }

    @Test
    void pipelinedRequestsStaySeparate() throws Exception {
        HttpHandler app = new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange ex) {
                if (ex.isInIoThread() && ex.getRequestPath().equals("/first")) {
                    ex.dispatch(this);
                    return;
                }
                try (Scope s = Profile.scope(ex.getRequestPath().equals("/first") ? WORKER_PART : SECOND_PART)) {
                    ex.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_LENGTH, 2);
                    send(ex, "ok");
                }
            }
        };
        ProfilerHandler handler = ProfilerHandler.wrap(app, quiet());
        try (TestServer server = TestServer.start(handler);
             java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port)) {
            socket.setSoTimeout(30_000);
            // Both requests in one write: when the first completes on a worker, Undertow starts reading
            // the second through the exchange's dispatch executor, which must no longer be the profiler's.
            socket.getOutputStream().write(("GET /first HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "GET /second HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String responses = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(2, responses.split("HTTP/1.1 200", -1).length - 1, responses);
            List<RequestProfile> profiles = awaitProfiles(handler.recent(), 2);
            RequestProfile first = profiles.get(0).request().path().equals("/first") ? profiles.get(0) : profiles.get(1);
            RequestProfile second = first == profiles.get(0) ? profiles.get(1) : profiles.get(0);
            assertEquals("/second", second.request().path());
            assertEquals(1, calls(first.stats(), DISPATCH), first.stats().formatStats());
            assertEquals(1, calls(first.stats(), WORKER_PART.label()), first.stats().formatStats());
            assertEquals(0, calls(first.stats(), SECOND_PART.label()), first.stats().formatStats());
            assertEquals(1, calls(second.stats(), SECOND_PART.label()), second.stats().formatStats());
            assertEquals(0, calls(second.stats(), WORKER_PART.label()), second.stats().formatStats());
        }
    }

    @Test
    void statusIsTheFinalOne() throws Exception {
        HttpHandler app = ex -> {
            ex.setStatusCode(404);
            send(ex, "missing");
        };
        ProfilerHandler handler = ProfilerHandler.wrap(app, quiet());
        try (TestServer server = TestServer.start(handler)) {
            assertEquals(404, server.get("/missing").statusCode());
            RequestInfo info = awaitProfiles(handler.recent(), 1).get(0).request();
            assertEquals(404, info.status());
            // Nothing of the application recorded; the profiler's own row keeps the profile loadable.
            assertEquals(1, calls(awaitProfiles(handler.recent(), 1).get(0).stats(), HANDLE));
        }
    }
}
