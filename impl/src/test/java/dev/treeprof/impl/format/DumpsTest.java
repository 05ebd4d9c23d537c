package dev.treeprof.impl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import dev.treeprof.impl.stats.StatsTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files: format by extension on write, by content on load; merging; directories; headers. */
class DumpsTest {

    @Test
    void extensionsPickTheFormat() {
        assertEquals(DumpFormat.PROF, DumpFormat.forFileName("GET.x.12ms.1700000000.prof"));
        assertEquals(DumpFormat.JSON, DumpFormat.forFileName("a.JSON"));
        assertEquals(DumpFormat.SPEEDSCOPE, DumpFormat.forFileName("a.speedscope.json"));
        assertEquals(DumpFormat.CHROME_TRACE, DumpFormat.forFileName("a.trace.json"));
        assertEquals(DumpFormat.FOLDED, DumpFormat.forFileName("a.folded"));
        assertEquals(DumpFormat.FOLDED, DumpFormat.forFileName("a.collapsed"));
        assertNull(DumpFormat.forFileName("a.txt"));
        assertEquals(DumpFormat.CHROME_TRACE, DumpFormat.forName("trace"));
        assertNull(DumpFormat.forName("xml"));
    }

    @Test
    void streamDumpsEqualFileDumpsAndNamesAreChecked(@TempDir Path dir) throws Exception {
        Stats t = Recordings.shop().withMetadata(java.util.Map.of("path", "/shop"));
        for (String format : new String[] {"prof", "json", "speedscope", "trace", "folded"}) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            t.dumpStats(out, format);
            Path file = dir.resolve("s" + DumpFormat.forName(format).extension());
            t.dumpStats(file);
            assertEquals(java.util.Arrays.toString(Files.readAllBytes(file)), java.util.Arrays.toString(out.toByteArray()),
                    format);
        }
        assertEquals("/shop", Stats.load(dir.resolve("s.json")).metadata().get("path"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.dumpStats(new java.io.ByteArrayOutputStream(), "xml"));
        assertTrue(e.getMessage().contains("xml"), e.getMessage());
    }

    @Test
    void statsFromTreesExposeTheirTreesAndFlatStatsSayTheyHaveNone(@TempDir Path dir) throws Exception {
        StatsTable t = Recordings.shop();
        assertEquals(t.threads(), t.callTree().threads());
        assertTrue(!t.callTree().isEmpty());
        t.dumpStats(dir.resolve("s.prof"));
        Stats flat = Stats.load(dir.resolve("s.prof"));
        assertTrue(flat.callTree().isEmpty(), "a .prof file has no paths");
        assertEquals(t.totalCalls(), flat.totalCalls());
    }

