package dev.treeprof.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FileNameFormatTest {

    /** A finished request that ended at a known instant. */
    private static RequestInfo request(String method, String path, long elapsedNanos) {
        return RequestInfo.of(method, path).finished(200, elapsedNanos, List.of("main"));
    }

    private static String endSeconds(RequestInfo r) {
        return FileNameFormat.fixed(r.endEpochMillis() / 1000.0, 0);
    }

    @Test
    void defaultFormatAsWerkzeug() {
        FileNameFormat f = FileNameFormat.compile(ProfilerOptions.DEFAULT_FILENAME_FORMAT);
        RequestInfo r = request("GET", "/a/b/c/", 12_400_000);
        assertEquals("GET.a.b.c.12ms." + endSeconds(r) + ".prof", f.fileName(r));
        RequestInfo root = request("POST", "/", 100_000);
        assertEquals("POST.root.0ms." + endSeconds(root) + ".prof", f.fileName(root));
    }

    @Test
    void fixedRoundsLikePython() {
        // format(x, ".0f") in CPython: the exact binary value rounded half to even.
        assertEquals("0", FileNameFormat.fixed(0.5, 0));
        assertEquals("2", FileNameFormat.fixed(1.5, 0));
        assertEquals("2", FileNameFormat.fixed(2.5, 0));
        assertEquals("3", FileNameFormat.fixed(3.4999, 0));
        assertEquals("12", FileNameFormat.fixed(12.5, 0));
        assertEquals("1700000000", FileNameFormat.fixed(1699999999.5, 0));
        assertEquals("0", FileNameFormat.fixed(0.49999999999999994, 0));
        assertEquals("3.50", FileNameFormat.fixed(3.4999, 2));
    }

    @Test
    void theQuickPathOfFixedAgreesWithExactDecimalArithmetic() {
        // Request durations in ms, epoch seconds with their fractions, ties and near-ties at every
        // number of decimals: the shortcut must give exactly what BigDecimal gives.
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        List<Double> values = new java.util.ArrayList<>(List.of(0.0, 0.5, 1.5, 2.5, 0.125, 0.375, 1e-7, 0.0049999999999999,
                0.005, 0.015, 1.005, 2.675, 1699999999.5, 1764230400.123456, 4503599627370495.5, 9.5e15, 1e300));
        for (int i = 0; i < 20_000; i++) {
            values.add(random.nextDouble() * 1000);                        // elapsed ms
            values.add(1.7e9 + random.nextLong(300_000_000_000L) / 1000.0); // epoch seconds of epoch millis
            values.add(random.nextInt(100_000) / 8.0);                       // exact halves and eighths: ties
            values.add(Math.nextUp(random.nextInt(10_000) + 0.5));
            values.add(Math.nextDown(random.nextInt(10_000) + 0.5));
        }
        for (double v : values) {
            for (int d = 0; d <= 6; d++) {
                assertEquals(FileNameFormat.exact(v, d), FileNameFormat.fixed(v, d), v + " with " + d + " decimals");
            }
        }
    }

    @Test
    void werkzeugSpecsAndLiterals() {
        FileNameFormat f = FileNameFormat.compile("{method}-{path}-{elapsed:.0f}ms-{elapsed:.2f}.json");
        RequestInfo r = request("GET", "/x", 2_500_000);
        assertEquals("GET-x-2ms-2.50.json", f.fileName(r));
        assertEquals("GET.x.prof", FileNameFormat.compile("{method}.{path}.prof").fileName(r));
    }

    @Test
    void badFormatsFailEarly() {
        String[] bad = {"{method}.{query}.prof", "{method", "{method}}.prof", "x}", "{path:.0f}.prof",
            "{elapsed:d}.prof", "{elapsed:.9f}.prof", "../{path}.prof", "dir/{path}.prof", "{path} x.prof",
            "{path}\\x.prof", "", ".{path}.prof", "..", "{}"};
        for (String b : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FileNameFormat.compile(b),
                    () -> "accepted " + b);
            assertTrue(e.getMessage().contains("filenameFormat"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FileNameFormat.compile("{method}.{user}.prof"))
                .getMessage().contains("unknown field {user}"));
    }

    @Test
    void longPathsAreCutKeepingTheRest() {
        FileNameFormat f = FileNameFormat.compile(ProfilerOptions.DEFAULT_FILENAME_FORMAT);
        RequestInfo a = request("GET", "/" + "seg/".repeat(100) + "a", 3_000_000);
        RequestInfo b = request("GET", "/" + "seg/".repeat(100) + "b", 3_000_000);
        String na = f.fileName(a);
        String nb = f.fileName(b);
        assertEquals(SafeFileNames.MAX_NAME_LENGTH, na.length(), na);
        assertTrue(na.startsWith("GET.seg.seg."), na);
        assertTrue(na.endsWith(".3ms." + endSeconds(a) + ".prof"), na);
        assertTrue(!na.equals(nb), "paths differing only at their end keep distinct names");
        assertTrue(f.ownNames().matcher(na).matches(), na);
        // A 300-character single segment too.
        String n300 = f.fileName(request("GET", "/" + "z".repeat(300), 1));
        assertTrue(n300.length() <= SafeFileNames.MAX_NAME_LENGTH && n300.endsWith(".prof"), n300);
    }

    @Test
    void ownNamesRecognisesOnlyThisFormat() {
        FileNameFormat f = FileNameFormat.compile(ProfilerOptions.DEFAULT_FILENAME_FORMAT);
        String name = f.fileName(request("DELETE", "/../x", 7_000_000));
        assertTrue(f.ownNames().matcher(name).matches(), name);
        for (String other : new String[] {"notes.txt", "GET.root.prof", "GET.root.1ms.2.json", "data.db",
            "GET.root.xms.2.prof"}) {
            assertTrue(!f.ownNames().matcher(other).matches(), other);
        }
    }

    @Test
    void lambdaResultIsSanitised() {
        FileNameFormat f = FileNameFormat.of(r -> "../../" + r.path() + "/" + r.status() + ".prof");
        String name = f.fileName(request("GET", "/etc/passwd", 1));
        assertEquals("_._..__etc_passwd_200.prof", name);
        assertEquals(null, f.ownNames());
    }
}
