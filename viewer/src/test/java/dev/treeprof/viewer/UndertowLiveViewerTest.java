package dev.treeprof.viewer;

import dev.treeprof.undertow.ProfilerHandler;
import dev.treeprof.viewer.undertow.UndertowViewer;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RecentProfiles;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;

/** The live viewer in a real Undertow application, mounted as {@link UndertowViewer}'s documentation shows. */
class UndertowLiveViewerTest extends LiveViewerContract {

    static {
        if (System.getProperty("org.jboss.logging.provider") == null) {
            System.setProperty("org.jboss.logging.provider", "slf4j");
        }
    }

    @Override
    App start() {
        HttpHandler application = exchange -> {
            if (exchange.getRequestPath().equals("/work")) {
                String n = exchange.getQueryParameters().get("n").getFirst();
                work(Integer.parseInt(n));
                exchange.getResponseSender().send("worked");
            } else {
                exchange.setStatusCode(404);
                exchange.getResponseSender().send("not found");
            }
        };
        ProfilerHandler profiler = ProfilerHandler.wrap(application,
                ProfilerOptions.builder().noOutput().recentCapacity(CAPACITY).build());
        HttpHandler viewer = UndertowViewer.of(profiler.recent());
        // the application's own access check, in front of the viewer
        HttpHandler adminOnly = exchange -> {
            if (!authorized(exchange.getRequestHeaders().getFirst(Headers.COOKIE))) {
                exchange.setStatusCode(403);
                exchange.getResponseSender().send("forbidden");
                return;
            }
            viewer.handleRequest(exchange);
        };
        // the viewer outside the profiled chain: its requests are not profiled
        HttpHandler root = Handlers.path(profiler).addPrefixPath(MOUNT, adminOnly);
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setWorkerThreads(4)
                .setHandler(root).build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        return new App() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public RecentProfiles recent() {
                return profiler.recent();
            }

            @Override
            public void close() {
                server.stop();
            }
        };
    }
}
