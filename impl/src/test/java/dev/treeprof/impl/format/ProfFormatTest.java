package dev.treeprof.impl.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.impl.stats.StatsTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The .prof bytes: what treeprof writes, and what it reads from CPython's own writer. */
class ProfFormatTest {

    static final ScopeName MAIN = ScopeName.of("App.java", 10, "main");
    static final ScopeName WORK = ScopeName.of("App.java", 20, "work");

    static byte[] resource(String name) throws IOException {
        try (InputStream in = ProfFormatTest.class.getResourceAsStream("/format/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    static byte[] prof(StatsTable t) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Dumps.write(t, out, DumpFormat.PROF);
        return out.toByteArray();
    }

    static StatsTable twoFunctions() {
        return StatsTable.fromRows(List.of(
                new StatsRow(MAIN, 1, 1, 0.25, 1.0, Map.of(), Map.of()),
                new StatsRow(WORK, 3, 2, 0.75, 0.75, Map.of(MAIN, new CallStats(3, 2, 0.75, 0.75)), Map.of())),
                List.of());
    }

    @Test
    void writesTheMinimalEncodingByteForByte() throws IOException {
        // a 201-byte file as CPython writes it; PythonInteropTest loads such files in pstats
        String hex = "7b280300000075080000004170702e6a"
                + "617661690a00000075040000006d6169"
                + "6e280500000069010000006901000000"
                + "67000000000000d03f67000000000000"
                + "f03f7b30280300000075080000004170"
                + "702e6a61766169140000007504000000"
                + "776f726b280500000069020000006903"
                + "00000067000000000000e83f67000000"
                + "000000e83f7b28030000007508000000"
                + "4170702e6a617661690a000000750400"
                + "00006d61696e28040000006903000000"
                + "690200000067000000000000e83f6700"
                + "0000000000e83f3030";
        byte[] expected = HexFormat.of().parseHex(hex);
        assertEquals(201, expected.length);
        assertArrayEquals(expected, prof(twoFunctions()));
    }

    @Test
    void roundTripKeepsEveryNumberAndCaller() throws IOException {
        StatsTable t = twoFunctions();
        StatsTable back = (StatsTable) Dumps.parse(prof(t), "x.prof");
        assertEquals(t.rows().size(), back.rows().size());
        for (int i = 0; i < t.rows().size(); i++) {
            StatsRow a = t.rows().get(i);
            StatsRow b = back.rows().get(i);
            assertEquals(a.function(), b.function());
            assertEquals(a.totalCalls(), b.totalCalls());
            assertEquals(a.primitiveCalls(), b.primitiveCalls());
            assertEquals(a.tottime(), b.tottime());
            assertEquals(a.cumtime(), b.cumtime());
            assertEquals(a.callers(), b.callers());
            assertEquals(a.callees(), b.callees());
        }
        assertEquals(t.sortStats("cumulative").formatStats(), back.sortStats("cumulative").formatStats());
    }

    @Test
    void countsPastInt32UseLongInts() throws IOException {
        long big = 3_000_000_000L;
        long huge = Long.MAX_VALUE;
        StatsTable t = StatsTable.fromRows(List.of(
                new StatsRow(MAIN, big, big - 5, 0.5, 1.5, Map.of(), Map.of()),
                new StatsRow(WORK, huge, 1, 0.5, 0.5, Map.of(MAIN, new CallStats(huge, 1, 0.5, 0.5)), Map.of())),
                List.of());
        byte[] bytes = prof(t);
        StatsTable back = (StatsTable) Dumps.parse(bytes, "big.prof");
        assertEquals(big, back.row(MAIN).totalCalls());
        assertEquals(big - 5, back.row(MAIN).primitiveCalls());
        assertEquals(huge, back.row(WORK).totalCalls());
        assertEquals(huge, back.row(WORK).callers().get(MAIN).totalCalls());
        // 'l', then 3 digits of 15 bits for 3e9 (< 2^45)
        int at = indexOf(bytes, new byte[] {'l', 3, 0, 0, 0});
        assertTrue(at > 0, "3e9 is written as a 3-digit long");
    }

    @Test
    void nonAsciiNamesSurvive() throws IOException {
        ScopeName f = ScopeName.of("src/café/Ünï.java", 7, "naïve→λ");
        StatsTable t = StatsTable.fromRows(List.of(new StatsRow(f, 2, 2, 0.1, 0.2, Map.of(), Map.of())), List.of());
        StatsTable back = (StatsTable) Dumps.parse(prof(t), "u.prof");
        assertEquals(f, back.rows().get(0).function());
    }

    /**
     * A profile far larger than the writer's buffer, written to an unbuffered stream that takes
     * few bytes at a time, with names longer than the buffer (ASCII and not): every row and pair
     * comes back.
     */
    @Test
    void aProfileLargerThanTheBufferRoundTrips() throws IOException {
        List<StatsRow> rows = new java.util.ArrayList<>();
        ScopeName first = ScopeName.of("pkg/Root.java", 1, "root");
        rows.add(new StatsRow(first, 1, 1, 0.5, 9.0, Map.of(), Map.of()));
        ScopeName previous = first;
        for (int i = 1; i < 3000; i++) {
            String function = i == 1000 ? "a".repeat(40_000) : i == 2000 ? "λ".repeat(40_000)
                    : i % 7 == 0 ? "méthode" + i : "m" + i;
            ScopeName f = ScopeName.of("pkg/Cls" + i + ".java", i, function);
            Map<ScopeName, CallStats> callers = new java.util.LinkedHashMap<>();
            callers.put(previous, new CallStats(i, i, i * 1e-3, i * 2e-3));
            callers.put(first, new CallStats(3_000_000_000L + i, 1, 1.0 / i, 2.0 / i));
            rows.add(new StatsRow(f, 3_000_000_000L + 2 * i, 1 + i, 1.0 / i + i * 1e-3, 2.0 / i + i * 2e-3,
                    callers, Map.of()));
            previous = f;
        }
        StatsTable t = StatsTable.fromRows(rows, List.of());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        java.io.OutputStream trickle = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                // as a socket or pipe might: in small pieces
                for (int at = off; at < off + len; at += 1000) {
                    bytes.write(b, at, Math.min(1000, off + len - at));
                }
            }
        };
        Dumps.write(t, trickle, DumpFormat.PROF);
        assertArrayEquals(prof(t), bytes.toByteArray());
        StatsTable back = (StatsTable) Dumps.parse(bytes.toByteArray(), "big.prof");
        assertEquals(rows.size(), back.rows().size());
        for (int i = 0; i < rows.size(); i++) {
            StatsRow a = t.rows().get(i);
            StatsRow b = back.rows().get(i);
            assertEquals(a.function(), b.function());
            assertEquals(a.ncalls(), b.ncalls());
            assertEquals(a.tottime(), b.tottime());
            assertEquals(a.cumtime(), b.cumtime());
            assertEquals(a.callers(), b.callers());
        }
    }

