package dev.treeprof.examples.readme;

import dev.treeprof.web.ProfileWriter;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.PyroscopeExporter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's Pyroscope exporter snippet, verbatim between the markers, so it compiles against
 * the current API; ReadmeSnippetsTest fails when it and the README differ. Not run: it needs a
 * Pyroscope server (PyroscopeExporterTest pushes to a local endpoint instead).
 */
final class PprofSnippets {

    private PprofSnippets() {
    }

    static ProfilerOptions pyroscope() {
        // [readme:pyroscope-exporter]
        PyroscopeExporter exporter = PyroscopeExporter.builder(URI.create("http://pyroscope:4040"), "shop")
                .interval(Duration.ofSeconds(15)).queueCapacity(1000).timeout(Duration.ofSeconds(10))
                .build().start();
        ProfilerOptions options = ProfilerOptions.builder()
                .profileDir(Path.of("profiles"))
                .filenameFormat("{method}.{path}.{elapsed}ms.{time}.json")
                .profileWriter((stats, file) -> {
                    ProfileWriter.dumpStats().write(stats, file);
                    exporter.offer(stats);
                })
                .build();
        // [/readme:pyroscope-exporter]
        return options;
    }
}
