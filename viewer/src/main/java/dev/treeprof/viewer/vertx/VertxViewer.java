package dev.treeprof.viewer.vertx;

import dev.treeprof.viewer.ViewerResponse;
import dev.treeprof.viewer.ViewerRoutes;
import dev.treeprof.web.RecentProfiles;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The live viewer as a vertx-web handler: the viewer's page showing an application's recent
 * request profiles (those its treeprof {@code ProfilerHandler} keeps in {@code recent()}), new
 * requests appearing as they finish. It does nothing unless the application mounts it, and it has
 * no access control of its own: the profiles show the application's code and its requests, so
 * put the application's own check before it, and mount it before the profiler (a lower order) so
 * that looking at the profiles does not add profiles:
 *
 * <pre>{@code
 * router.route("/admin/treeprof/*").order(-2).handler(adminOnly).handler(VertxViewer.of(profiler.recent()));
 * router.route().order(-1).handler(profiler);
 * }</pre>
 *
 * The page is at the route's prefix with a trailing slash ({@code /admin/treeprof/}); the prefix
 * itself redirects there. It works on a sub-router too. The answers are made on a worker thread
 * ({@code executeBlocking}), never on the event loop: listing summarizes profiles and opening one
 * converts its stats to JSON.
 */
public final class VertxViewer implements Handler<RoutingContext> {

    private final ViewerRoutes routes;

    private VertxViewer(ViewerRoutes routes) {
        this.routes = routes;
    }

    /** The viewer of these recent profiles, e.g. {@code ProfilerHandler.recent()}. */
    public static VertxViewer of(RecentProfiles recent) {
        return new VertxViewer(ViewerRoutes.forRecent(recent));
    }

    @Override
    public void handle(RoutingContext rc) {
        String mount = mountPath(rc);
        String raw = rc.request().path();
        String relative = raw != null && raw.startsWith(mount) ? raw.substring(mount.length())
                : rc.normalizedPath().startsWith(mount) ? rc.normalizedPath().substring(mount.length()) : "/";
        String method = rc.request().method().name();
        String query = rc.request().query();
        rc.vertx().executeBlocking(() -> routes.handle(method, mount, relative, query), false)
                .onComplete(ar -> {
                    HttpServerResponse response = rc.response();
                    if (response.ended() || response.closed()) {
                        return;
                    }
                    if (ar.failed()) {
                        rc.fail(ar.cause());
                        return;
                    }
                    ViewerResponse r = ar.result();
                    response.setStatusCode(r.status());
                    for (Map.Entry<String, String> h : r.headers().entrySet()) {
                        response.putHeader(h.getKey(), h.getValue());
                    }
                    if (rc.request().method() == HttpMethod.HEAD) {
                        response.putHeader("Content-Length", Integer.toString(r.body().length)).end();
                    } else {
                        response.end(Buffer.buffer(r.body()));
                    }
                });
    }

    /**
     * Where the viewer is mounted: a sub-router's mount point followed by the route's path without
     * its wildcard ({@code /admin/treeprof/*} is mounted at {@code /admin/treeprof}).
     */
    static String mountPath(RoutingContext rc) {
        String mountPoint = rc.mountPoint() == null ? "" : trimSlash(rc.mountPoint());
        Route route = rc.currentRoute();
        String path = route == null || route.getPath() == null ? "" : trimSlash(route.getPath());
        return mountPoint + path;
    }

    private static String trimSlash(String p) {
        String s = p;
        if (s.endsWith("*")) {
            s = s.substring(0, s.length() - 1);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
