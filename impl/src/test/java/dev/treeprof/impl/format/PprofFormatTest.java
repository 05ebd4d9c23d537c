package dev.treeprof.impl.format;

import static dev.treeprof.impl.format.JsonDumpTest.assertSameStats;
import static dev.treeprof.impl.format.JsonDumpTest.assertSameTree;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.CallNode;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.ThreadTree;
import dev.treeprof.impl.stats.StatsTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pprof's profile.proto: round trips, what other producers write, and the errors of bad files. */
class PprofFormatTest {

    static byte[] pprof(StatsTable t) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Dumps.write(t, out, DumpFormat.PPROF);
        return out.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    @Test
    void roundTripOfARecordingKeepsTheExactTrees() throws Exception {
        StatsTable t = Recordings.shop().withMetadata(Map.of("request.method", "GET", "request.route", "/orders/:id",
                "request.path", "/orders/7", "request.status", "200", "request.host", "web-3"));
        byte[] data = pprof(t);
        assertTrue(PprofReader.isGzip(data), "gzipped");
        StatsTable back = Dumps.parse(data, "shop.pb.gz");
        assertSameStats(t, back);
        assertEquals(t.threads(), back.threads());
        assertEquals(t.sortStats("cumulative").formatStats(), back.sortStats("cumulative").formatStats());
        assertEquals(t.sortStats("cumulative").formatCallers(), back.sortStats("cumulative").formatCallers());
        assertEquals("/orders/:id", back.metadata().get("request.route"));
        assertEquals("web-3", back.metadata().get("request.host"));
        assertNotNull(back.metadata().get("jvm.version"), "the recording JVM's facts travel as comments");
        assertNotNull(back.metadata().get("host.cpus"));
        // written again, the file is the same: the facts are those of the recording, not of the converter
        assertArrayEquals(ungzip(pprof(back)), ungzip(pprof(Dumps.parse(pprof(back), "again.pb.gz"))));
    }

    @Test
    void samplesCarryTheDocumentedTypesLabelsAndSettings() throws Exception {
        StatsTable t = Recordings.shop().withMetadata(Map.of("request.method", "POST", "request.path", "/cart",
                "request.status", "201", "host", "web-1"));
        Decoded p = Decoded.of(ungzip(pprof(t)));
        assertEquals(List.of("calls/count", "wall/nanoseconds"), p.sampleTypes());
        assertEquals("wall/nanoseconds", p.periodType());
        assertEquals(1, p.period);
        assertEquals("wall", p.strings.get((int) p.defaultSampleType));
        assertEquals(t.durationNanos(), p.durationNanos);
        assertEquals(t.startMillis() * 1_000_000L, p.timeNanos);
        // one sample per path below each thread's root
        long paths = 0;
        for (ThreadTree th : t.threads()) {
            paths += countNodes(th.root()) - 1;
        }
        assertEquals(paths, p.samples.size());
        for (Decoded.Sample s : p.samples) {
            Map<String, String> labels = s.labels(p.strings);
            assertEquals("POST", labels.get("method"));
            assertEquals("/cart", labels.get("path"));
            assertEquals("201", labels.get("status"));
            assertEquals("web-1", labels.get("host"));
            assertTrue(labels.get("thread").equals("worker-1") || labels.get("thread").equals(Thread.currentThread().getName()),
                    labels.toString());
        }
        // own time per function sums to pstats' tottime; calls to ncalls
        StatsRow work = t.row(Recordings.WORK);
        long own = 0;
        long calls = 0;
        for (Decoded.Sample s : p.samples) {
            if (p.leafFunction(s).equals("work")) {
                calls += s.values[0];
                own += s.values[1];
            }
        }
        assertEquals(work.totalCalls(), calls);
        assertEquals(Math.round(work.tottime() * 1e9), own);
        assertTrue(p.comments().contains("request.path=/cart"), p.comments().toString());
    }

    @Test
    void extensionChoosesTheFormatAndContentTheReader(@TempDir Path dir) throws Exception {
        assertEquals(DumpFormat.PPROF, DumpFormat.forFileName("cpu.pb.gz"));
        assertEquals(DumpFormat.PPROF, DumpFormat.forFileName("GET.orders.PPROF"));
        assertEquals(DumpFormat.PPROF, DumpFormat.forName("pprof"));
        StatsTable t = Recordings.shop();
        Path f = dir.resolve("shop.pb.gz");
        Dumps.write(t, f);
        byte[] bytes = Files.readAllBytes(f);
        assertEquals(0x1f, bytes[0] & 0xff);
        Path renamed = dir.resolve("shop.data");
        Files.copy(f, renamed);
        assertEquals(t.threads(), Dumps.read(renamed).threads());
        // and an uncompressed profile.proto, as some producers write it
        Path raw = dir.resolve("raw.pprof");
        Files.write(raw, ungzip(bytes));
        assertEquals(t.threads(), Dumps.read(raw).threads());
    }

