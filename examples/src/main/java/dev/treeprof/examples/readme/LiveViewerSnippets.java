package dev.treeprof.examples.readme;

import dev.treeprof.undertow.ProfilerHandler;
import dev.treeprof.viewer.undertow.UndertowViewer;
import dev.treeprof.viewer.vertx.VertxViewer;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The README's "Live: mount the viewer in your app" snippets, verbatim between the markers; the
 * Undertow and Vert.x walkthroughs mount the live viewer with exactly these calls, so what the
 * README shows is what {@code ./run-example.sh} runs. The access check here lets only this
 * machine in; an application puts its own authentication there instead.
 */
public final class LiveViewerSnippets {

    /** Where the walkthroughs mount the viewer. */
    public static final String PATH = "/treeprof/";

    private LiveViewerSnippets() {
    }

    /** The Undertow app's root handler: the application, profiled, and the live viewer at {@code /treeprof/}. */
    public static HttpHandler undertow(ProfilerHandler profiler) {
        // [readme:live-undertow]
        HttpHandler viewer = UndertowViewer.of(profiler.recent());
        HttpHandler localOnly = exchange -> {                 // your application's own access check
            if (!exchange.getSourceAddress().getAddress().isLoopbackAddress()) {
                exchange.setStatusCode(403);
                exchange.endExchange();
                return;
            }
            viewer.handleRequest(exchange);
        };
        HttpHandler root = Handlers.path(profiler)            // the application, profiled
                .addPrefixPath("/treeprof", localOnly);       // the viewer at /treeprof/, not profiled
        // [/readme:live-undertow]
        return root;
    }

    /** The Vert.x app's first routes: the live viewer at {@code /treeprof/}, then the profiler. */
    public static void vertx(Router router, dev.treeprof.vertx.ProfilerHandler profiler) {
        // [readme:live-vertx]
        Handler<RoutingContext> localOnly = rc -> {           // your application's own access check
            SocketAddress from = rc.request().remoteAddress();
            if (from != null && "127.0.0.1".equals(from.hostAddress())) {
                rc.next();
            } else {
                rc.response().setStatusCode(403).end();
            }
        };
        router.route("/treeprof/*").order(Integer.MIN_VALUE)  // before the profiler: not profiled
                .handler(localOnly)
                .handler(VertxViewer.of(profiler.recent()));  // the viewer at /treeprof/
        router.route().order(Integer.MIN_VALUE + 1).handler(profiler);   // the application, profiled
        // [/readme:live-vertx]
    }

    /**
     * What the walkthroughs print of the viewer's listing, given as "status body": the status and
     * how many requests it lists (the viewer's own requests are not among them).
     */
    public static String describeListing(String statusAndBody) {
        int space = statusAndBody.indexOf(' ');
        String status = space < 0 ? statusAndBody : statusAndBody.substring(0, space);
        String body = space < 0 ? "" : statusAndBody.substring(space + 1);
        int requests = 0;
        for (int i = body.indexOf("\"method\":"); i >= 0; i = body.indexOf("\"method\":", i + 1)) {
            requests++;
        }
        return "HTTP " + status + ", " + requests + (requests == 1 ? " request" : " requests");
    }
}
