package dev.treeprof.undertow;

import static dev.treeprof.undertow.TestServer.awaitProfiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestProfile;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Undertow's composition styles: a HandlerWrapper shared by several handlers, and predicate handlers. */
@Timeout(90)
class WrapperTest {

    static final ScopeName VIEW = ScopeName.of("app/Views.java", 7, "view");

    static final HttpHandler APP = ex -> {
        try (Scope s = Profile.scope(VIEW)) {
            ex.getResponseSender().send(ex.getRequestPath());
        }
    };

    @Test
    void handlersOfOneWrapperShareTheirRecentProfiles() throws Exception {
        ProfilerOptions options = ProfilerOptions.builder().noOutput().recentCapacity(2).build();
        ProfilerHandlerWrapper wrapper = new ProfilerHandlerWrapper(options);
        assertSame(options, wrapper.options());
        HttpHandler root = Handlers.path()
                .addPrefixPath("/users", wrapper.wrap(APP))
                .addPrefixPath("/orders", wrapper.wrap(APP));
        try (TestServer server = TestServer.start(root)) {
            assertEquals("/users/1", server.get("/users/1").body());
            awaitProfiles(wrapper.recent(), 1);
            assertEquals("/orders/2", server.get("/orders/2").body());
            awaitProfiles(wrapper.recent(), 2);
            assertEquals("/users/3", server.get("/users/3").body());
            // Bounded by count, newest first: the first request has gone. (Polled: the third
            // profile is added after its response, and list() may see it before the oldest is evicted.)
            List<String> expected = List.of("/users/3", "/orders/2");
            long deadline = System.nanoTime() + 30_000_000_000L;
            List<String> kept = paths(wrapper.recent().list());
            while (!kept.equals(expected) && System.nanoTime() < deadline) {
                Thread.sleep(5);
                kept = paths(wrapper.recent().list());
            }
            assertEquals(expected, kept);
        }
    }

    private static List<String> paths(List<RequestProfile> profiles) {
        return profiles.stream().map(p -> p.request().path()).toList();
    }

    @Test
    void undertowsPredicateHandlerChoosesRequestsByHeader() throws Exception {
        ProfilerHandler profiled = ProfilerHandler.wrap(APP, ProfilerOptions.builder().noOutput().build());
        HttpHandler root = Handlers.predicate(ex -> ex.getRequestHeaders().contains("X-Profile"), profiled, APP);
        try (TestServer server = TestServer.start(root)) {
            assertEquals("/plain", server.get("/plain").body());
            assertEquals("/asked", TestServer.send(HttpRequest.newBuilder(server.uri("/asked"))
                    .header("X-Profile", "1").build()).body());
            List<RequestProfile> kept = awaitProfiles(profiled.recent(), 1);
            Thread.sleep(100);
            assertEquals(List.of("/asked"), paths(profiled.recent().list()));
            assertEquals(1, kept.get(0).stats().row(VIEW.label()).totalCalls());
        }
    }
}
