package dev.treeprof.impl.format;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.impl.stats.StatsTable;
import dev.treeprof.ThreadTree;
import dev.treeprof.CallNode;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes treeprof's lossless JSON (format {@value #FORMAT}, version {@value #VERSION}); the
 * layout is documented in the README (section ".json: treeprof's lossless format") and read back by {@link JsonDumpReader}.
 *
 * <p>Trees are written as flat pre-order node lists with parent indices rather than as nested
 * objects, so a tree of any depth stays within JSON parsers' nesting limits.
 */
final class JsonDumpWriter {

    static final String FORMAT = "treeprof";
    static final int VERSION = 1;

    /** Relative difference below which two sums of the same times count as equal (float noise). */
    private static final double TIME_EPSILON = 1e-9;

    private JsonDumpWriter() {
    }

    static void write(StatsTable stats, OutputStream out, JsonFactory factory) throws IOException {
        List<ThreadTree> threads = stats.threads();
        List<StatsRow> extra;
        if (stats.rowsAreTheTrees()) {
            extra = List.of(); // recorded stats: the trees say everything, no table to compare
        } else if (threads.isEmpty()) {
            extra = stats.sortStats().rows();
        } else {
            extra = extraRows(stats.sortStats().rows(),
                    StatsTable.fromThreads(threads, Map.of(), 0, 0).rows());
            if (extra == null) {
                // the table is not the trees plus something: keep the flat table, which is what prints
                threads = List.of();
                extra = stats.sortStats().rows();
            }
        }
        for (StatsRow r : extra) {
            checkFinite(r.tottime(), r);
            checkFinite(r.cumtime(), r);
            for (CallStats c : r.callers().values()) {
                checkFinite(c.tottime(), r);
                checkFinite(c.cumtime(), r);
            }
        }

        Map<String, String> jvm = new LinkedHashMap<>();
        Map<String, String> host = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        stats.metadata().forEach((k, v) -> {
            if (k.startsWith(Facts.JVM_PREFIX) && k.length() > Facts.JVM_PREFIX.length()) {
                jvm.put(k.substring(Facts.JVM_PREFIX.length()), v);
            } else if (k.startsWith(Facts.HOST_PREFIX) && k.length() > Facts.HOST_PREFIX.length()) {
                host.put(k.substring(Facts.HOST_PREFIX.length()), v);
            } else {
                meta.put(k, v);
            }
        });
        if (!stats.threads().isEmpty()) {
            // recorded here (or loaded without facts): describe this process
            if (jvm.isEmpty()) {
                jvm.putAll(Facts.jvm());
            }
            if (host.isEmpty()) {
                host.putAll(Facts.host());
            }
        }

        Map<ScopeName, Integer> functions = new LinkedHashMap<>();
        for (ThreadTree t : threads) {
            index(t.root(), functions);
        }
        for (StatsRow r : extra) {
            functions.putIfAbsent(r.function(), functions.size());
            for (ScopeName c : r.callers().keySet()) {
                functions.putIfAbsent(c, functions.size());
            }
        }

        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeNumberField("startMillis", stats.startMillis());
            if (stats.startMillis() != 0) {
                g.writeStringField("start", Instant.ofEpochMilli(stats.startMillis()).toString());
            }
            g.writeNumberField("durationNanos", stats.durationNanos());
            if (stats.callerCounts()) {
                g.writeBooleanField("callerCounts", true); // bare caller counts, as Python's profile module
            }
            stringMap(g, "jvm", jvm);
            stringMap(g, "host", host);
            stringMap(g, "metadata", meta);
            g.writeArrayFieldStart("functions");
            for (ScopeName f : functions.keySet()) {
                g.writeStartArray();
                g.writeString(f.file());
                g.writeNumber(f.line());
                g.writeString(f.function());
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("threads");
            for (ThreadTree t : threads) {
                g.writeStartObject();
                g.writeStringField("name", t.threadName());
                g.writeArrayFieldStart("nodes");
                nodes(g, t.root(), functions);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("rows");
            for (StatsRow r : extra) {
                g.writeStartObject();
                g.writeNumberField("function", functions.get(r.function()));
                g.writeNumberField("calls", r.totalCalls());
                g.writeNumberField("primitiveCalls", r.primitiveCalls());
                g.writeNumberField("tottime", r.tottime());
                g.writeNumberField("cumtime", r.cumtime());
                g.writeArrayFieldStart("callers");
                for (Map.Entry<ScopeName, CallStats> e : r.callers().entrySet()) {
                    CallStats c = e.getValue();
                    g.writeStartArray();
                    g.writeNumber(functions.get(e.getKey()));
                    g.writeNumber(c.totalCalls());
                    g.writeNumber(c.primitiveCalls());
                    g.writeNumber(c.tottime());
                    g.writeNumber(c.cumtime());
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    private static void stringMap(JsonGenerator g, String field, Map<String, String> m) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : m.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void index(CallNode root, Map<ScopeName, Integer> functions) {
        Deque<CallNode> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            CallNode n = stack.pop();
            functions.putIfAbsent(n.name(), functions.size());
            List<CallNode> kids = n.children();
            for (int i = kids.size() - 1; i >= 0; i--) {
                stack.push(kids.get(i));
            }
        }
    }

    /** {@code [parent, function, calls, totalNanos, selfNanos]} per node, pre-order, root first. */
    private static void nodes(JsonGenerator g, CallNode root, Map<ScopeName, Integer> functions) throws IOException {
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, -1});
        int next = 0;
        while (!stack.isEmpty()) {
            Object[] f = stack.pop();
            CallNode n = (CallNode) f[0];
            int index = next++;
            g.writeStartArray();
            g.writeNumber((Integer) f[1]);
            g.writeNumber(functions.get(n.name()));
            g.writeNumber(n.calls());
            g.writeNumber(n.totalNanos());
            g.writeNumber(n.ownNanos());
            g.writeEndArray();
            List<CallNode> kids = n.children();
            for (int i = kids.size() - 1; i >= 0; i--) {
                stack.push(new Object[] {kids.get(i), index});
            }
        }
    }

    /**
     * The rows of the table that the trees do not account for: the table minus the trees' own
     * rows, field by field; null when the table is not a superset of the trees' rows.
     */
    static List<StatsRow> extraRows(List<StatsRow> table, List<StatsRow> fromTrees) {
        Map<ScopeName, StatsRow> trees = new HashMap<>();
        for (StatsRow r : fromTrees) {
            trees.put(r.function(), r);
        }
        int matched = 0;
        List<StatsRow> extra = new ArrayList<>();
        for (StatsRow r : table) {
            StatsRow t = trees.get(r.function());
            if (t == null) {
                extra.add(r);
                continue;
            }
            matched++;
            long calls = r.totalCalls() - t.totalCalls();
            long prim = r.primitiveCalls() - t.primitiveCalls();
            if (calls < 0 || prim < 0) {
                return null;
            }
            double tt = minus(r.tottime(), t.tottime());
            double ct = minus(r.cumtime(), t.cumtime());
            Map<ScopeName, CallStats> callers = new LinkedHashMap<>();
            int pairsMatched = 0;
            for (Map.Entry<ScopeName, CallStats> e : r.callers().entrySet()) {
                CallStats tc = t.callers().get(e.getKey());
                CallStats c = e.getValue();
                if (tc == null) {
                    callers.put(e.getKey(), c);
                    continue;
                }
                pairsMatched++;
                long pc = c.totalCalls() - tc.totalCalls();
                long pp = c.primitiveCalls() - tc.primitiveCalls();
                if (pc < 0 || pp < 0) {
                    return null;
                }
                double ptt = minus(c.tottime(), tc.tottime());
                double pct = minus(c.cumtime(), tc.cumtime());
                if (pc != 0 || pp != 0 || ptt != 0 || pct != 0) {
                    callers.put(e.getKey(), new CallStats(pc, pp, ptt, pct));
                }
            }
            if (pairsMatched != t.callers().size()) {
                return null;
            }
            if (calls != 0 || prim != 0 || tt != 0 || ct != 0 || !callers.isEmpty()) {
                extra.add(new StatsRow(r.function(), calls, prim, tt, ct, callers, Map.of()));
            }
        }
        return matched == fromTrees.size() ? extra : null;
    }

    private static double minus(double a, double b) {
        double d = a - b;
        return Math.abs(d) <= TIME_EPSILON * Math.max(Math.abs(a), Math.abs(b)) ? 0.0 : d;
    }

    private static void checkFinite(double d, StatsRow r) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("time " + d + " of " + r.label() + " is not a finite number");
        }
    }
}
