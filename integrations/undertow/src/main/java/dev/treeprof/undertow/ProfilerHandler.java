package dev.treeprof.undertow;

import dev.treeprof.Binding;
import dev.treeprof.web.ProfiledRequest;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RecentProfiles;
import dev.treeprof.web.RequestProfiling;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * werkzeug's {@code ProfilerMiddleware} for Undertow: wraps a handler so that every request is
 * profiled as one call tree per thread it ran on, and, once the exchange is complete, its stats
 * are printed pstats-style (sorted and restricted), written to one file per request, and kept
 * among the {@link #recent() recent profiles}.
 *
 * <pre>{@code
 * HttpHandler app = ...;
 * Undertow server = Undertow.builder()
 *         .addHttpListener(8080, "localhost")
 *         .setHandler(ProfilerHandler.wrap(app, ProfilerOptions.builder()
 *                 .sortBy("cumtime", "calls")
 *                 .restrictions("com\\.example")
 *                 .profileDir(Path.of("profile_output"))
 *                 .build()))
 *         .build();
 * }</pre>
 *
 * Application code records with {@code try (Scope s = Profile.scope("name")) {...}}; scopes opened
 * anywhere in the request land in that request's profile, never in another's.
 *
 * <h2>What belongs to the request</h2>
 * <ul>
 *   <li>The handler call (a row {@code undertow.handleRequest}, like werkzeug's {@code runapp}),
 *       usually on the IO thread.</li>
 *   <li>Tasks dispatched during a handler call, with {@code exchange.dispatch(handler)},
 *       {@code dispatch(runnable)}, a {@code BlockingHandler}, or {@code dispatch(executor, task)}
 *       (a row {@code undertow.dispatch} each), and dispatches made again from those tasks by a
 *       re-entered handler. The profiler wraps the exchange's dispatch executor to do this.</li>
 *   <li>Work handed to other threads through {@link #wrapTask}, {@link #wrapExecutor} or
 *       {@link #attach}, and handlers behind {@link #rebind}. This is needed where Undertow gives
 *       no hook: a dispatch made outside a handler call (e.g. from an async callback) goes straight
 *       to the worker, and a foreign thread pool knows nothing of the exchange.</li>
 * </ul>
 * The profile ends when the exchange is complete (its response written) <em>and</em> every piece
 * of work above has returned, not when the handler method returns. Work started after that is not
 * profiled. Its metadata holds the method, the path without query, the final status, the elapsed
 * time, the names of the threads that recorded, and under {@code "error"} the exception Undertow
 * caught, if any.
 *
 * <h2>Where the report is made</h2>
 * When the profile ends, on whichever thread ends it (often the IO thread), the profiler stops and
 * the profile joins {@link #recent()}: a few field writes, no stats built, nothing printed. The
 * report and the file are made by a background writer with a bounded queue (see
 * {@link ProfilerOptions.Builder#executor(Executor)} and
 * {@link ProfilerOptions.Builder#writeQueueCapacity(int)}): a request never waits for them, and past
 * the bound they are dropped and counted rather than queued without end.
 *
 * <h2>Choosing requests</h2>
 * {@link ProfilerOptions.Builder#profileIf} and {@link ProfilerOptions.Builder#sampleRate} choose by
 * method and path. To choose by anything else of the exchange (a header, a cookie), use Undertow's
 * own predicate handler in front: {@code Handlers.predicate(exchange ->
 * exchange.getRequestHeaders().contains("X-Profile"), ProfilerHandler.wrap(app, options), app)}.
 *
 * <h2>Guarantees</h2>
 * The profiler never changes the response (status, headers, body) and never fails a request: an
 * exception of the wrapped handler passes through unchanged, and every failure of the profiler
 * itself (an unwritable directory, a full disk, a failing predicate) is logged. A request's path
 * only becomes a file name through {@link dev.treeprof.web.SafeFileNames}, so no path writes
 * outside the profile directory. An exchange is profiled once: a {@code ProfilerHandler} reached
 * again for an exchange already profiled (nested, or re-entered after a dispatch) only binds.
 */
public final class ProfilerHandler implements HttpHandler {

    private final HttpHandler next;
    private final RequestProfiling profiling;

    ProfilerHandler(HttpHandler next, RequestProfiling profiling) {
        this.next = Objects.requireNonNull(next, "next");
        this.profiling = Objects.requireNonNull(profiling, "profiling");
    }

    /** Profiles every request of {@code next} with the defaults: werkzeug's report to {@code System.out}, no files. */
    public static ProfilerHandler wrap(HttpHandler next) {
        return wrap(next, ProfilerOptions.defaults());
    }

    /**
     * Profiles the requests of {@code next} with these options.
     *
     * @throws NullPointerException if an argument is null
     */
    public static ProfilerHandler wrap(HttpHandler next, ProfilerOptions options) {
        return new ProfilerHandler(next, new RequestProfiling(options));
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ExchangeProfile existing = ExchangeProfile.of(exchange);
        if (existing != null) {
            existing.handleAgain(next, exchange);
            return;
        }
        ExchangeProfile profile = ExchangeProfile.begin(profiling, exchange);
        if (profile == null) {
            next.handleRequest(exchange);
        } else {
            profile.handleRoot(next, exchange);
        }
    }

    /** The wrapped handler. */
    public HttpHandler getNext() {
        return next;
    }

    /** The options. */
    public ProfilerOptions options() {
        return profiling.options();
    }

    /**
     * The profiles of the last requests, newest first, bounded by
     * {@link ProfilerOptions#recentCapacity()} and {@link ProfilerOptions#recentMaxAge()}; kept
     * whether or not files are written.
     */
    public RecentProfiles recent() {
        return profiling.recent();
    }

    /**
     * A handler that binds the exchange's profile, if it has one, around {@code next}. Place it
     * after a dispatch the profiler cannot see, e.g. the handler a foreign thread or an async
     * callback dispatches to. Handlers reached this way count as part of the request, so the
     * profile waits for them.
     *
     * @throws NullPointerException if next is null
     */
    public static HttpHandler rebind(HttpHandler next) {
        return new RebindHandler(next);
    }

    /** Whether the exchange is being profiled by a {@code ProfilerHandler}. */
    public static boolean isProfiled(HttpServerExchange exchange) {
        return ExchangeProfile.of(exchange) != null;
    }

    /**
     * Binds the exchange's profile to the calling thread until the binding is closed, and counts
     * the binding as work of the request, so the profile waits for it. Use in try-with-resources on
     * a thread that does the request's work. A no-op binding when the exchange is not profiled or
     * its profile has already finished.
     */
    public static Binding attach(HttpServerExchange exchange) {
        ExchangeProfile profile = ExchangeProfile.of(exchange);
        return profile == null ? Binding.noop() : profile.request().enter();
    }

    /**
     * The task, running bound to the exchange's profile on whatever thread runs it, and counted as
     * work of the request while it runs. Capture it while handling the request, hand it to any
     * executor or callback. Run after the request has finished, it runs unprofiled. The task itself
     * when the exchange is not profiled.
     *
     * @throws NullPointerException if task is null
     */
    public static Runnable wrapTask(HttpServerExchange exchange, Runnable task) {
        Objects.requireNonNull(task, "task");
        ExchangeProfile profile = ExchangeProfile.of(exchange);
        if (profile == null) {
            return task;
        }
        ProfiledRequest request = profile.request();
        return () -> {
            try (Binding b = request.enter()) {
                task.run();
            }
        };
    }

    /**
     * An executor that runs every task through {@link #wrapTask}; the executor itself when the
     * exchange is not profiled.
     *
     * <p>Needed where Undertow gives the profiler no hook. The common case is Undertow's own idiom
     * of dispatching to the worker first and from there to another executor: a dispatch made by a
     * handler that was itself dispatched with {@code exchange.dispatch(this)} goes straight to the
     * executor it names once that handler returns, past the profiler. Wrap the executor there:
     * <pre>{@code
     * public void handleRequest(HttpServerExchange ex) {
     *     if (ex.isInIoThread()) {
     *         ex.dispatch(this);                     // followed: the profiler wraps this dispatch
     *         return;
     *     }
     *     // Undertow sends this task straight to `pool`: wrap it, or the task's scopes are lost
     *     ex.dispatch(ProfilerHandler.wrapExecutor(ex, pool), () -> render(ex));
     * }
     * }</pre>
     *
     * @throws NullPointerException if executor is null
     */
    public static Executor wrapExecutor(HttpServerExchange exchange, Executor executor) {
        Objects.requireNonNull(executor, "executor");
        ExchangeProfile profile = ExchangeProfile.of(exchange);
        return profile == null ? executor : task -> executor.execute(wrapTask(exchange, task));
    }

    @Override
    public String toString() {
        return "treeprof ProfilerHandler(" + next + ")";
    }
}
