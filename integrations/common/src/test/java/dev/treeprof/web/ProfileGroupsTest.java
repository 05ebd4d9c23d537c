package dev.treeprof.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.treeprof.CallNode;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.ThreadTree;
import dev.treeprof.impl.format.Dumps;
import dev.treeprof.impl.stats.StatsTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Grouping request profiles by route, path and method, and merging each group. */
class ProfileGroupsTest {

    private static final ScopeName HANDLER = ScopeName.of("handler");
    private static final ScopeName DB = ScopeName.of("db.query");

    /** A request profile: the handler called once with {@code queries} queries of 1 ms. */
    static Stats request(String method, String route, String path, int status, String host, long start, int queries) {
        CallNode db = CallNode.of(DB, queries, queries * 1_000_000L, queries * 1_000_000L, List.of());
        CallNode handler = CallNode.of(HANDLER, 1, queries * 1_000_000L + 500_000, 500_000, List.of(db));
        CallNode root = CallNode.of(ThreadTree.ROOT, 0, 0, 0, List.of(handler));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(RequestInfo.META_METHOD, method);
        meta.put(RequestInfo.META_PATH, path);
        if (route != null) {
            meta.put(RequestInfo.META_ROUTE, route);
        }
        meta.put(RequestInfo.META_STATUS, Integer.toString(status));
        meta.put(RequestInfo.META_START_EPOCH_MILLIS, Long.toString(start));
        if (host != null) {
            meta.put(RequestInfo.META_HOST, host);
        }
        return StatsTable.fromThreads(List.of(ThreadTree.of("worker-1", root)), meta, start, 2_000_000)
                .withWriter(Dumps.WRITER);
    }

    private final List<Stats> fleet = List.of(
            request("GET", "/orders/:id", "/orders/1", 200, "web-1", 1000, 2),
            request("GET", "/orders/:id", "/orders/2", 200, "web-2", 2000, 3),
            request("GET", "/orders/:id", "/orders/1", 404, "web-3", 3000, 4),
            request("POST", null, "/orders", 201, "web-1", 4000, 1),
            request("GET", null, "/health", 200, null, 5000, 0));

    @Test
    void routeIsTheTemplateElseThePath() {
        assertEquals("/orders/:id", ProfileGroups.key(fleet.get(0), ProfileGroups.By.ROUTE));
        assertEquals("/orders", ProfileGroups.key(fleet.get(3), ProfileGroups.By.ROUTE));
        assertEquals("/orders/1", ProfileGroups.key(fleet.get(0), ProfileGroups.By.PATH));
        assertEquals("POST", ProfileGroups.key(fleet.get(3), ProfileGroups.By.METHOD));
        assertEquals(ProfileGroups.UNKNOWN, ProfileGroups.key(StatsTable.empty(), ProfileGroups.By.ROUTE));
        // a plain "route" attribute, as earlier versions wrote it, and the recording host's name
        Stats older = StatsTable.empty().withMetadata(Map.of("route", "/old/:id", "host.name", "box"));
        assertEquals("/old/:id", ProfileGroups.key(older, ProfileGroups.By.ROUTE));
        assertEquals("box", ProfileGroups.host(older));
        assertEquals(ProfileGroups.By.PATH, ProfileGroups.By.of("Path"));
        assertThrows(IllegalArgumentException.class, () -> ProfileGroups.By.of("host"));
    }

    @Test
    void mergedGroupsSumTheirPartsAndDescribeTheGroup() {
        Map<String, Stats> byRoute = ProfileGroups.merge(fleet, ProfileGroups.By.ROUTE);
        assertEquals(List.of("/health", "/orders", "/orders/:id"), List.copyOf(byRoute.keySet()));
        Stats orders = byRoute.get("/orders/:id");
        assertEquals(3, orders.row("handler").totalCalls());
        assertEquals(2 + 3 + 4, orders.row("db.query").totalCalls());
        assertEquals(0.009, orders.row("db.query").tottime(), 1e-12);
        assertEquals(3, orders.callTree().threads().size(), "every part's tree is kept");
        Map<String, String> m = orders.metadata();
        assertEquals("route", m.get(ProfileGroups.META_GROUP_BY));
        assertEquals("/orders/:id", m.get(ProfileGroups.META_GROUP));
        assertEquals("3", m.get(ProfileGroups.META_PROFILES));
        assertEquals("web-1, web-2, web-3", m.get(ProfileGroups.META_HOSTS));
        assertEquals("web-1, web-2, web-3", m.get(RequestInfo.META_HOST), "not the first part's host");
        assertEquals("/orders/1, /orders/2", m.get(RequestInfo.META_PATH));
        assertEquals("200, 404", m.get(RequestInfo.META_STATUS));
        assertEquals(1000, orders.startMillis());
        assertNull(byRoute.get("/health").metadata().get(ProfileGroups.META_HOSTS), "no host known");

        Map<String, Stats> byMethod = ProfileGroups.merge(fleet, ProfileGroups.By.METHOD);
        assertEquals(4, byMethod.get("GET").row("handler").totalCalls());
        assertEquals(1, byMethod.get("POST").row("handler").totalCalls());
        assertEquals(2, ProfileGroups.group(fleet, ProfileGroups.By.PATH).get("/orders/1").size());
    }

    @Test
    void sinceKeepsLaterRequestsAndDropsUnknownStarts() {
        assertEquals(fleet.subList(2, 5), ProfileGroups.since(fleet, 3000));
        assertEquals(List.of(), ProfileGroups.since(List.of(StatsTable.empty()), 0));
        assertEquals("web-2", ProfileGroups.host(fleet.get(1)));
        assertNull(ProfileGroups.host(fleet.get(4)));
        assertEquals(5000, ProfileGroups.startMillis(fleet.get(4)));
    }
}
