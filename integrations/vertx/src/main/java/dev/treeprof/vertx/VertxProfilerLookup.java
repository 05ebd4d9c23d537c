package dev.treeprof.vertx;

import dev.treeprof.Binding;
import dev.treeprof.Profiler;
import dev.treeprof.spi.ProfilerLookup;
import dev.treeprof.spi.ProfilerProvider;
import io.vertx.core.Context;
import java.util.Objects;

/**
 * The {@link ProfilerLookup} of the Vert.x integration: the current profiler is the one bound to
 * the current Vert.x context ({@code Vertx.currentContext()}), so a scope opened in any callback of
 * a profiled request lands in that request's profile, on the event loop or on a worker, however
 * many requests interleave on the thread.
 *
 * <p>{@link ProfilerHandler} and {@link ProfilingRequestHandler} install it when the first of them
 * is made and bind each profiled request's profiler to its duplicated context; applications that
 * do not create one pay nothing. While installed, a scope entry anywhere in the JVM first asks
 * this lookup; while no context is bound that costs one volatile read, otherwise one
 * {@code Vertx.currentContext()} call and a slot read. It never allocates and never throws.
 *
 * <p>Work handed to a thread that is not Vert.x's (a JDK executor, {@code CompletableFuture.supplyAsync})
 * has no Vert.x context; carry the profiler there explicitly:
 * <pre>{@code
 * Profiler p = VertxProfilerLookup.instance().current();   // on the request's context
 * pool.execute(p == null ? task : p.wrap(task));
 * }</pre>
 *
 * <p>To make a profiler current for other Vert.x work (an event-bus consumer, a benchmark), bind it
 * to a context yourself:
 * <pre>{@code
 * VertxProfilerLookup.install();
 * Profiler p = Profile.newProfiler();
 * p.start();                                     // record, without binding any thread
 * try (Binding b = VertxProfilerLookup.attach(context, p)) {
 *     // code running on `context` now, and callbacks it schedules until close, record into p
 * }
 * p.disable();
 * }</pre>
 * For a benchmark of "a scope inside a Vert.x request": build a {@code Vertx}, take
 * {@code vertx.getOrCreateContext()} (a request would use its duplicate, which behaves the same
 * here), {@code attach} a started profiler to it, and run the measured scopes on that context,
 * e.g. a batch of N scopes per {@code context.runOnContext(...)} awaited with a latch and
 * {@code @OperationsPerInvocation(N)}; or, to measure on the benchmark thread itself, make the
 * context current there with Vert.x's internal {@code ((ContextInternal) context).beginDispatch()}
 * (then {@code currentContext()} costs a ThreadLocal read instead of a field read).
 */
public final class VertxProfilerLookup implements ProfilerLookup {

    private static final VertxProfilerLookup INSTANCE = new VertxProfilerLookup();

    private VertxProfilerLookup() {
    }

    /** The lookup (installed or not). */
    public static VertxProfilerLookup instance() {
        return INSTANCE;
    }

    /**
     * Adds the lookup to the bound {@link ProfilerProvider} (idempotent) and returns it. Remove it
     * with {@code ProfilerProvider.current().removeLookup(VertxProfilerLookup.instance())}.
     */
    public static VertxProfilerLookup install() {
        ProfilerProvider.current().addLookup(INSTANCE);
        return INSTANCE;
    }

    /**
     * Makes the profiler current for code running on this Vert.x context until the returned
     * binding is closed, which restores the profiler bound before (if any). Unlike
     * {@link Profiler#attach()}, the binding follows the context, not the thread: it covers the
     * callbacks, timers and {@code executeBlocking} tasks that run on the context, and it may be
     * closed on any thread. Bind a request's duplicated context, not a verticle's own context,
     * which every later request of the verticle would inherit. The profiler must be started (or
     * enabled) to record; {@link #install()} must have been called.
     *
     * @return the binding; a no-op binding when the context cannot take one more (the fallback
     *         store is full, logged)
     * @throws NullPointerException if context or profiler is null
     */
    public static Binding attach(Context context, Profiler profiler) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(profiler, "profiler");
        Binding b = ContextProfilers.bind(context, profiler);
        return b == null ? Binding.noop() : b;
    }

    /**
     * The profiler bound to the current Vert.x context, or null (no context, none bound, or
     * called off Vert.x threads). Fast, allocation-free, never throws.
     */
    @Override
    public Profiler current() {
        return ContextProfilers.current();
    }

    @Override
    public String toString() {
        return "VertxProfilerLookup";
    }
}
