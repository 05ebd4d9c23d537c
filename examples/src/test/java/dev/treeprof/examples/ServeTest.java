package dev.treeprof.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.examples.undertow.UndertowWalkthrough;
import dev.treeprof.examples.vertx.VertxWalkthrough;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ./run-example.sh serve undertow|vertx}: the app prints its URL, serves requests from
 * outside (each printed as a report and written as a file) until it is stopped, then stops cleanly.
 */
class ServeTest {

    private static final Pattern URL = Pattern.compile("== Serving (http://127\\.0\\.0\\.1:\\d+/) until Ctrl-C");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"undertow", "vertx"})
    void servesUntilStopped(String app) throws Exception {
        Class<?> main = app.equals("undertow") ? UndertowWalkthrough.class : VertxWalkthrough.class;
        Path profiles = dir.resolve("profiles");
        JavaProcess p = JavaProcess.start(dir, main, profiles.toString(), "0", "--serve");
        try {
            Matcher m = URL.matcher(p.awaitOutput("until Ctrl-C", 60));
            assertTrue(m.find(), p.stdout());
            String url = m.group(1);
            p.awaitOutput("curl " + url + "recursive", 10);

            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url + "recursive"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            p.awaitOutput("PATH: '/recursive'", 30);
            String out = p.awaitOutput("recurse", 30); // the recursion's rows: only in the report
            // it sent no requests of its own: only ours was profiled
            assertTrue(!out.contains("PATH: '/'\n"), out);
            // the live viewer beside the app: it lists that request, and its own requests are not profiled
            p.awaitOutput("open " + url + "treeprof/ in a browser", 10);
            HttpResponse<String> redirect = client.send(HttpRequest.newBuilder(URI.create(url + "treeprof"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(302, redirect.statusCode(), redirect.body());
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(url + "treeprof/"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("static/app.js"), page.body());
            HttpResponse<String> list = client.send(HttpRequest.newBuilder(URI.create(url + "treeprof/api/list"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, list.statusCode(), list.body());
            assertTrue(list.body().contains("\"path\":\"/recursive\""), list.body());
            assertTrue(!list.body().contains("\"path\":\"/treeprof"), list.body());
            // the file is written after the report is printed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (recursiveFiles(profiles) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            assertEquals(143, p.stop(30), "SIGTERM's exit status after the shutdown hooks; stderr:\n" + p.stderr());
        }
        assertTrue(p.stdout().contains("== Stopped"), p.stdout());
        assertTrue(!p.stdout().contains("PATH: '/treeprof"), "the viewer's requests are not profiled:\n" + p.stdout());
        assertEquals(1, recursiveFiles(profiles), "the request's profile file");
    }

    private static long recursiveFiles(Path profiles) throws IOException {
        if (!Files.isDirectory(profiles)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(profiles)) {
            return files.filter(f -> f.getFileName().toString().startsWith("GET.recursive.")).count();
        }
    }
}
