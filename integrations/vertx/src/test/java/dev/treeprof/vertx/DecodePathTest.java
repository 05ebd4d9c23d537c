package dev.treeprof.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The request path as werkzeug's PATH_INFO: percent-decoded, without query. */
class DecodePathTest {

    @Test
    void decodesUtf8EscapesAndDropsTheQuery() {
        assertEquals("/café/x", VertxProfiling.decodePath("/caf%C3%A9/x?y=%20"));
        assertEquals("/a b+c", VertxProfiling.decodePath("/a%20b+c"));
        assertEquals("/a/b", VertxProfiling.decodePath("/a%2Fb"));
        assertEquals("/../x", VertxProfiling.decodePath("/%2e%2e/x"));
        assertEquals("/a\u0000b", VertxProfiling.decodePath("/a%00b"));
    }

    @Test
    void keepsWhatIsNotAnEscapeAndReplacesBrokenUtf8() {
        assertEquals("/%ZZ/%4", VertxProfiling.decodePath("/%ZZ/%4"));
        assertEquals("/100%", VertxProfiling.decodePath("/100%"));
        assertEquals("/\uFFFD", VertxProfiling.decodePath("/%C3"));
        assertEquals("/plain", VertxProfiling.decodePath("/plain"));
        assertEquals("", VertxProfiling.decodePath(null));
        assertEquals("", VertxProfiling.decodePath("?only=query"));
    }
}
