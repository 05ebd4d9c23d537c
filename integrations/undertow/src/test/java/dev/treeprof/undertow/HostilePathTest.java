package dev.treeprof.undertow;

import static dev.treeprof.undertow.TestServer.awaitProfiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestProfile;
import io.undertow.server.HttpHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile request targets and methods, sent byte for byte: every profile file lands directly in
 * the profile directory under a safe name, and the responses are those of the unprofiled app.
 */
@Timeout(90)
class HostilePathTest {

    static final ScopeName VIEW = ScopeName.of("app/Views.java", 7, "view");

    static final List<String[]> REQUESTS = List.of(
            new String[] {"GET", "/../../etc/passwd"},
            new String[] {"GET", "/%2e%2e/%2e%2e/%2e%2e/tmp/escape"},
            new String[] {"GET", "/a%2F..%2F..%2F..%2Fescape"},
            new String[] {"GET", "/a%2f..%2f..%2fescape"},
            new String[] {"GET", "/..%5C..%5Cevil"},
            new String[] {"GET", "//etc/passwd"},
            new String[] {"GET", "http://evil.example/../../abs"},
            new String[] {"GET", "/%00nul%00"},
            new String[] {"GET", "/x%0d%0aSet-Cookie:%20a=b"},
            new String[] {"GET", "/%1b[31mred"},
            new String[] {"GET", "/caf%C3%A9"},
            new String[] {"GET", "/~root/.ssh/authorized_keys"},
            new String[] {"GET", "/.."},
            new String[] {"GET", "/."},
            new String[] {"GET", "/a/./b/../../../c"},
            new String[] {"GET", "/" + "a".repeat(300) + "/" + "b".repeat(300)},
            new String[] {"GET", "/" + "%C3%A9".repeat(200)},
            new String[] {"..", "/method-dots"},
            new String[] {".", "/method-dot"},
            new String[] {"M".repeat(100), "/long-method"});

    @TempDir
    Path tmp;

    @Test
    void hostilePathsStayInsideTheDirectoryAndResponsesAreUnchanged() throws Exception {
        AtomicInteger served = new AtomicInteger();
        HttpHandler app = ex -> {
            served.incrementAndGet();
            try (Scope s = Profile.scope(VIEW)) {
                ex.getResponseSender().send("path=" + ex.getRequestPath(), StandardCharsets.UTF_8);
            }
        };
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path dir = root.resolve("profiles");
        ProfilerHandler handler = ProfilerHandler.wrap(app, ProfilerOptions.builder().noOutput().profileDir(dir)
                .recentCapacity(1000).build());

        List<String> plainResponses = new ArrayList<>();
        try (TestServer plain = TestServer.start(app)) {
            for (String[] r : REQUESTS) {
                plainResponses.add(withoutDate(plain.raw(r[0], r[1])));
            }
        }
        int reachedApp = served.getAndSet(0);
        assertTrue(reachedApp >= REQUESTS.size() - 3, "most hostile requests reach the app: " + reachedApp);

        try (TestServer server = TestServer.start(handler)) {
            for (int i = 0; i < REQUESTS.size(); i++) {
                String[] r = REQUESTS.get(i);
                assertEquals(plainResponses.get(i), withoutDate(server.raw(r[0], r[1])), r[0] + " " + r[1]);
            }
            assertEquals(reachedApp, served.get());
            List<RequestProfile> profiles = awaitProfiles(handler.recent(), reachedApp);
            Path realDir = dir.toRealPath();
            for (RequestProfile p : profiles) {
                String what = p.request().method() + " " + p.request().path();
                assertTrue(p.fileError().isEmpty(), what + ": " + p.fileError());
                Path file = p.file().orElseThrow();
                assertEquals(realDir, file.getParent().toRealPath(), what);
                assertTrue(Files.isRegularFile(file), what);
                String name = file.getFileName().toString();
                assertTrue(name.matches("[A-Za-z0-9._-]{1,200}"), what + " -> " + name);
                assertTrue(name.endsWith(".prof"), name);
                assertTrue(!name.equals(".") && !name.equals(".."), name);
            }
        }
        // Nothing was written anywhere but the profile directory, and nothing but files there.
        try (Stream<Path> all = Files.walk(tmp)) {
            Set<Path> written = all.filter(Files::isRegularFile).collect(Collectors.toSet());
            for (Path f : written) {
                assertEquals(dir, f.getParent(), f.toString());
            }
            assertTrue(!written.isEmpty());
        }
        try (Stream<Path> top = Files.list(tmp); Stream<Path> inRoot = Files.list(root)) {
            assertEquals(List.of(root), top.collect(Collectors.toList()));
            assertEquals(List.of(dir), inRoot.collect(Collectors.toList()));
        }
    }

    /** A raw response without its Date header, which differs between two servers. */
    private static String withoutDate(String response) {
        return response.lines().filter(l -> !l.regionMatches(true, 0, "date:", 0, 5))
                .collect(Collectors.joining("\n"));
    }
}