    @Test
    void statsWithoutTreesAreRefused() throws Exception {
        StatsTable flat = Dumps.parse(ProfFormatTest.resource("cprofile-fixture.prof"), "fixture.prof");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pprof(flat));
        assertTrue(e.getMessage().contains("call trees"), e.getMessage());
    }

    @Test
    void pathsDeeperThanTheLimitAreSummedIntoATruncationFrame() throws Exception {
        StatsTable deep = Recordings.deepChain(PprofWriter.MAX_DEPTH + 200);
        StatsTable back = Dumps.parse(pprof(deep), "deep.pb.gz");
        CallNode n = back.threads().get(0).root();
        int depth = 0;
        while (!n.children().isEmpty()) {
            n = n.children().get(0);
            depth++;
        }
        assertEquals(PprofWriter.MAX_DEPTH + 1, depth);
        assertEquals(PprofWriter.TRUNCATED, n.name());
        assertEquals(200, n.calls(), "the 200 cut levels' calls");
        assertEquals(deep.totalCalls(), back.totalCalls());
        assertEquals(deep.totalTime(), back.totalTime(), 1e-12);
        assertEquals(deep.threads().get(0).root().totalNanos(), back.threads().get(0).root().totalNanos());

        StatsTable fits = Recordings.deepChain(PprofWriter.MAX_DEPTH);
        assertSameTree(fits.threads().get(0).root(), Dumps.parse(pprof(fits), "fits.pb.gz").threads().get(0).root());
    }

    /** What Go, async-profiler and others write: other types, inline frames, unpacked fields, no threads. */
    @Test
    void otherProducersLoad() throws Exception {
        // strings: 0 "", 1 samples, 2 count, 3 cpu, 4 nanoseconds, 5 main.main, 6 main.go,
        //          7 main.work, 8 main.inlined, 9 lib.go
        List<String> strings = List.of("", "samples", "count", "cpu", "nanoseconds", "main.main", "main.go",
                "main.work", "main.inlined", "lib.go");
        ProtoEncoder p = new ProtoEncoder();
        ProtoEncoder m = new ProtoEncoder();
        ProtoEncoder l = new ProtoEncoder();
        valueType(p, m, 1, 1, 2);
        valueType(p, m, 1, 3, 4);
        // sample: work (location 2, with main.inlined inlined into main.work) called from main (1)
        m.reset();
        m.packed(1, new long[] {2, 1}, 2);
        // values unpacked, one field each, as older encoders write them
        m.int64(2, 5);
        m.int64(2, 50_000_000);
        p.message(2, m);
        m.reset();
        m.packed(1, new long[] {1}, 1);
        m.packed(2, new long[] {1, 10_000_000}, 2);
        p.message(2, m);
        // the same stack again sums into the same path
        m.reset();
        m.packed(1, new long[] {2, 1}, 2);
        m.packed(2, new long[] {2, 20_000_000}, 2);
        p.message(2, m);
        // location 1: main.main line 12; location 2: inlined (leaf) then work (caller)
        m.reset();
        m.int64(1, 1);
        m.int64(3, 0x401000);
        l.reset();
        l.int64(1, 1);
        l.int64(2, 12);
        m.message(4, l);
        p.message(4, m);
        m.reset();
        m.int64(1, 2);
        l.reset();
        l.int64(1, 3);
        l.int64(2, 41);
        m.message(4, l);
        l.reset();
        l.int64(1, 2);
        l.int64(2, 30);
        m.message(4, l);
        p.message(4, m);
        function(p, m, 1, 5, 6, 10);
        function(p, m, 2, 7, 6, 28);
        function(p, m, 3, 8, 9, 40);
        for (String s : strings) {
            p.string(6, s);
        }
        p.int64(14, 3);
        p.int64(10, 1_000_000_000);

        StatsTable t = Dumps.parse(gzip(bytes(p)), "cpu.pb.gz");
        assertEquals(1, t.threads().size());
        assertEquals(PprofReader.NO_THREAD, t.threads().get(0).threadName());
        CallNode main = t.threads().get(0).root().children().get(0);
        assertEquals(ScopeName.of("main.go", 10, "main.main"), main.name());
        assertEquals(1, main.calls());
        assertEquals(10_000_000, main.ownNanos());
        assertEquals(80_000_000, main.totalNanos());
        CallNode work = main.children().get(0);
        assertEquals(ScopeName.of("main.go", 28, "main.work"), work.name());
        assertEquals(0, work.calls());
        CallNode inlined = work.children().get(0);
        assertEquals(ScopeName.of("lib.go", 40, "main.inlined"), inlined.name());
        assertEquals(7, inlined.calls(), "samples summed");
        assertEquals(70_000_000, inlined.ownNanos());
        assertEquals("samples/count, cpu/nanoseconds", t.metadata().get("pprof.sampleTypes"));
        assertEquals(1_000_000_000L, t.durationNanos());
    }

    @Test
    void corruptInputGetsAClearError() throws Exception {
        byte[] good = pprof(Recordings.shop());
        byte[] raw = ungzip(good);
        assertBad(Arrays.copyOf(good, good.length / 2), "gzip data ends early");
        byte[] flipped = good.clone();
        flipped[3] = (byte) 0xff; // reserved gzip flag bits
        assertBad(flipped, "gzip");
        assertBad(gzip(Arrays.copyOf(raw, raw.length - 3)), "truncated");
        assertBad(gzip(new byte[] {0x0b, 0x01}), "wire type 3");
        // a sample naming an undefined location
        ProtoEncoder p = new ProtoEncoder();
        ProtoEncoder m = new ProtoEncoder();
        valueType(p, m, 1, 1, 2);
        m.reset();
        m.packed(1, new long[] {9}, 1);
        m.packed(2, new long[] {1}, 1);
        p.message(2, m);
        p.string(6, "");
        p.string(6, "calls");
        p.string(6, "count");
        assertBad(gzip(bytes(p)), "location 9, which the profile does not define");
        // a value count that does not match the sample types
        p.reset();
        valueType(p, m, 1, 1, 2);
        m.reset();
        m.packed(2, new long[] {1, 2}, 2);
        p.message(2, m);
        p.string(6, "");
        p.string(6, "calls");
        p.string(6, "count");
        assertBad(gzip(bytes(p)), "has 2 values for 1 sample types");
        // a string index past the table
        p.reset();
        valueType(p, m, 1, 7, 2);
        p.string(6, "");
        assertBad(gzip(bytes(p)), "string index 7 is out of range");
        // a string table not starting with ""
        p.reset();
        p.string(6, "x");
        assertBad(gzip(bytes(p)), "not the empty string");
        // a location id defined twice
        p.reset();
        m.reset();
        m.int64(1, 1);
        p.message(4, m);
        p.message(4, m);
        assertBad(gzip(bytes(p)), "location id 1 is defined twice");
        // gzip of something else
        assertBad(gzip("hello, world".getBytes()), "byte offset");
    }

    /** Seeded mutants of a real file, raw and gzipped: each loads or fails with a BadDumpException. */
    @Test
    void mutantsLoadOrFailCleanly() throws Exception {
        byte[] raw = ungzip(pprof(Recordings.shop().withMetadata(Map.of("request.path", "/x", "host", "h"))));
        java.util.Random random = new java.util.Random(13);
        int loaded = 0;
        for (int i = 0; i < 4000; i++) {
            byte[] m = raw.clone();
            switch (i % 4) {
                case 0:
                    m[random.nextInt(m.length)] ^= (byte) (1 << random.nextInt(8));
                    break;
                case 1:
                    m = Arrays.copyOf(m, random.nextInt(m.length));
                    break;
                case 2:
                    for (int k = 0; k < 8; k++) {
                        m[random.nextInt(m.length)] = (byte) random.nextInt(256);
                    }
                    break;
                default:
                    int at = random.nextInt(m.length);
                    byte[] longer = new byte[m.length + 3];
                    System.arraycopy(m, 0, longer, 0, at);
                    longer[at] = (byte) 0xff;
                    longer[at + 1] = (byte) 0xff;
                    longer[at + 2] = (byte) 0x7f;
                    System.arraycopy(m, at, longer, at + 3, m.length - at);
                    m = longer;
            }
            byte[] data = i % 8 < 4 ? gzip(m) : m;
            try {
                StatsTable t = Dumps.parse(data, "mutant.pb.gz");
                t.formatStats();
                loaded++;
            } catch (BadDumpException e) {
                assertTrue(e.getMessage().startsWith("mutant.pb.gz: "), e.getMessage());
            }
        }
        assertTrue(loaded > 0 && loaded < 4000, loaded + " of 4000 mutants loaded");
    }

    private static void assertBad(byte[] data, String expected) {
        BadDumpException e = assertThrows(BadDumpException.class, () -> Dumps.parse(data, "bad.pb.gz"));
        assertTrue(e.getMessage().startsWith("bad.pb.gz: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static void valueType(ProtoEncoder p, ProtoEncoder m, int field, long type, long unit) {
        m.reset();
        m.int64(1, type);
        m.int64(2, unit);
        p.message(field, m);
    }

    private static void function(ProtoEncoder p, ProtoEncoder m, long id, long name, long file, long line) {
        m.reset();
        m.int64(1, id);
        m.int64(2, name);
        m.int64(4, file);
        m.int64(5, line);
        p.message(5, m);
    }

    static byte[] bytes(ProtoEncoder p) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.flushTo(out);
        return out.toByteArray();
    }

    static byte[] ungzip(byte[] gz) throws IOException {
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static long countNodes(CallNode root) {
        long n = 0;
        java.util.ArrayDeque<CallNode> todo = new java.util.ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            CallNode x = todo.pop();
            n++;
            x.children().forEach(todo::push);
        }
        return n;
    }
}
