package dev.treeprof.impl.format;

import static dev.treeprof.impl.format.JsonValues.list;
import static dev.treeprof.impl.format.JsonValues.num;
import static dev.treeprof.impl.format.JsonValues.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.impl.stats.StatsTable;
import dev.treeprof.ThreadTree;
import dev.treeprof.CallNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** speedscope, Chrome trace and folded output checked against the recorded trees. */
class ExportsTest {

    static byte[] export(StatsTable t, DumpFormat f) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Dumps.write(t, out, f);
        return out.toByteArray();
    }

    /** (label, calls, totalNanos) of every node below the root, pre-order. */
    static List<String> preOrder(CallNode root) {
        List<String> out = new ArrayList<>();
        Deque<CallNode> stack = new ArrayDeque<>();
        for (int i = root.children().size() - 1; i >= 0; i--) {
            stack.push(root.children().get(i));
        }
        while (!stack.isEmpty()) {
            CallNode n = stack.pop();
            out.add(n.name().label() + " " + n.totalNanos());
            for (int i = n.children().size() - 1; i >= 0; i--) {
                stack.push(n.children().get(i));
            }
        }
        return out;
    }

    @Test
    void speedscopeEventsNestAndCarryTheTreeTimes() throws Exception {
        StatsTable t = Recordings.shop();
        Map<String, Object> doc = obj(JsonValues.parse(export(t, DumpFormat.SPEEDSCOPE)));
        assertEquals("https://www.speedscope.app/file-format-schema.json", doc.get("$schema"));
        assertTrue(((String) doc.get("name")).startsWith("GET /orders (treeprof: aggregated time per call path, "
                + "not a timeline"), (String) doc.get("name"));
        List<Object> frames = list(obj(doc.get("shared")).get("frames"));
        List<String> frameNames = new ArrayList<>();
        for (Object f : frames) {
            Map<String, Object> fm = obj(f);
            String label = fm.containsKey("file") ? fm.get("file") + ":" + num(fm.get("line")) + "(" + fm.get("name") + ")"
                    : (String) fm.get("name");
            assertFalse(frameNames.contains(label), "one frame per function: " + label);
            frameNames.add(label);
        }
        List<Object> profiles = list(doc.get("profiles"));
        assertEquals(t.threads().size(), profiles.size());
        for (int p = 0; p < profiles.size(); p++) {
            Map<String, Object> prof = obj(profiles.get(p));
            ThreadTree thread = t.threads().get(p);
            assertEquals(thread.threadName() + " (aggregated, not a timeline)", prof.get("name"));
            assertEquals("evented", prof.get("type"));
            assertEquals("nanoseconds", prof.get("unit"));
            Deque<long[]> open = new ArrayDeque<>();
            long last = 0;
            List<String> seen = new ArrayList<>();
            List<Integer> order = new ArrayList<>();
            Map<Integer, String> byIndex = new LinkedHashMap<>();
            for (Object e : list(prof.get("events"))) {
                Map<String, Object> em = obj(e);
                int frame = (int) num(em.get("frame"));
                long at = num(em.get("at"));
                assertTrue(frame >= 0 && frame < frames.size());
                assertTrue(at >= last, "at never decreases");
                last = at;
                if ("O".equals(em.get("type"))) {
                    open.push(new long[] {frame, at, seen.size()});
                    seen.add(null);
                } else {
                    long[] o = open.pop();
                    assertEquals(o[0], frame, "a close matches the open frame on top");
                    seen.set((int) o[2], frameNames.get(frame) + " " + (at - o[1]));
                }
            }
            assertTrue(open.isEmpty(), "every frame closed");
            assertEquals(last, num(prof.get("endValue")));
            assertEquals(preOrder(thread.root()), seen);
        }
    }

    @Test
    void chromeTraceHasCompleteEventsInPreOrderWithinTheirParents() throws Exception {
        StatsTable t = Recordings.shop();
        Map<String, Object> doc = obj(JsonValues.parse(export(t, DumpFormat.CHROME_TRACE)));
        assertEquals("ns", doc.get("displayTimeUnit"));
        Map<String, Object> other = obj(doc.get("otherData"));
        assertTrue(((String) other.get("note")).contains("not a timeline"));
        assertEquals("/orders", other.get("path"));
        Map<Long, String> threadNames = new LinkedHashMap<>();
        Map<Long, List<String>> perThread = new LinkedHashMap<>();
        Map<Long, List<BigDecimal[]>> spans = new LinkedHashMap<>();
        for (Object e : list(doc.get("traceEvents"))) {
            Map<String, Object> em = obj(e);
            long tid = num(em.get("tid"));
            assertEquals(1, num(em.get("pid")));
            if ("M".equals(em.get("ph"))) {
                if ("thread_name".equals(em.get("name"))) {
                    threadNames.put(tid, (String) obj(em.get("args")).get("name"));
                } else {
                    assertEquals("process_name", em.get("name"));
                    assertTrue(((String) obj(em.get("args")).get("name")).contains("not a timeline"));
                }
                continue;
            }
            assertEquals("X", em.get("ph"));
            assertFalse(em.containsKey("args"), "no per-event args: speedscope would make them part of the frame name");
            BigDecimal ts = (BigDecimal) em.get("ts");
            BigDecimal dur = (BigDecimal) em.get("dur");
            // whole 1/1024 microsecond units: exact in binary, so ts + dur is exact in any reader
            long units = dur.multiply(BigDecimal.valueOf(1024)).longValueExact();
            ts.multiply(BigDecimal.valueOf(1024)).longValueExact();
            assertEquals(ts.add(dur).doubleValue(), ts.doubleValue() + dur.doubleValue(), "ts + dur exact in doubles");
            spans.computeIfAbsent(tid, k -> new ArrayList<>()).add(new BigDecimal[] {ts, ts.add(dur)});
            long nanos = Math.round(units * 1000 / 1024.0);
            perThread.computeIfAbsent(tid, k -> new ArrayList<>()).add(em.get("name") + " " + nanos + " "
                    + num(em.get("calls")));
        }
        assertEquals(t.threads().size(), threadNames.size());
        int i = 0;
        for (Map.Entry<Long, String> e : threadNames.entrySet()) {
            ThreadTree thread = t.threads().get(i++);
            assertEquals(thread.threadName() + " (aggregated, not a timeline)", e.getValue());
            List<String> want = preOrderWithCalls(thread.root());
            List<String> got = perThread.get(e.getKey());
            assertEquals(want.size(), got.size());
            for (int k = 0; k < want.size(); k++) {
                String[] w = want.get(k).split(" (?=[0-9]+ [0-9]+$)");
                String[] g = got.get(k).split(" (?=[0-9]+ [0-9]+$)");
                assertEquals(w[0], g[0]);
                String[] wn = w[1].split(" ");
                String[] gn = g[1].split(" ");
                assertTrue(Math.abs(Long.parseLong(wn[0]) - Long.parseLong(gn[0])) <= 1,
                        "duration within a nanosecond: " + want.get(k) + " vs " + got.get(k));
                assertEquals(wn[1], gn[1], "calls");
            }
            // the tree's shape tells each event's parent: it must lie within it, after its elder sibling
            List<Integer> depths = depths(thread.root());
            List<BigDecimal[]> s = spans.get(e.getKey());
            for (int k = 0; k < s.size(); k++) {
                boolean first = true;
                for (int j = k - 1; j >= 0; j--) {
                    if (depths.get(j) == depths.get(k) - 1) {
                        assertTrue(s.get(k)[0].compareTo(s.get(j)[0]) >= 0 && s.get(k)[1].compareTo(s.get(j)[1]) <= 0,
                                "event " + k + " lies within its parent " + j);
                        if (first) {
                            assertEquals(0, s.get(j)[0].compareTo(s.get(k)[0]), "the first child starts with its parent");
                        }
                        break;
                    }
                    if (depths.get(j).equals(depths.get(k))) {
                        first = false;
                        assertTrue(s.get(k)[0].compareTo(s.get(j)[1]) >= 0, "siblings do not overlap");
                    }
                }
            }
        }
    }

    /** (label, totalNanos, calls) of every node below the root, pre-order. */
    static List<String> preOrderWithCalls(CallNode root) {
        List<String> out = new ArrayList<>();
        Deque<CallNode> stack = new ArrayDeque<>();
        for (int i = root.children().size() - 1; i >= 0; i--) {
            stack.push(root.children().get(i));
        }
        while (!stack.isEmpty()) {
            CallNode n = stack.pop();
            out.add(n.name().label() + " " + n.totalNanos() + " " + n.calls());
            for (int i = n.children().size() - 1; i >= 0; i--) {
                stack.push(n.children().get(i));
            }
        }
        return out;
    }

    static List<Integer> depths(CallNode root) {
        List<Integer> out = new ArrayList<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        for (int i = root.children().size() - 1; i >= 0; i--) {
            stack.push(new Object[] {root.children().get(i), 1});
        }
        while (!stack.isEmpty()) {
            Object[] f = stack.pop();
            CallNode n = (CallNode) f[0];
            out.add((Integer) f[1]);
            for (int i = n.children().size() - 1; i >= 0; i--) {
                stack.push(new Object[] {n.children().get(i), (Integer) f[1] + 1});
            }
        }
        return out;
    }

    @Test
    void foldedLinesSumSelfTimePerPathOverThreads() throws Exception {
        StatsTable t = Recordings.shop();
        String text = new String(export(t, DumpFormat.FOLDED), StandardCharsets.UTF_8);
        Map<String, Long> expectedNanos = new LinkedHashMap<>();
        for (ThreadTree tp : t.threads()) {
            // depth-first with the path so far
            Deque<Object[]> stack = new ArrayDeque<>();
            for (CallNode c : tp.root().children()) {
                stack.push(new Object[] {c, ""});
            }
            while (!stack.isEmpty()) {
                Object[] f = stack.pop();
                CallNode n = (CallNode) f[0];
                String path = (f[1].equals("") ? "" : f[1] + ";") + n.name().label().replace(';', ':');
                if (n.ownNanos() > 0 || n.children().isEmpty()) {
                    expectedNanos.merge(path, n.ownNanos(), Long::sum);
                }
                for (CallNode c : n.children()) {
                    stack.push(new Object[] {c, path});
                }
            }
        }
        Map<String, Long> actual = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int space = line.lastIndexOf(' ');
            String stack = line.substring(0, space);
            assertFalse(actual.containsKey(stack), "one line per path: " + stack);
            actual.put(stack, Long.parseLong(line.substring(space + 1)));
        }
        Map<String, Long> expectedMicros = new LinkedHashMap<>();
        expectedNanos.forEach((k, v) -> expectedMicros.put(k, Math.round(v / 1000.0)));
        assertEquals(expectedMicros, actual);
        assertTrue(actual.containsKey("GET /orders;{render: json}"), "';' never splits a label: " + actual.keySet());
        assertTrue(actual.keySet().stream().anyMatch(k -> k.startsWith("GET /orders;com/example/Shop.java:6(recurse);"
                + "com/example/Shop.java:6(recurse)")));
    }

    @Test
    void foldedCutsVeryDeepStacks() throws Exception {
        int depth = Exports.FOLDED_MAX_DEPTH + 500;
        StatsTable t = Recordings.deepChain(depth);
        String[] lines = new String(export(t, DumpFormat.FOLDED), StandardCharsets.UTF_8).split("\n");
        String last = lines[lines.length - 1];
        String[] frames = last.substring(0, last.lastIndexOf(' ')).split(";");
        assertEquals(Exports.FOLDED_MAX_DEPTH + 1, frames.length);
        assertEquals("[deeper frames truncated]", frames[frames.length - 1]);
        // level1024 and below: 500 levels of 2 us each
        assertEquals(500 * 2, Long.parseLong(last.substring(last.lastIndexOf(' ') + 1)));
        long totalMicros = 0;
        for (String l : lines) {
            totalMicros += Long.parseLong(l.substring(l.lastIndexOf(' ') + 1));
        }
        assertEquals(depth * 2L, totalMicros, "no time lost by cutting");
    }

    @Test
    void deepTreesExportWithoutRecursion() throws Exception {
        StatsTable t = Recordings.deepChain(30_000);
        for (DumpFormat f : new DumpFormat[] {DumpFormat.SPEEDSCOPE, DumpFormat.CHROME_TRACE}) {
            byte[] b = export(t, f);
            assertTrue(b.length > 30_000, f.name());
        }
    }

    @Test
    void drawingFormatsNeedTrees() throws IOException {
        StatsTable flat = Dumps.parse(ProfFormatTest.resource("cprofile-fixture.prof"), "f.prof");
        for (DumpFormat f : new DumpFormat[] {DumpFormat.SPEEDSCOPE, DumpFormat.CHROME_TRACE, DumpFormat.FOLDED}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> export(flat, f));
            assertTrue(e.getMessage().contains("needs call trees"), e.getMessage());
        }
    }

    /**
     * The trace's times are written by integer arithmetic; they must be the exact decimal of
     * units / 1024 with no trailing zeros, digit for digit what BigDecimal's exact division gives.
     */
    @Test
    void traceTimesAreTheExactDecimalsOfTheirUnits() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        List<Long> units = new ArrayList<>();
        for (long u = 0; u <= 4096; u++) {
            units.add(u);
        }
        for (int i = 0; i < 20_000; i++) {
            units.add(random.nextLong(Long.MAX_VALUE));
            units.add(random.nextLong(1L << 40)); // hours of nanoseconds, the usual range
        }
        for (long u : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1, 1L << 62, 999_999_999_999L * 1024 + 1023}) {
            units.add(u);
        }
        char[] buffer = new char[Exports.TRACE_NUMBER_CHARS];
        for (long u : units) {
            String exact = new BigDecimal(u).divide(BigDecimal.valueOf(Exports.TRACE_UNITS_PER_MICRO))
                    .stripTrailingZeros().toPlainString();
            assertEquals(exact, new String(buffer, 0, Exports.traceMicros(u, buffer)), "units " + u);
        }
    }
}
