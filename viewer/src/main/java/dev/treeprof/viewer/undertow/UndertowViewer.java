package dev.treeprof.viewer.undertow;

import dev.treeprof.viewer.ViewerResponse;
import dev.treeprof.viewer.ViewerRoutes;
import dev.treeprof.web.RecentProfiles;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The live viewer as an Undertow handler: the viewer's page showing an application's recent
 * request profiles (those its treeprof {@code ProfilerHandler} keeps in {@code recent()}), new
 * requests appearing as they finish. It does nothing unless the application mounts it, and it has
 * no access control of its own: the profiles show the application's code and its requests, so
 * mount it behind the application's own check, and outside the profiled handler chain so that
 * looking at the profiles does not add profiles:
 *
 * <pre>{@code
 * ProfilerHandler profiler = ProfilerHandler.wrap(app);
 * HttpHandler viewer = UndertowViewer.of(profiler.recent());
 * HttpHandler root = Handlers.path(profiler)                  // the application, profiled
 *         .addPrefixPath("/admin/treeprof", adminOnly(viewer)); // the viewer, not profiled
 * }</pre>
 *
 * Mounted under a prefix with a {@code PathHandler}, the page is at the prefix with a trailing
 * slash ({@code /admin/treeprof/}); the prefix itself redirects there. The answers are made on a
 * worker thread ({@link HttpServerExchange#dispatch}), never on the IO thread: listing summarizes
 * profiles and opening one converts its stats to JSON.
 */
public final class UndertowViewer implements HttpHandler {

    private final ViewerRoutes routes;

    private UndertowViewer(ViewerRoutes routes) {
        this.routes = routes;
    }

    /** The viewer of these recent profiles, e.g. {@code ProfilerHandler.recent()}. */
    public static UndertowViewer of(RecentProfiles recent) {
        return new UndertowViewer(ViewerRoutes.forRecent(recent));
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        String mount = exchange.getResolvedPath();
        String method = exchange.getRequestMethod().toString();
        ViewerResponse r = routes.handle(method, mount, relativeRawPath(exchange, mount), exchange.getQueryString());
        exchange.setStatusCode(r.status());
        for (Map.Entry<String, String> h : r.headers().entrySet()) {
            exchange.getResponseHeaders().put(HttpString.tryFromString(h.getKey()), h.getValue());
        }
        exchange.setResponseContentLength(r.body().length);
        if (method.equals("HEAD")) {
            exchange.endExchange();
        } else {
            exchange.getResponseSender().send(ByteBuffer.wrap(r.body()));
        }
    }

    /**
     * The path below the mount point as the client sent it (percent-encoded), which the viewer's
     * routes expect; the decoded relative path when the raw one does not start with the mount point
     * (an absolute-form request line, or a mount point the client spelled with escapes).
     */
    static String relativeRawPath(HttpServerExchange exchange, String mount) {
        String raw = exchange.getRequestURI();
        int scheme = raw.indexOf("://");
        if (scheme >= 0 && !raw.startsWith("/")) {
            int slash = raw.indexOf('/', scheme + 3);
            raw = slash < 0 ? "" : raw.substring(slash);
        }
        if (raw.startsWith(mount)) {
            return raw.substring(mount.length());
        }
        return exchange.getRelativePath();
    }
}