    @Test
    void everyCallerBecomesAKey() throws IOException {
        ScopeName ghost = ScopeName.of("gone.py", 1, "ghost");
        StatsTable t = StatsTable.fromRows(List.of(
                new StatsRow(WORK, 1, 1, 0.1, 0.1, Map.of(ghost, new CallStats(1, 1, 0.1, 0.1)), Map.of())),
                List.of());
        StatsTable back = (StatsTable) Dumps.parse(prof(t), "o.prof");
        StatsRow g = back.row(ghost);
        assertEquals(0, g.totalCalls());
        assertEquals(0.0, g.cumtime());
        assertEquals(Map.of(WORK, new CallStats(1, 1, 0.1, 0.1)), g.callees());
    }

    @Test
    void emptyStatsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> prof(StatsTable.empty()));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void readsCPythonsOwnDumpWithRefsAndShortForms() throws IOException {
        byte[] bytes = resource("cprofile-fixture.prof");
        assertEquals(0xFB, bytes[0] & 0xFF, "the fixture uses CPython's flagged dict");
        StatsTable t = (StatsTable) Dumps.parse(bytes, "cprofile-fixture.prof");
        String expected = new String(resource("cprofile-fixture.txt"), StandardCharsets.UTF_8);
        // the fixture's text lacks the mtime line; the loaded table here has no header either
        String actual = t.sortStats("cumulative", "name").formatStats()
                + t.sortStats("cumulative", "name").formatCallers()
                + t.sortStats("cumulative", "name").formatCallees();
        assertEquals(List.of(expected.split("\n", -1)), List.of(actual.split("\n", -1)));
        StatsRow rec = t.row("/src/pa/fixture.py:21(recurse)");
        assertEquals(6, rec.totalCalls());
        assertEquals(2, rec.primitiveCalls());
        assertEquals(new CallStats(4, 2, rec.callers().get(rec.function()).tottime(),
                rec.callers().get(rec.function()).cumtime()), rec.callers().get(rec.function()));
    }

    @Test
    void readsEveryMarshalFormPythonUses() throws IOException {
        // {('/src/a.py', 3, 'f'): (1, 2, 0.5, 1.25, {('/src/a.py', 3, 'f'): (1, 1, 0.25, 0.5)}),
        //  ('~', 0, '<g>'): (1, 1, 0.125, 0.125, {('/src/a.py', 3, 'f'): 7})}  -- the last a legacy int
        Bytes b = new Bytes();
        b.u8(0xFB); // { flagged: ref 0
        b.u8(0xA9).u8(3); // ) tuple(3) flagged: ref 1
        b.u8(0xFA).u8(9).ascii("/src/a.py"); // z short ascii flagged: ref 2
        b.u8(0xE9).i32(3); // i 3 flagged: ref 3
        b.u8(0xDA).u8(1).ascii("f"); // Z 'f' flagged: ref 4
        b.u8(')').u8(5); // (1, 2, 0.5, 1.25, {...}) not flagged
        b.u8(0xE9).i32(1); // ref 5
        b.u8('l').i32(1).u16(2); // 2 as a one-digit long
        b.u8(0xE7).f64(0.5); // ref 6
        b.u8('g').f64(1.25);
        b.u8('{');
        b.u8('r').i32(1); // the same key tuple
        b.u8('(').i32(4);
        b.u8('r').i32(5).u8('r').i32(5); // 1, 1
        b.u8('g').f64(0.25);
        b.u8('r').i32(6); // 0.5
        b.u8('0');
        b.u8(')').u8(3);
        b.u8('a').i32(1).ascii("~");
        b.u8('i').i32(0);
        b.u8('t').i32(3).ascii("<g>");
        b.u8('(').i32(5);
        b.u8('i').i32(1).u8('i').i32(1).u8('g').f64(0.125).u8('g').f64(0.125);
        b.u8('{').u8('r').i32(1).u8('i').i32(7).u8('0');
        b.u8('0');
        b.ascii("trailing bytes are ignored, as by marshal.load");
        StatsTable t = (StatsTable) Dumps.parse(b.bytes(), "forms.prof");
        ScopeName f = ScopeName.of("/src/a.py", 3, "f");
        StatsRow fr = t.row(f);
        assertEquals(2, fr.totalCalls());
        assertEquals(1, fr.primitiveCalls());
        assertEquals(0.5, fr.tottime());
        assertEquals(1.25, fr.cumtime());
        assertEquals(Map.of(f, new CallStats(1, 1, 0.25, 0.5)), fr.callers());
        StatsRow g = t.row("{g}");
        assertEquals(Map.of(f, new CallStats(7, 7, 0.0, 0.0)), g.callers());
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A little-endian byte builder for hand-made marshal data. */
    static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            out.write(v & 0xFF);
            out.write((v >>> 8) & 0xFF);
            return this;
        }

        Bytes i32(int v) {
            for (int i = 0; i < 4; i++) {
                out.write((v >>> (8 * i)) & 0xFF);
            }
            return this;
        }

        Bytes f64(double d) {
            long bits = Double.doubleToLongBits(d);
            for (int i = 0; i < 8; i++) {
                out.write((int) (bits >>> (8 * i)) & 0xFF);
            }
            return this;
        }

        Bytes ascii(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
