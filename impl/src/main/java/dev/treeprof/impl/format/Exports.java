package dev.treeprof.impl.format;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.treeprof.ScopeName;
import dev.treeprof.impl.stats.MergedTree;
import dev.treeprof.impl.stats.StatsTable;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The drawing formats: speedscope, Chrome trace events and folded stacks. All three come from the
 * aggregated call tree (one node per call path, summed over calls), so a scope's children are laid
 * end to end from its start, in first-seen order, and its own time follows them: the layout shows
 * where the time went, not when. The speedscope and trace files say so in their names. Putting
 * the own time last means a scope ends strictly after its last child whenever it has own time, so
 * readers that pair ends by time and name (speedscope's trace importer) never see a chain of
 * scopes ending at one instant; a parent and its first child start together, and readers order
 * those by the longer duration first (the parent).
 */
final class Exports {

    /** What the speedscope and trace files say about themselves. */
    static final String NOTE = "aggregated time per call path, not a timeline: calls of the same path are summed, "
            + "a scope's children come first, end to end in first-seen order, then its own time";

    /** Folded stacks deeper than this are cut and summed into a truncation frame. */
    static final int FOLDED_MAX_DEPTH = 1024;

    private Exports() {
    }

    static void requireTrees(StatsTable stats, DumpFormat format) {
        if (stats.threads().isEmpty()) {
            throw new IllegalArgumentException(format.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + " export needs call trees, and these stats have none (flat rows, e.g. loaded from a .prof file, "
                    + "cannot be drawn as a tree without guessing); write .prof or .json instead");
        }
    }

    private static String title(StatsTable stats) {
        Map<String, String> m = stats.metadata();
        StringBuilder b = new StringBuilder();
        if (m.containsKey("method")) {
            b.append(m.get("method")).append(' ');
        }
        if (m.containsKey("path")) {
            b.append(m.get("path")).append(' ');
        }
        return b.append("(treeprof: ").append(NOTE).append(')').toString();
    }

    /**
     * speedscope: one evented profile per thread name. Evented rather than sampled because a
     * sampled profile repeats the whole stack per sample, which grows with the square of the
     * depth; open/close events stay linear in the number of nodes.
     */
    static void speedscope(StatsTable stats, OutputStream out, JsonFactory factory) throws IOException {
        requireTrees(stats, DumpFormat.SPEEDSCOPE);
        Map<String, MergedTree.Node> threads = MergedTree.byThreadName(stats.threads());
        Map<ScopeName, Integer> frames = new LinkedHashMap<>();
        for (MergedTree.Node root : threads.values()) {
            MergedTree.preOrder(root, new MergedTree.Visitor() {
                @Override
                public void enter(MergedTree.Node n, int depth) {
                    frames.putIfAbsent(n.name, frames.size());
                }

                @Override
                public void leave(MergedTree.Node n, int depth) {
                }
            });
        }
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("$schema", "https://www.speedscope.app/file-format-schema.json");
            g.writeStringField("name", title(stats));
            g.writeStringField("exporter", "treeprof");
            g.writeNumberField("activeProfileIndex", 0);
            g.writeObjectFieldStart("shared");
            g.writeArrayFieldStart("frames");
            for (ScopeName f : frames.keySet()) {
                g.writeStartObject();
                if (ScopeName.NO_FILE.equals(f.file()) && f.line() == 0) {
                    g.writeStringField("name", f.label());
                } else {
                    g.writeStringField("name", f.function());
                    g.writeStringField("file", f.file());
                    g.writeNumberField("line", f.line());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeArrayFieldStart("profiles");
            for (Map.Entry<String, MergedTree.Node> t : threads.entrySet()) {
                g.writeStartObject();
                g.writeStringField("type", "evented");
                g.writeStringField("name", t.getKey() + " (aggregated, not a timeline)");
                g.writeStringField("unit", "nanoseconds");
                g.writeNumberField("startValue", 0);
                List<long[]> events = layout(t.getValue(), frames);
                long end = events.isEmpty() ? 0 : events.get(events.size() - 1)[2];
                g.writeNumberField("endValue", end);
                g.writeArrayFieldStart("events");
                for (long[] e : events) {
                    g.writeStartObject();
                    g.writeStringField("type", e[0] == 0 ? "O" : "C");
                    g.writeNumberField("frame", e[1]);
                    g.writeNumberField("at", e[2]);
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    /**
     * Lays a tree out: {@code {0 = open / 1 = close, frame, at}} in file order. A scope's children
     * start with it; it closes at its start plus its total time, or after its last child if the
     * children add up to more (possible only with repaired scopes), so events always nest and
     * never go back.
     */
    private static List<long[]> layout(MergedTree.Node root, Map<ScopeName, Integer> frames) throws IOException {
        List<long[]> events = new ArrayList<>();
        Deque<long[]> open = new ArrayDeque<>(); // {start, cursor}
        long[] top = {0, 0};
        open.push(top);
        MergedTree.preOrder(root, new MergedTree.Visitor() {
            @Override
            public void enter(MergedTree.Node n, int depth) {
                long start = open.peek()[1];
                events.add(new long[] {0, frames.get(n.name), start});
                open.push(new long[] {start, start});
            }

            @Override
            public void leave(MergedTree.Node n, int depth) {
                long[] me = open.pop();
                long end = Math.max(me[0] + Math.max(0, n.totalNanos), me[1]);
                events.add(new long[] {1, frames.get(n.name), end});
                open.peek()[1] = end;
            }
        });
        return events;
    }

    /**
     * Chrome trace events: a complete ({@code X}) event per call path, parents before children.
     *
     * <p>Readers add {@code ts + dur} in binary floating point, so times are written in units of
     * 1/1024 microsecond (just under a nanosecond), as exact decimals: every start, duration and
     * their sum is then exactly representable, and a child can never start before or end after
     * its parent in the reader's arithmetic (decimal microseconds such as {@code 13549.767} are
     * not: their sums land a hair past the parent's end and viewers like speedscope nest them
     * wrongly). Ends are rounded from integer nanoseconds, so equal ends stay equal. A path with
     * no time at all is not drawn: it has no width, and speedscope would nest it in its sibling.
     * Each event's call count is a top-level {@code calls} member, not in {@code args}: speedscope
     * makes {@code args} part of the frame's name, which would split one function into many frames.
     */
    static void chromeTrace(StatsTable stats, OutputStream out, JsonFactory factory) throws IOException {
        requireTrees(stats, DumpFormat.CHROME_TRACE);
        Map<String, MergedTree.Node> threads = MergedTree.byThreadName(stats.threads());
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("displayTimeUnit", "ns");
            g.writeObjectFieldStart("otherData");
            g.writeStringField("exporter", "treeprof");
            g.writeStringField("note", NOTE);
            for (Map.Entry<String, String> e : stats.metadata().entrySet()) {
                if (!e.getKey().equals("exporter") && !e.getKey().equals("note")) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
            }
            g.writeEndObject();
            g.writeArrayFieldStart("traceEvents");
            g.writeStartObject();
            g.writeStringField("ph", "M");
            g.writeStringField("name", "process_name");
            g.writeNumberField("pid", 1);
            g.writeNumberField("tid", 0);
            g.writeObjectFieldStart("args");
            g.writeStringField("name", title(stats));
            g.writeEndObject();
            g.writeEndObject();
            int tid = 0;
            for (Map.Entry<String, MergedTree.Node> t : threads.entrySet()) {
                tid++;
                g.writeStartObject();
                g.writeStringField("ph", "M");
                g.writeStringField("name", "thread_name");
                g.writeNumberField("pid", 1);
                g.writeNumberField("tid", tid);
                g.writeObjectFieldStart("args");
                g.writeStringField("name", t.getKey() + " (aggregated, not a timeline)");
                g.writeEndObject();
                g.writeEndObject();
                traceEvents(g, t.getValue(), tid);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    private static void traceEvents(JsonGenerator g, MergedTree.Node root, int tid) throws IOException {
        // X events must come parent first but need the duration, which for a parent whose children
        // overran it is known only after the children: lay out first, then write in pre-order
        List<Object[]> pre = new ArrayList<>(); // {node, start, end}
        Deque<Object[]> open = new ArrayDeque<>();
        Object[] top = {null, 0L, 0L, 0L};
        open.push(top); // {node, start, cursor, index}
        MergedTree.preOrder(root, new MergedTree.Visitor() {
            @Override
            public void enter(MergedTree.Node n, int depth) {
                long start = (Long) open.peek()[2];
                Object[] ev = {n, start, start};
                pre.add(ev);
                open.push(new Object[] {ev, start, start});
            }

            @Override
            public void leave(MergedTree.Node n, int depth) {
                Object[] me = open.pop();
                long start = (Long) me[1];
                long end = Math.max(start + Math.max(0, n.totalNanos), (Long) me[2]);
                ((Object[]) me[0])[2] = end;
                open.peek()[2] = end;
            }
        });
        char[] number = new char[TRACE_NUMBER_CHARS];
        for (Object[] ev : pre) {
            MergedTree.Node n = (MergedTree.Node) ev[0];
            long start = traceUnits((Long) ev[1]);
            long end = traceUnits((Long) ev[2]);
            if (end == start) {
                continue; // nothing to draw, and its children have no time either
            }
            g.writeStartObject();
            g.writeStringField("ph", "X");
            g.writeStringField("name", n.name.label());
            g.writeStringField("cat", "treeprof");
            g.writeNumberField("pid", 1);
            g.writeNumberField("tid", tid);
            g.writeFieldName("ts");
            g.writeNumber(number, 0, traceMicros(start, number));
            g.writeFieldName("dur");
            g.writeNumber(number, 0, traceMicros(end - start, number));
            g.writeNumberField("calls", n.calls);
            g.writeEndObject();
        }
    }

    /** Trace time units per microsecond: a power of two, so unit counts are exact binary fractions. */
    static final int TRACE_UNITS_PER_MICRO = 1024;

    /**
     * Nanoseconds to trace units, rounded half up; monotonic, so ordered times stay ordered, and
     * computed without overflow for any non-negative long.
     */
    static long traceUnits(long nanos) {
        return nanos / 1000 * TRACE_UNITS_PER_MICRO + ((nanos % 1000) * TRACE_UNITS_PER_MICRO + 500) / 1000;
    }

    /** The longest {@link #traceMicros} text: a sign, 19 integer digits, the point and 10 fraction digits. */
    static final int TRACE_NUMBER_CHARS = 31;

    /**
     * Writes trace units as exact decimal microseconds (at most ten fraction digits) into
     * {@code out} and returns the text's length. A trace holds two such numbers per call path, so
     * this is integer arithmetic into a reused buffer: since 1/1024 = 5^10/10^10, {@code k/1024}
     * of a microsecond is exactly {@code k * 9,765,625} units of 10^-10 microsecond. So {@code units / 1024} is the integer part and the remainder times
     * 9,765,625 the fraction's ten digits, trailing zeros dropped: the text {@code BigDecimal}'s
     * exact division, stripped, gives, without its allocations (with it a 100,000-path trace
     * allocated about 3 KB per path).
     */
    static int traceMicros(long units, char[] out) {
        if (units < 0) {
            // times are never negative; keep the exact general form for the impossible case
            String s = new BigDecimal(units).divide(BigDecimal.valueOf(TRACE_UNITS_PER_MICRO)).stripTrailingZeros()
                    .toPlainString();
            s.getChars(0, s.length(), out, 0);
            return s.length();
        }
        int n = 0;
        long whole = units / TRACE_UNITS_PER_MICRO;
        long fraction = (units % TRACE_UNITS_PER_MICRO) * 9_765_625L; // in units of 10^-10 microsecond
        // the integer part, most significant digit first
        long scale = 1;
        while (whole / scale >= 10) {
            scale *= 10;
        }
        for (; scale > 0; scale /= 10) {
            out[n++] = (char) ('0' + whole / scale % 10);
        }
        if (fraction != 0) {
            out[n++] = '.';
            for (long place = 1_000_000_000L; fraction != 0; place /= 10) {
                out[n++] = (char) ('0' + fraction / place);
                fraction %= place;
            }
        }
        return n;
    }

    /**
     * Folded stacks: {@code frame;frame;frame <self microseconds>} for each call path with self
     * time (and every leaf), all threads summed, frames root first. Labels lose the characters
     * the format reserves: {@code ;} becomes {@code :}, line breaks become spaces.
     */
    static void folded(StatsTable stats, OutputStream out) throws IOException {
        requireTrees(stats, DumpFormat.FOLDED);
        MergedTree.Node root = MergedTree.all(stats.threads(), FOLDED_MAX_DEPTH);
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        List<String> path = new ArrayList<>();
        MergedTree.preOrder(root, new MergedTree.Visitor() {
            @Override
            public void enter(MergedTree.Node n, int depth) throws IOException {
                path.add(frame(n.name));
                if (n.selfNanos > 0 || n.children.isEmpty()) {
                    for (int i = 0; i < path.size(); i++) {
                        if (i > 0) {
                            w.write(';');
                        }
                        w.write(path.get(i));
                    }
                    w.write(' ');
                    w.write(Long.toString(Math.max(0, Math.floorDiv(n.selfNanos + 500, 1000))));
                    w.write('\n');
                }
            }

            @Override
            public void leave(MergedTree.Node n, int depth) {
                path.remove(path.size() - 1);
            }
        });
        w.flush();
    }

    private static String frame(ScopeName name) {
        String label = name.label();
        StringBuilder b = new StringBuilder(label.length());
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            b.append(c == ';' ? ':' : c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
        }
        String s = b.toString().trim();
        return s.isEmpty() ? "?" : s;
    }
}