    @Test
    void writesEachFormatAtomicallyAndLoadsTheLoadableOnes(@TempDir Path dir) throws Exception {
        StatsTable t = Recordings.shop();
        for (String name : new String[] {"s.prof", "s.json", "s.speedscope.json", "s.trace.json", "s.folded",
                "s.collapsed"}) {
            t.dumpStats(dir.resolve(name));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("s.collapsed", "s.folded", "s.json", "s.prof", "s.speedscope.json", "s.trace.json"),
                    files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()),
                    "no temporary file is left behind");
        }
        assertEquals(Files.readString(dir.resolve("s.folded")), Files.readString(dir.resolve("s.collapsed")));
        String expected = t.sortStats("cumulative").formatStats();
        for (String name : new String[] {"s.prof", "s.json"}) {
            Stats back = Stats.load(dir.resolve(name));
            String printed = back.sortStats("cumulative").formatStats();
            String[] lines = printed.split("\n", 3);
            assertTrue(lines[0].endsWith("    " + dir.resolve(name)), lines[0]);
            assertEquals("", lines[1]);
            assertEquals(expected, lines[2], name);
        }
        BadDumpException e = assertThrows(BadDumpException.class, () -> Dumps.load(dir.resolve("s.speedscope.json")));
        assertTrue(e.getMessage().contains("speedscope"), e.getMessage());
    }

    @Test
    void contentDecidesNotTheExtension(@TempDir Path dir) throws Exception {
        StatsTable t = Recordings.shop();
        Dumps.write(t, dir.resolve("really-json.prof"), DumpFormat.JSON);
        Dumps.write(t, dir.resolve("really-prof.json"), DumpFormat.PROF);
        assertEquals(2, Dumps.load(dir.resolve("really-json.prof")).threads().size());
        assertTrue(Dumps.load(dir.resolve("really-prof.json")).threads().isEmpty());
    }

    @Test
    void unknownExtensionAndEmptyProfAreRefusedWithoutLeavingFiles(@TempDir Path dir) throws Exception {
        StatsTable t = Recordings.shop();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dumps.write(t, dir.resolve("x.txt")));
        assertTrue(e.getMessage().contains("x.txt"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dumps.write(StatsTable.empty(), dir.resolve("e.prof")));
        Path nowhere = dir.resolve("no/dir/x.prof");
        IOException io = assertThrows(IOException.class, () -> Dumps.write(t, nowhere));
        assertEquals(nowhere + ": cannot write: directory " + nowhere.getParent() + " does not exist", io.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void loadingMergesAsPstatsAdd(@TempDir Path dir) throws Exception {
        StatsTable a = Recordings.shop();
        StatsTable b = Dumps.parse(ProfFormatTest.resource("cprofile-fixture.prof"), "x");
        a.dumpStats(dir.resolve("a.json"));
        Files.write(dir.resolve("b.prof"), ProfFormatTest.resource("cprofile-fixture.prof"));
        StatsTable merged = Dumps.load(dir.resolve("a.json"), dir.resolve("b.prof"));
        Stats expected = a.add(b);
        assertEquals(expected.totalCalls(), merged.totalCalls());
        assertEquals(expected.primitiveCalls(), merged.primitiveCalls());
        assertEquals(expected.rows().size(), merged.rows().size());
        for (StatsRow r : expected.rows()) {
            StatsRow m = merged.row(r.function());
            assertEquals(r.totalCalls(), m.totalCalls());
            assertEquals(r.tottime(), m.tottime(), 1e-12);
            assertEquals(r.callers().keySet(), m.callers().keySet());
        }
        String printed = merged.sortStats("calls").formatStats();
        String[] lines = printed.split("\n");
        assertTrue(lines[0].endsWith("    " + dir.resolve("a.json")), lines[0]);
        assertTrue(lines[1].endsWith("    " + dir.resolve("b.prof")), lines[1]);
        assertEquals("", lines[2]);
        // the same twice doubles every count, as pstats' add does
        StatsTable twice = Dumps.load(dir.resolve("b.prof"), dir.resolve("b.prof"));
        assertEquals(2 * b.totalCalls(), twice.totalCalls());
    }

    @Test
    void aBadFileFailsTheWholeLoad(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("GET.a.prof"), ProfFormatTest.resource("cprofile-fixture.prof"));
        byte[] cut = ProfFormatTest.resource("cprofile-fixture.prof");
        Files.write(dir.resolve("GET.b.prof"), java.util.Arrays.copyOf(cut, cut.length / 2));
        BadDumpException e = assertThrows(BadDumpException.class, () -> Dumps.loadDirectory(dir, "GET.*.prof"));
        assertEquals(dir.resolve("GET.b.prof").toString(), e.file());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().matches(".*byte offset \\d+.*"), e.getMessage());
    }

    @Test
    void directoriesMergeByPattern(@TempDir Path dir) throws Exception {
        byte[] prof = ProfFormatTest.resource("cprofile-fixture.prof");
        Files.write(dir.resolve("GET.orders.3ms.1.prof"), prof);
        Files.write(dir.resolve("GET.root.1ms.2.prof"), prof);
        Files.write(dir.resolve("POST.orders.9ms.3.prof"), prof);
        Files.write(dir.resolve(".GET.half-written.prof.tmp"), new byte[] {1, 2, 3});
        Files.write(dir.resolve(".GET.hidden.prof"), new byte[] {1, 2, 3});
        Files.createDirectory(dir.resolve("GET.dir.prof"));
        assertEquals(List.of(dir.resolve("GET.orders.3ms.1.prof"), dir.resolve("GET.root.1ms.2.prof")),
                Dumps.list(dir, "GET.*.prof"));
        StatsTable get = Dumps.loadDirectory(dir, "GET.*.prof");
        assertEquals(150, get.totalCalls());
        assertEquals(225, Dumps.loadDirectory(dir, "*.prof").totalCalls());
        IOException none = assertThrows(IOException.class, () -> Dumps.loadDirectory(dir, "PUT.*.prof"));
        assertTrue(none.getMessage().contains("no file matches 'PUT.*.prof'"), none.getMessage());
        IOException notDir = assertThrows(IOException.class,
                () -> Dumps.loadDirectory(dir.resolve("GET.root.1ms.2.prof"), "*"));
        assertTrue(notDir.getMessage().contains("not a directory"), notDir.getMessage());
    }

    @Test
    void unreadableFilesNameThemselves(@TempDir Path dir) throws IOException {
        IOException e = assertThrows(IOException.class, () -> Dumps.load(dir.resolve("nope.prof")));
        assertEquals(dir.resolve("nope.prof") + ": no such file", e.getMessage());
        IOException d = assertThrows(IOException.class, () -> Dumps.load(dir));
        assertEquals(dir + ": is a directory", d.getMessage());
        Path empty = Files.write(dir.resolve("empty.prof"), new byte[0]);
        BadDumpException b = assertThrows(BadDumpException.class, () -> Dumps.load(empty));
        assertEquals(empty + ": the file is empty", b.getMessage());
        Path text = Files.writeString(dir.resolve("stacks.folded"), "a;b 10\n");
        b = assertThrows(BadDumpException.class, () -> Dumps.load(text));
        assertTrue(b.getMessage().startsWith(text + ": byte offset 0: not a profile treeprof can load"), b.getMessage());
    }

    @Test
    void fileHeaderIsPythonsCtime() {
        ZoneId zone = ZoneId.systemDefault();
        FileTime t = FileTime.from(LocalDateTime.of(2026, 1, 5, 7, 8, 9).atZone(zone).toInstant().plusMillis(999));
        assertEquals("Mon Jan  5 07:08:09 2026    x/y.prof", Dumps.fileHeader(t, "x/y.prof"));
        FileTime u = FileTime.from(LocalDateTime.of(2026, 11, 24, 17, 24, 55).atZone(zone).toInstant());
        assertEquals("Tue Nov 24 17:24:55 2026    /src/pa/rec.prof", Dumps.fileHeader(u, "/src/pa/rec.prof"));
    }

    @Test
    void noFilesGiveEmptyStats() throws IOException {
        assertTrue(Dumps.load().rows().isEmpty());
    }
}
