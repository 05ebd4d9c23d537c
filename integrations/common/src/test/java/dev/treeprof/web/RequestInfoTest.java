package dev.treeprof.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestInfoTest {

    @Test
    void startedRequest() {
        long before = System.currentTimeMillis();
        RequestInfo r = RequestInfo.of("GET", "/a/b?x=1&y=2");
        assertEquals("GET", r.method());
        assertEquals("/a/b", r.path());
        assertFalse(r.isFinished());
        assertEquals(RequestInfo.UNKNOWN_STATUS, r.status());
        assertEquals(-1, r.elapsedNanos());
        assertTrue(r.startEpochMillis() >= before && r.startEpochMillis() <= System.currentTimeMillis());
        Map<String, String> meta = r.toMetadata();
        assertEquals(Map.of(RequestInfo.META_METHOD, "GET", RequestInfo.META_PATH, "/a/b",
                RequestInfo.META_START_EPOCH_MILLIS, Long.toString(r.startEpochMillis()),
                RequestInfo.META_HOST, meta.get(RequestInfo.META_HOST)), meta);
        assertFalse(meta.get(RequestInfo.META_HOST).isBlank(), "the host tells instances apart when profiles are merged");
        assertThrows(NullPointerException.class, () -> RequestInfo.of(null, "/"));
        assertThrows(NullPointerException.class, () -> RequestInfo.of("GET", null));
    }

    @Test
    void startInThePastShiftsTheEpochStart() {
        long now = System.currentTimeMillis();
        RequestInfo r = RequestInfo.of("GET", "/", System.nanoTime() - 5_000_000_000L);
        assertTrue(r.startEpochMillis() <= now - 4_900, "started about 5 s ago: " + (now - r.startEpochMillis()));
    }

    @Test
    void finishedRequestMetadata() {
        RequestInfo r = RequestInfo.of("POST", "/orders").withAttribute("route", "/orders")
                .withAttribute(RequestInfo.META_METHOD, "overridden by the real one")
                .finished(201, 12_345_678, List.of("worker-1", "io-0"));
        assertTrue(r.isFinished());
        assertEquals(12.345678, r.elapsedMillis(), 1e-9);
        assertEquals(r.startEpochMillis() + 12, r.endEpochMillis());
        Map<String, String> m = r.toMetadata();
        assertEquals("POST", m.get(RequestInfo.META_METHOD));
        assertEquals("/orders", m.get("route"));
        assertEquals("201", m.get(RequestInfo.META_STATUS));
        assertEquals("12345678", m.get(RequestInfo.META_ELAPSED_NANOS));
        assertEquals("worker-1, io-0", m.get(RequestInfo.META_THREADS));
        assertThrows(IllegalArgumentException.class, () -> r.finished(200, -1, List.of()));
        assertThrows(UnsupportedOperationException.class, () -> m.put("x", "y"));
    }

    @Test
    void attributesGivenAtTheEndKeepTheirOrderAndSkipNulls() {
        RequestInfo r = RequestInfo.of("GET", "/");
        assertEquals(Map.of("route", "/x"), r.withAttributes(Map.of("route", "/x")).attributes());
        Map<String, String> nullValue = new java.util.HashMap<>();
        nullValue.put("error", null);
        assertSame(r, r.withAttributes(nullValue));
        Map<String, String> two = new java.util.LinkedHashMap<>();
        two.put("error", "connection closed");
        two.put("route", "/x");
        assertEquals(List.of("error", "route"), List.copyOf(r.withAttributes(two).attributes().keySet()));
        RequestInfo more = r.withAttribute("first", "1").withAttributes(Map.of("second", "2"));
        assertEquals(List.of("first", "second"), List.copyOf(more.attributes().keySet()));
        assertThrows(UnsupportedOperationException.class,
                () -> r.withAttributes(Map.of("route", "/x")).attributes().put("a", "b"));
    }
}
