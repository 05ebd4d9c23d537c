package dev.treeprof.web;

import dev.treeprof.impl.stats.PyFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeFileNamesTest {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+");

    @TempDir
    Path dir;

    /** Ordinary paths keep werkzeug's names (werkzeug: PATH_INFO stripped of '/', '/' replaced by '.', or 'root'). */
    @Test
    void ordinaryPathsAsWerkzeug() {
        assertEquals("root", SafeFileNames.pathPart("/"));
        assertEquals("a.b.c", SafeFileNames.pathPart("/a/b/c/"));
        assertEquals("a.b.c", SafeFileNames.pathPart("/a.b/c"));
        assertEquals("a..b", SafeFileNames.pathPart("/a//b"));
        assertEquals("x", SafeFileNames.pathPart("/x?y=1"));
        assertEquals("hello.world", SafeFileNames.pathPart("/hello/world"));
        assertEquals("v1.items-list_2", SafeFileNames.pathPart("/v1/items-list_2"));
    }

    /** Hostile paths: the expected part, which holds no separator and only safe characters. */
    private static final String[][] HOSTILE = {
        {"/../../etc/passwd", "_._.etc.passwd"},
        {"/..%2F..%2Fetc", "_._.etc"},
        {"/..%2f..%5c..%5Cetc", "_._._.etc"},
        {"/a\\..\\..\\b", "a._._.b"},
        {"/%2e%2e/%2e%2e/x", "_2e_2e._2e_2e.x"},
        {"/x%00y", "x_00y"},
        {"/x\u0000y", "x_y"},
        {"/nl\n\r\tx", "nl___x"},
        {"/caf\u00e9", "caf_"},
        {"/caf\u00c3\u00a9", "caf__"},
        {"/emoji\ud83d\ude00", "emoji_"},
        {"", "root"},
        {"//", "root"},
        {"///", "root"},
        {"\\\\", "root"},
        {"%2F", "root"},
        {"/.", "_"},
        {"/./..", "_._"},
        {"/..", "_"},
        {"C:\\Windows\\x", "C_.Windows.x"},
        {"/a b;c|d*e:f<g>h\"i'j", "a_b_c_d_e_f_g_h_i_j"},
        {"/~user/$HOME", "_user._HOME"},
    };

    @Test
    void hostilePaths() {
        for (String[] c : HOSTILE) {
            String part = SafeFileNames.pathPart(c[0]);
            assertEquals(c[1], part, () -> "path part of " + PyFormat.reprString(c[0]));
            assertTrue(SAFE.matcher(part).matches(), part);
        }
        assertEquals("root", SafeFileNames.pathPart(null));
    }

    @Test
    void methodSanitised() {
        assertEquals("GET", SafeFileNames.methodPart("GET"));
        assertEquals("M-SEARCH", SafeFileNames.methodPart("M-SEARCH"));
        assertEquals("_.._etc", SafeFileNames.methodPart("/../etc"));
        assertEquals("_", SafeFileNames.methodPart(""));
        assertEquals("_", SafeFileNames.methodPart(null));
        assertEquals("_", SafeFileNames.methodPart(".."));
        assertEquals(SafeFileNames.MAX_METHOD_LENGTH, SafeFileNames.methodPart("X".repeat(300)).length());
    }

    @Test
    void sanitizeAnyName() {
        assertEquals("a_b_c.prof", SafeFileNames.sanitize("a/b\\c.prof"));
        assertEquals("_hidden.prof", SafeFileNames.sanitize(".hidden.prof"));
        assertEquals("__", SafeFileNames.sanitize(".."));
        assertEquals("__", SafeFileNames.sanitize("./"));
        assertEquals("_", SafeFileNames.sanitize(""));
        assertEquals("_", SafeFileNames.sanitize(null));
        assertEquals("name_", SafeFileNames.sanitize("name."));
        String cut = SafeFileNames.sanitize("a".repeat(400) + ".speedscope.json");
        assertEquals(SafeFileNames.MAX_NAME_LENGTH, cut.length());
        assertTrue(cut.endsWith(".speedscope.json"), cut);
    }

    @Test
    void truncateKeepsExtensionAndTellsCutNamesApart() {
        String a = SafeFileNames.truncate("x".repeat(300) + "a.prof", 200);
        String b = SafeFileNames.truncate("x".repeat(300) + "b.prof", 200);
        assertEquals(200, a.length());
        assertTrue(a.endsWith(".prof"));
        assertFalse(a.equals(b), "cut names keep a hash of the whole name");
        assertEquals("short.prof", SafeFileNames.truncate("short.prof", 200));
        String noExt = SafeFileNames.truncate("y".repeat(300), 50);
        assertEquals(50, noExt.length());
        assertThrows(IllegalArgumentException.class, () -> SafeFileNames.truncate("x", 10));
    }

    @Test
    void resolveInsideAcceptsPlainNamesOnly() {
        Path base = dir.toAbsolutePath().normalize();
        assertEquals(base.resolve("GET.root.1ms.2.prof"), SafeFileNames.resolveInside(dir, "GET.root.1ms.2.prof"));
        assertEquals(base.resolve("GET...etc.prof"), SafeFileNames.resolveInside(dir, "GET...etc.prof"));
        for (String bad : new String[] {"", ".", "..", "../x", "a/b", "/etc/passwd", "a\\b", "x\u0000y", null}) {
            assertThrows(IllegalArgumentException.class, () -> SafeFileNames.resolveInside(dir, bad),
                    () -> "accepted " + bad);
        }
        // A profile dir given with dots still compares by its normal form.
        Path dotted = dir.resolve("sub").resolve("..");
        assertEquals(base.resolve("f.prof"), SafeFileNames.resolveInside(dotted, "f.prof"));
    }

    /** Whatever the request, the name built from it resolves directly inside the directory. */
    @Test
    void everyHostileRequestStaysInside() {
        FileNameFormat format = FileNameFormat.compile(ProfilerOptions.DEFAULT_FILENAME_FORMAT);
        String[] methods = {"GET", "/../../x", "..", "", "G\u0000T", "\u00e9"};
        for (String m : methods) {
            for (String[] c : HOSTILE) {
                RequestInfo r = RequestInfo.of(m, c[0]).finished(200, 1_000_000, java.util.List.of());
                String name = format.fileName(r);
                assertTrue(SAFE.matcher(name).matches(), name);
                assertTrue(name.length() <= SafeFileNames.MAX_NAME_LENGTH);
                Path p = SafeFileNames.resolveInside(dir, name);
                assertEquals(dir.toAbsolutePath().normalize(), p.getParent());
            }
        }
    }
}
