package dev.treeprof.undertow;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.web.RecentProfiles;
import dev.treeprof.web.RequestProfile;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real embedded Undertow on an ephemeral port (1 IO thread, 4 workers: small and deterministic)
 * and a JDK HttpClient forced to HTTP/1.1.
 */
final class TestServer implements AutoCloseable {

    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(20))
            .build();

    private final Undertow server;
    final int port;

    private TestServer(HttpHandler root) {
        server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setIoThreads(1)
                .setWorkerThreads(4)
                .setHandler(root)
                .build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    static TestServer start(HttpHandler root) {
        return new TestServer(root);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends a request line exactly as given (HttpClient normalises or refuses some hostile
     * targets) and returns the whole raw response.
     */
    String raw(String method, String target) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** The status code of a raw response. */
    static int rawStatus(String response) {
        String[] parts = response.split(" ", 3);
        return parts.length < 2 ? -1 : Integer.parseInt(parts[1]);
    }

    /** Waits until {@code count} profiles are kept; profiles are finished after the response is sent. */
    static List<RequestProfile> awaitProfiles(RecentProfiles recent, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (recent.size() >= count) {
                List<RequestProfile> list = recent.list();
                assertTrue(list.size() >= count);
                for (RequestProfile p : list) {
                    try {
                        p.whenWritten().toCompletableFuture().get(30, TimeUnit.SECONDS); // files are written in the background
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        throw new AssertionError("the profile's file was not written: " + p, e);
                    }
                }
                return list;
            }
            Thread.sleep(5);
        }
        fail("expected " + count + " profiles, have " + recent.list());
        return null;
    }

    /** Sleeps inside a scope of its own, like cProfile's {built-in method time.sleep} row. */
    static void sleep(ScopeName name, long millis) {
        try (Scope s = Profile.scope(name)) {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
