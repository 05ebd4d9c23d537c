package dev.treeprof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code treeprof view} serves the given directory until its thread is stopped. */
class ViewCommandTest {

    @TempDir
    Path tmp;

    @Test
    void servesTheDirectoryUntilStopped() throws Exception {
        Path prof = tmp.resolve("GET.orders.json");
        Fixtures.recording().dumpStats(prof);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread t = new Thread(() -> status.set(new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run("view", "--port", "0", tmp.toString())));
        t.start();
        Matcher m = null;
        for (int i = 0; i < 200 && (m == null || !m.find()); i++) {
            Thread.sleep(50);
            m = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)").matcher(out.toString(StandardCharsets.UTF_8));
        }
        assertTrue(m.find(0), "prints its address: " + out + err);
        String list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1) + "api/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(list.contains(prof.getFileName().toString()), list);
        assertEquals("", err.toString(StandardCharsets.UTF_8), "no warning on the loopback default");
        t.interrupt();
        t.join(10_000);
        assertEquals(Main.OK, status.get());
    }

    @Test
    void aMissingPathIsAFileErrorAndABadPortAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main main = new Main(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Main.BAD_FILE, main.run("view", "--port", "0", tmp.resolve("nope").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("nope"), err.toString(StandardCharsets.UTF_8));
        assertEquals(Main.USAGE, main.run("view", "--port", "70000", tmp.toString()));
        assertEquals(Main.USAGE, main.run("view"));
    }
}
