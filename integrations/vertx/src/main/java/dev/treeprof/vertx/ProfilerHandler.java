package dev.treeprof.vertx;

import dev.treeprof.web.ProfiledRequest;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RecentProfiles;
import dev.treeprof.web.RequestInfo;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.treeprof.web.internal.Warnings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * werkzeug's {@code ProfilerMiddleware} for vertx-web: profiles each request from the moment it
 * reaches this handler until its response ends, across every asynchronous hop of the request.
 *
 * <pre>{@code
 * Router router = Router.router(vertx);
 * router.route().order(Integer.MIN_VALUE).handler(ProfilerHandler.create(ProfilerOptions.builder()
 *         .sortBy("cumtime", "calls")
 *         .profileDir(Path.of("profiles"))
 *         .build()));
 * router.get("/hello").handler(rc -> {
 *     try (Scope s = Profile.scope("hello")) { ... }            // lands in this request's profile
 *     vertx.setTimer(10, id -> { try (Scope s = Profile.scope("later")) { ... } });  // so does this
 * });
 * }</pre>
 *
 * <p><b>Which scopes count.</b> The profiler of a request is bound to the request's duplicated
 * Vert.x context, which Vert.x makes current again for every callback of the request: future
 * continuations ({@code compose}, {@code onSuccess}), timers, {@code executeBlocking} on worker
 * threads, WebClient and event-bus replies. A scope opened there lands in the request's profile,
 * and never in another request's, however many requests interleave on one event loop (see
 * {@link VertxProfilerLookup}). Work on threads Vert.x does not know (a JDK executor) needs the
 * profiler carried explicitly: {@code profiledRequest(rc).wrap(task)}. Each thread that recorded
 * gets its own call tree, merged into one pstats table per request.
 *
 * <p><b>The end.</b> The request ends when vertx-web reports its response ended
 * ({@link RoutingContext#addEndHandler}); a closed connection or failed response also ends it, with
 * an {@code error} entry in the profile's metadata. A request whose routing failed with an
 * exception (a handler that threw, {@code rc.fail(throwable)}) has it in {@code error} too, as
 * {@code toString()} gives it, like the Undertow handler's. The profile is then built, printed
 * (werkzeug's report), written under a safe file name and kept in {@link #recent()}; the report and
 * the file are made by treeprof's background writer (or the options' executor), never on the event
 * loop.
 * Scopes still open at the end are dropped, like cProfile's. Application code that sets
 * the core response's {@code endHandler} or {@code closeHandler} itself replaces vertx-web's (and
 * so silences every {@code addEndHandler}, this one's included); such a request's profile is
 * finished only once the request has been garbage-collected, with status unknown and
 * {@code error} = "request end not observed". Use {@code rc.addEndHandler} instead.
 *
 * <p><b>Never in the way.</b> The handler only registers an end handler and calls
 * {@code next()}: the response is never changed, and a failure of the profiler (a bad file name, a
 * full disk, a failing {@code profileIf}) is logged and never reaches the request. Mount it first
 * (lowest {@code order}); it passes over a request that an outer treeprof handler already profiles,
 * and a rerouted request keeps its first profile, or its first passing over. For a request passed
 * over (by sampling or {@code profileIf}) that decision is kept without allocating, in a
 * context-local slot of the request's Vert.x context (in the routing context's data where the slot
 * is missing).
 */
public final class ProfilerHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(ProfilerHandler.class);
    /** The {@link RoutingContext} key of the request's {@link ProfiledRequest}. */
    static final String KEY = "dev.treeprof.vertx.request";

    private final VertxProfiling profiling;
    private final Warnings failures = new Warnings(LOG);

    private ProfilerHandler(ProfilerOptions options) {
        this.profiling = new VertxProfiling(options);
    }

    /** A handler with werkzeug's defaults: every request profiled, the report printed to {@code System.out}, no files. */
    public static ProfilerHandler create() {
        return create(ProfilerOptions.defaults());
    }

    /**
     * A handler with these options. The first handler (of this class or
     * {@link ProfilingRequestHandler}) installs {@link VertxProfilerLookup}.
     *
     * @throws NullPointerException if options is null
     */
    public static ProfilerHandler create(ProfilerOptions options) {
        return new ProfilerHandler(options);
    }

    /** The profiles of this handler's recent requests. */
    public RecentProfiles recent() {
        return profiling.profiling().recent();
    }

    /** The options. */
    public ProfilerOptions options() {
        return profiling.profiling().options();
    }

    /**
     * The request's profile handle, set by a {@code ProfilerHandler} earlier in the route chain:
     * e.g. {@code profiledRequest(rc).wrap(task)} to profile a task run on a non-Vert.x executor.
     * {@link ProfiledRequest#notProfiled()} when the request is not profiled.
     */
    public static ProfiledRequest profiledRequest(RoutingContext rc) {
        Object r = rc == null ? null : rc.get(KEY);
        return r instanceof ProfiledRequest ? (ProfiledRequest) r : ProfiledRequest.notProfiled();
    }

    @Override
    public void handle(RoutingContext rc) {
        VertxProfiling.Active active = null;
        try {
            Context ctx = Vertx.currentContext();
            if (rc.get(KEY) == null && !ContextProfilers.passedOver(ctx, rc)) {
                active = start(rc, ctx);
            }
        } catch (RuntimeException | LinkageError e) {
            failures.failed("could not profile a request", e);
        }
        if (active != null) {
            // The root row of every profiled request, like werkzeug's runapp: vertx-web runs the
            // matching route handlers inside next(), on the request's context.
            VertxProfiling.handle(active, rc::next);
        } else {
            rc.next();
        }
    }

    /** Begins the request's profile; null when it is not profiled. */
    private VertxProfiling.Active start(RoutingContext rc, Context ctx) {
        HttpServerRequest request = rc.request();
        VertxProfiling.Active active = profiling.begin(ctx, request.method().name(), request.path());
        if (active == null) {
            // remembered so that a reroute keeps the decision: on the context when it can (no
            // allocation), else in the routing context's data
            if (!ContextProfilers.markPassedOver(ctx, rc)) {
                rc.put(KEY, ProfiledRequest.notProfiled());
            }
            return null;
        }
        active.hookEnd(() -> {
            rc.put(KEY, active.request());
            rc.addEndHandler(ar -> ended(rc, active, ar));
        });
        return active;
    }

    private static void ended(RoutingContext rc, VertxProfiling.Active active, AsyncResult<Void> ar) {
        int status = RequestInfo.UNKNOWN_STATUS;
        Map<String, String> attributes = Map.of();
        try {
            HttpServerResponse response = rc.response();
            if (response.ended()) {
                status = response.getStatusCode();
            }
            String error = ar.failed() ? describe(ar.cause()) : null;
            if (error == null && rc.failure() != null) {
                // a handler that threw, or rc.fail(throwable); rc.fail(status) alone is told by the status
                error = rc.failure().toString();
            }
            Route route = rc.currentRoute();
            String path = route == null ? null : route.getPath();
            if (error != null) {
                attributes = new LinkedHashMap<>();
                attributes.put(VertxProfiling.ERROR, error);
                if (path != null) {
                    attributes.put(VertxProfiling.ROUTE, path);
                }
            } else if (path != null) {
                attributes = Map.of(VertxProfiling.ROUTE, path); // the usual end: one entry, no map to fill
            }
        } catch (RuntimeException e) {
            LOG.debug("treeprof could not read the end of {}: {}", active.request(), e.toString());
        }
        active.end(status, attributes);
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "failed";
        }
        String m = t.getMessage();
        return m == null || m.isEmpty() ? t.getClass().getSimpleName() : m;
    }
}
