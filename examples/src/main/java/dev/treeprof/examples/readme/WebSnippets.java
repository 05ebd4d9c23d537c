package dev.treeprof.examples.readme;

import dev.treeprof.undertow.ProfilerHandler;
import dev.treeprof.web.ProfilerOptions;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.vertx.ext.web.Router;
import java.nio.file.Path;

/**
 * The README's web snippets, verbatim between the markers, so they compile against the current
 * API; ReadmeSnippetsTest fails when they and the README differ. Not run: they listen on fixed
 * ports (the examples under {@code dev.treeprof.examples.undertow} and {@code .vertx} run the same
 * calls).
 */
final class WebSnippets {

    private WebSnippets() {
    }

    static void undertow(HttpHandler app) {
        // [readme:undertow]
        ProfilerOptions options = ProfilerOptions.builder()
                .sortBy("cumtime", "calls")              // werkzeug's sort_by (default "tottime", "calls")
                .restrictions("com/example", 30)         // werkzeug's restrictions
                .profileDir(Path.of("profile_output"))   // werkzeug's profile_dir: one file per request
                .build();
        Undertow.builder().addHttpListener(8080, "localhost")
                .setHandler(ProfilerHandler.wrap(app, options))       // or new ProfilerHandlerWrapper(options)
                .build().start();
        // [/readme:undertow]
    }

    static void vertx(Router router, ProfilerOptions options) {
        // [readme:vertx]
        router.route().order(Integer.MIN_VALUE).handler(dev.treeprof.vertx.ProfilerHandler.create(options));
        // [/readme:vertx]
    }
}
