package dev.treeprof.vertx;

import static dev.treeprof.vertx.Support.await;
import static dev.treeprof.vertx.Support.scoped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Binding;
import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Stats;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lookup and {@link VertxProfilerLookup#attach}: binding follows the Vert.x context. */
class VertxProfilerLookupTest {

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Support.oneEventLoop();
        VertxProfilerLookup.install();
    }

    @AfterAll
    static void stop() {
        await(vertx.close());
    }

    /** Runs the body on the context and waits. */
    private static <T> T on(Context ctx, java.util.function.Supplier<T> body) {
        Promise<T> p = Promise.promise();
        ctx.runOnContext(v -> {
            try {
                p.complete(body.get());
            } catch (Throwable t) {
                p.fail(t);
            }
        });
        return await(p.future());
    }

    @Test
    void aBindingCoversTheContextsCallbacksOnAnyThreadUntilClosed() {
        Context ctx = vertx.getOrCreateContext();
        Profiler p = Profile.newProfiler();
        p.start();
        Binding b = VertxProfilerLookup.attach(ctx, p);
        Future<Void> hops = on(ctx, () -> {
            scoped("on-context", () -> { });
            Promise<Void> timer = Promise.promise();
            vertx.setTimer(2, id -> {
                scoped("timer", () -> { });
                timer.complete();
            });
            return vertx.executeBlocking(() -> {
                scoped("worker", () -> { });
                return null;
            }).compose(x -> timer.future());
        });
        await(hops);
        scoped("test-thread", () -> { });
        b.close();
        on(ctx, () -> {
            scoped("after-close", () -> { });
            return null;
        });
        p.disable();
        Stats stats = (Stats) p.stats();
        assertEquals(Set.of("on-context", "timer", "worker"), Support.names(stats));
        assertTrue(Support.namesByThread(stats).keySet().stream().anyMatch(t -> t.startsWith("vert.x-worker-thread")));
    }

    @Test
    void bindingsNestAndRestoreThePreviousProfiler() {
        Context ctx = vertx.getOrCreateContext();
        Profiler outer = Profile.newProfiler();
        Profiler inner = Profile.newProfiler();
        VertxProfilerLookup lookup = VertxProfilerLookup.instance();
        try (Binding o = VertxProfilerLookup.attach(ctx, outer)) {
            assertSame(outer, on(ctx, lookup::current));
            Binding i = VertxProfilerLookup.attach(ctx, inner);
            assertSame(inner, on(ctx, lookup::current));
            i.close();
            i.close();   // idempotent
            assertSame(outer, on(ctx, lookup::current));
            // Another context of the same Vertx sees nothing.
            assertNull(on(vertx.getOrCreateContext(), lookup::current));
            // Neither does a thread without a Vert.x context.
            assertNull(lookup.current());
        }
        assertNull(on(ctx, lookup::current));
        assertThrows(NullPointerException.class, () -> VertxProfilerLookup.attach(null, outer));
        assertThrows(NullPointerException.class, () -> VertxProfilerLookup.attach(ctx, null));
    }

    @Test
    void theBenchmarkRecipeMakesTheContextCurrentOnAForeignThread() {
        // What the README tells the benchmarks: Vert.x's internal dispatch on the JMH thread.
        io.vertx.core.internal.ContextInternal ctx = (io.vertx.core.internal.ContextInternal) vertx.getOrCreateContext();
        Profiler p = Profile.newProfiler();
        p.start();
        try (Binding b = VertxProfilerLookup.attach(ctx, p)) {
            assertNull(VertxProfilerLookup.instance().current());
            io.vertx.core.internal.ContextInternal prev = ctx.beginDispatch();
            try {
                assertSame(p, VertxProfilerLookup.instance().current());
                scoped("benchmarked", () -> { });
            } finally {
                ctx.endDispatch(prev);
            }
            assertNull(VertxProfilerLookup.instance().current());
        }
        p.disable();
        assertEquals(Set.of("benchmarked"), Support.names((Stats) p.stats()));
    }

    @Test
    void theLookupDoesNotAllocate() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Context ctx = vertx.getOrCreateContext();
        Profiler p = Profile.newProfiler();
        int calls = 200_000;
        try (Binding b = VertxProfilerLookup.attach(ctx, p)) {
            long allocated = on(ctx, () -> {
                VertxProfilerLookup lookup = VertxProfilerLookup.instance();
                long sink = 0;
                for (int i = 0; i < calls; i++) {   // warm up
                    sink += lookup.current() == p ? 1 : 0;
                }
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < calls; i++) {
                    sink += lookup.current() == p ? 1 : 0;
                }
                long after = mx.getCurrentThreadAllocatedBytes();
                assertEquals(2L * calls, sink);
                return after - before;
            });
            // One allocation per call would be at least 16 bytes each: 3.2 MB.
            assertTrue(allocated < 64 * 1024, allocated + " bytes allocated by " + calls + " lookups");
        }
    }
}
