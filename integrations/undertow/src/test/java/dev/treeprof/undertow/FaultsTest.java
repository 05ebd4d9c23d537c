package dev.treeprof.undertow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestProfile;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under load and under faults, a profiled server keeps serving and keeps nothing it should not:
 * finished exchanges are collectable at once, a full disk or a vanished directory costs files, not
 * requests, and disconnecting clients or failing handlers still end their profiles.
 */
@Timeout(120)
class FaultsTest {

    private static final ScopeName WORK = ScopeName.of("work");

    @TempDir
    Path tmp;

    /** Every reference cleared after garbage collection, or fail: no sleep decides, the references do. */
    private static void assertCollected(List<WeakReference<Object>> refs, String what) throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            System.gc();
            if (refs.stream().allMatch(r -> r.get() == null)) {
                return;
            }
            Thread.sleep(20);
        }
        long alive = refs.stream().filter(r -> r.get() != null).count();
        fail(alive + " of " + refs.size() + " " + what + " are still reachable");
    }

    /** One request on its own connection, closed by the server after the response. */
    private static void request(TestServer server, String path) throws IOException {
        assertEquals(200, TestServer.rawStatus(server.raw("GET", path)), path);
    }

    @Test
    void finishedExchangesAreCollectableAtOnceWhenTheResponseIsSentOnTheIoThread() throws Exception {
        List<WeakReference<Object>> exchanges = new ArrayList<>();
        HttpHandler app = ex -> {
            synchronized (exchanges) {
                exchanges.add(new WeakReference<>(ex));
            }
            try (Scope s = Profile.scope(WORK)) {
                ex.getResponseSender().send("ok"); // completes the exchange inside the handler call
            }
        };
        ProfilerHandler handler = ProfilerHandler.wrap(app, ProfilerOptions.builder().noOutput().build());
        try (TestServer server = TestServer.start(handler)) {
            for (int i = 0; i < 200; i++) {
                request(server, "/io/" + i);
            }
            TestServer.awaitProfiles(handler.recent(), ProfilerOptions.DEFAULT_RECENT_CAPACITY);
            // The server still runs: nothing of treeprof's may hold a finished exchange (a timer per
            // request used to hold each one for the 60 s grace period).
            assertCollected(exchanges, "finished exchanges");
            assertEquals(ProfilerOptions.DEFAULT_RECENT_CAPACITY, handler.recent().size(), "only the recent profiles are kept");
        }
    }

    @Test
    void aFullDiskCostsFilesNotRequests() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("small-disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        String why = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(mount.waitFor() == 0,
                "SKIPPED VISIBLY: cannot mount a 64 KiB tmpfs here (needs root), so the full-disk case is not run: " + why);
        try {
            HttpHandler app = ex -> {
                try (Scope s = Profile.scope(WORK)) {
                    ex.getResponseSender().send("ok");
                }
            };
            // JSON profiles of about 1 KiB each: the 64 KiB disk fills within a few dozen requests.
            ProfilerHandler handler = ProfilerHandler.wrap(app, ProfilerOptions.builder().noOutput().profileDir(disk)
                    .filenameFormat("{method}.{path}.{elapsed:.6f}ms.{time:.6f}.json").maxFiles(100_000)
                    .recentCapacity(200).build());
            try (TestServer server = TestServer.start(handler)) {
                for (int i = 0; i < 150; i++) {
                    request(server, "/fill/" + i);
                }
                List<RequestProfile> profiles = TestServer.awaitProfiles(handler.recent(), 150);
                long written = profiles.stream().filter(p -> p.file().isPresent()).count();
                long failed = profiles.stream().filter(p -> p.fileError().map(e -> e.contains("No space left on device"))
                        .orElse(false)).count();
                assertTrue(written > 0 && failed > 0, written + " written, " + failed + " failed for a full disk");
                assertEquals(150, written + failed, "every profile was either written or failed for the disk");
                try (Stream<Path> files = Files.list(disk)) {
                    assertEquals(written, files.filter(p -> !p.getFileName().toString().startsWith(".")).count(),
                            "no half-written profile is left behind");
                }
                try (Stream<Path> files = Files.list(disk)) {
                    assertEquals(0, files.filter(p -> p.getFileName().toString().startsWith(".treeprof-")).count(),
                            "no temporary file is left behind");
                }
            }
        } finally {
            new ProcessBuilder("umount", disk.toString()).start().waitFor();
        }
    }

    @Test
    void aProfileDirectoryDeletedWhileServingIsMadeAgain() throws Exception {
        Path dir = tmp.resolve("profiles");
        HttpHandler app = ex -> {
            try (Scope s = Profile.scope(WORK)) {
                ex.getResponseSender().send("ok");
            }
        };
        ProfilerHandler handler = ProfilerHandler.wrap(app, ProfilerOptions.builder().noOutput().profileDir(dir).build());
        try (TestServer server = TestServer.start(handler)) {
            request(server, "/before");
            TestServer.awaitProfiles(handler.recent(), 1);
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            assertTrue(Files.notExists(dir));
            request(server, "/after");
            RequestProfile after = TestServer.awaitProfiles(handler.recent(), 2).get(0);
            assertEquals("/after", after.request().path());
            assertTrue(Files.isRegularFile(after.file().orElseThrow()), after.fileError().orElse(""));
        }
    }

    @Test
    void clientsThatDisconnectAndHandlersThatThrowStillEndTheirProfilesAndLeakNothing() throws Exception {
        List<WeakReference<Object>> exchanges = new ArrayList<>();
        CountDownLatch disconnected = new CountDownLatch(1);
        HttpHandler dispatched = ex -> slowOrFailing(ex, disconnected);
        ProfilerHandler handler = ProfilerHandler.wrap(ex -> {
            synchronized (exchanges) {
                exchanges.add(new WeakReference<>(ex));
            }
            if (ex.isInIoThread()) {
                ex.dispatch(dispatched);
            }
        }, ProfilerOptions.builder().noOutput().build());
        try (TestServer server = TestServer.start(handler)) {
            // A client that sends its request and goes away before the (slow) response.
            try (Socket s = new Socket("127.0.0.1", server.port)) {
                OutputStream out = s.getOutputStream();
                out.write("GET /gone HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            disconnected.countDown();
            // A handler that throws: Undertow answers 500.
            assertEquals(500, TestServer.rawStatus(server.raw("GET", "/boom")));
            List<RequestProfile> profiles = TestServer.awaitProfiles(handler.recent(), 2);
            RequestProfile boom = profiles.stream().filter(p -> p.request().path().equals("/boom")).findFirst().orElseThrow();
            assertEquals(500, boom.request().status());
            assertTrue(boom.request().attributes().getOrDefault(ExchangeProfile.ERROR_ATTRIBUTE, "").contains("boom"),
                    boom.request().attributes().toString());
            assertTrue(profiles.stream().anyMatch(p -> p.request().path().equals("/gone")), profiles.toString());
            assertCollected(exchanges, "exchanges of failed and abandoned requests");
        }
    }

    private static void slowOrFailing(HttpServerExchange ex, CountDownLatch disconnected) {
        try (Scope s = Profile.scope(WORK)) {
            if (ex.getRequestPath().equals("/boom")) {
                throw new IllegalStateException("boom");
            }
            try {
                disconnected.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.getResponseSender().send("too late");
        }
    }
}
