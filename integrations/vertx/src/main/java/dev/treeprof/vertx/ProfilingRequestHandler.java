package dev.treeprof.vertx;

import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RecentProfiles;
import dev.treeprof.web.RequestInfo;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.Objects;
import dev.treeprof.web.internal.Warnings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * werkzeug's {@code ProfilerMiddleware} around a plain Vert.x core request handler, for servers
 * without vertx-web:
 * <pre>{@code
 * vertx.createHttpServer()
 *      .requestHandler(ProfilingRequestHandler.wrap(myHandler, options))
 *      .listen(8080);
 * }</pre>
 * Scopes are attributed as with {@link ProfilerHandler}: to the request whose duplicated context
 * is current, in the handler and in every callback of the request.
 *
 * <p><b>The end.</b> Core Vert.x has one slot each for a response's {@code endHandler} and
 * {@code closeHandler}; this wrapper sets both before calling the handler. The request ends when
 * the response ends (or, with an {@code error} entry, when the connection closes first). If the
 * wrapped handler sets its own {@code endHandler}/{@code closeHandler} (vertx-web's
 * {@code RoutingContext} does as soon as anything calls {@code addEndHandler}), this wrapper no
 * longer hears the end: a response already ended when the handler returns is still seen, and
 * otherwise the profile is finished, with status unknown and {@code error} = "request end not
 * observed", once the request's context has been garbage-collected. With vertx-web, use
 * {@link ProfilerHandler} instead.
 *
 * <p>Reports and files are made by a background writer, never on the event loop. The response is never changed; a failure of the profiler is logged, never thrown. An
 * exception from the wrapped handler propagates unchanged.
 */
public final class ProfilingRequestHandler implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ProfilingRequestHandler.class);

    private final Handler<HttpServerRequest> delegate;
    private final VertxProfiling profiling;
    private final Warnings failures = new Warnings(LOG);

    private ProfilingRequestHandler(Handler<HttpServerRequest> delegate, ProfilerOptions options) {
        this.delegate = Objects.requireNonNull(delegate, "handler");
        this.profiling = new VertxProfiling(options);
    }

    /** {@link #wrap(Handler, ProfilerOptions)} with werkzeug's defaults. */
    public static ProfilingRequestHandler wrap(Handler<HttpServerRequest> handler) {
        return wrap(handler, ProfilerOptions.defaults());
    }

    /**
     * The handler, profiled with these options. The first treeprof Vert.x handler installs
     * {@link VertxProfilerLookup}.
     *
     * @throws NullPointerException if handler or options is null
     */
    public static ProfilingRequestHandler wrap(Handler<HttpServerRequest> handler, ProfilerOptions options) {
        return new ProfilingRequestHandler(handler, options);
    }

    /** The profiles of recent requests. */
    public RecentProfiles recent() {
        return profiling.profiling().recent();
    }

    /** The options. */
    public ProfilerOptions options() {
        return profiling.profiling().options();
    }

    @Override
    public void handle(HttpServerRequest request) {
        VertxProfiling.Active active = null;
        try {
            active = start(request);
        } catch (RuntimeException | LinkageError e) {
            failures.failed("could not profile a request", e);
        }
        try {
            if (active != null) {
                VertxProfiling.Active a = active;
                VertxProfiling.handle(a, () -> delegate.handle(request)); // the root row, like werkzeug's runapp
            } else {
                delegate.handle(request);
            }
        } finally {
            if (active != null) {
                endedAlready(request, active);
            }
        }
    }

    private VertxProfiling.Active start(HttpServerRequest request) {
        VertxProfiling.Active active = profiling.begin(Vertx.currentContext(), request.method().name(), request.path());
        if (active == null) {
            return null;
        }
        active.hookEnd(() -> {
            HttpServerResponse response = request.response();
            response.endHandler(v -> active.end(response.getStatusCode(), Map.of()));
            response.closeHandler(v -> active.end(response.ended() ? response.getStatusCode()
                    : RequestInfo.UNKNOWN_STATUS, Map.of(VertxProfiling.ERROR, "connection closed")));
        });
        return active;
    }

    /** A response the handler ended synchronously is over, even if the handler replaced our end handler. */
    private static void endedAlready(HttpServerRequest request, VertxProfiling.Active active) {
        try {
            HttpServerResponse response = request.response();
            if (response.ended()) {
                active.end(response.getStatusCode(), Map.of());
            }
        } catch (RuntimeException e) {
            LOG.debug("treeprof could not check the end of {}: {}", active.request(), e.toString());
        }
    }
}
