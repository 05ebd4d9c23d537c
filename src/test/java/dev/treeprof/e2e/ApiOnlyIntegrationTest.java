package dev.treeprof.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.e2e.minimal.ApiOnlyServers;
import dev.treeprof.e2e.minimal.MinimalProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Undertow and Vert.x middleware run against a second implementation of the SPI, written in
 * this test ({@link MinimalProvider}), in a JVM without treeprof-impl: they need the API only.
 */
class ApiOnlyIntegrationTest {

    @Test
    void bothMiddlewaresWorkWithAnotherImplementationAndWithoutTreeprofImpl(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("services");
        Files.createDirectories(services.resolve("META-INF/services"));
        Files.writeString(services.resolve("META-INF/services/dev.treeprof.spi.ProfilerProvider"),
                MinimalProvider.class.getName() + "\n");
        List<String> classPath = new ArrayList<>();
        classPath.add(services.toString());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            if (!e.contains("/impl/target/") && !e.contains("treeprof-impl")) {
                classPath.add(entry);
            }
        }
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, classPath), ApiOnlyServers.class.getName(),
                dir.resolve("profiles").toString())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, child.exitValue(), out);
        List<String> lines = out.lines().collect(Collectors.toList());

        assertTrue(lines.contains("PROVIDER " + MinimalProvider.class.getName()), out);
        assertTrue(lines.contains("IMPL absent"), out);
        assertTrue(lines.contains("RESPONSE /u 200 u") && lines.contains("RESPONSE /v 200 v"), out);
        // Undertow: the handler call, the dispatched task, the application's scopes on both threads.
        assertTrue(lines.contains("STATS undertow MinimalStats"), out);
        assertTrue(lines.contains("ROWS undertow [undertow-app, undertow-worker, undertow.dispatch, undertow.handleRequest]"),
                out);
        assertTrue(lines.contains("META undertow GET /u 200"), out);
        assertTrue(lines.contains("REPORT undertow PATH: '/u'"), out);
        assertTrue(lines.contains("FILE undertow minimal json dump"), out);
        // Vert.x: the root row, the handler and the executeBlocking hop, through the context lookup.
        assertTrue(lines.contains("STATS vertx MinimalStats"), out);
        assertTrue(lines.contains("ROWS vertx [vertx-app, vertx-blocking, vertx.handleRequest]"), out);
        assertTrue(lines.contains("META vertx GET /v 200"), out);
        assertTrue(lines.contains("REPORT vertx PATH: '/v'"), out);
        assertTrue(lines.contains("FILE vertx minimal json dump"), out);
        assertTrue(lines.contains("DONE"), out);
    }
}
