package dev.treeprof.viewer;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.treeprof.CallStats;
import dev.treeprof.CallTree;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import dev.treeprof.ThreadTree;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@link Stats} and their call trees into the JSON the viewer's page draws, in two parts.
 * The profile (version {@value #VERSION}):
 *
 * <pre>{@code
 * {"version": 2, "sources": ["GET.orders.json"], "exact": true,
 *  "metadata": {"request.method": "GET", ...}, "startMillis": 0, "durationNanos": 0,
 *  "totalCalls": 20, "primitiveCalls": 14, "totalTime": 0.124,
 *  "functions": [[file, line, name, label], ...],
 *  "rows": [[function, calls, primitiveCalls, tottime, cumtime], ...],
 *  "threads": [{"name": "main", "function": [...], "calls": [...], "total": [...], "own": [...],
 *               "size": [...]}]}
 * }</pre>
 *
 * and the rows' callers ({@link #writeCallers}), which the page fetches after its first paint:
 * a large profile's caller pairs are nearly half of its JSON and only a selected function's are
 * shown:
 *
 * <pre>{@code
 * {"version": 2, "callers": [[[caller, calls, primitiveCalls, tottimeNanos, cumtimeNanos], ...], ...]}
 * }</pre>
 *
 * one list per row, in the rows' order, functions numbered as in the profile's "functions" (which
 * lists every caller, so both parts agree however the trees add names).
 *
 * Rows keep the stats' own order (pstats' order before any sort, which the page's sorting keeps
 * for ties), their times in seconds exactly as pstats holds them. The pairs' times are rounded to
 * nanoseconds, which keeps a large profile's many pairs short; the callees are the same pairs
 * seen from the other side, so the page derives them.
 * Threads are the recorded trees, nodes in pre-order with their subtree sizes, times in
 * nanoseconds, node 0 the synthetic root. For stats without trees (a flat {@code .prof}) one tree
 * is rebuilt from the caller pairs and {@code exact} is false: its per-path times are estimates.
 */
public final class ProfileJson {

    /** The version of the layout above. */
    public static final int VERSION = 2;

    /** The thread name of a tree rebuilt from caller pairs. */
    public static final String ESTIMATED_THREAD = "estimated from caller pairs";

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ScopeName ROOT = ScopeName.of("<root>");

    private ProfileJson() {
    }

    /**
     * Writes the stats as the page's JSON.
     *
     * @param sources the names of the files the stats came from, shown as the profile's title
     */
    public static void write(Stats stats, List<String> sources, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            write(stats, sources, g);
        }
    }

    /**
     * Writes the callers of the stats' rows, the second part of the page's JSON (see above).
     */
    public static void writeCallers(Stats stats, OutputStream out) throws IOException {
        List<StatsRow> rows = stats.rows();
        Map<ScopeName, Integer> index = new HashMap<>();
        numberRowsAndCallers(rows, index, new ArrayList<>());
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeNumberField("version", VERSION);
            g.writeArrayFieldStart("callers");
            for (StatsRow r : rows) {
                writePairs(g, r.callers(), index);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** Numbers the root, then each row's function and its callers, as both parts number them. */
    private static java.util.function.ToIntFunction<ScopeName> numberRowsAndCallers(List<StatsRow> rows,
            Map<ScopeName, Integer> index, List<ScopeName> functions) {
        java.util.function.ToIntFunction<ScopeName> indexOf = n -> index.computeIfAbsent(n, k -> {
            functions.add(k);
            return functions.size() - 1;
        });
        indexOf.applyAsInt(ROOT);
        for (StatsRow r : rows) {
            indexOf.applyAsInt(r.function());
            r.callers().keySet().forEach(indexOf::applyAsInt);
        }
        return indexOf;
    }

    static void write(Stats stats, List<String> sources, JsonGenerator g) throws IOException {
        List<StatsRow> rows = stats.rows();
        Map<ScopeName, Integer> index = new HashMap<>();
        List<ScopeName> functions = new ArrayList<>();
        java.util.function.ToIntFunction<ScopeName> indexOf = numberRowsAndCallers(rows, index, functions);
        CallTree tree = stats.callTree();
        List<String> threadNames = new ArrayList<>();
        List<TreeArrays> trees = new ArrayList<>();
        boolean exact = !tree.isEmpty() || rows.isEmpty();
        if (!tree.isEmpty()) {
            for (ThreadTree t : tree.threads()) {
                threadNames.add(t.threadName());
                trees.add(TreeArrays.of(t.root(), indexOf));
            }
        } else if (!rows.isEmpty()) {
            threadNames.add(ESTIMATED_THREAD);
            trees.add(PairTree.rebuild(rows, indexOf, indexOf.applyAsInt(ROOT)));
        }

        g.writeStartObject();
        g.writeNumberField("version", VERSION);
        g.writeArrayFieldStart("sources");
        for (String s : sources) {
            g.writeString(s);
        }
        g.writeEndArray();
        g.writeBooleanField("exact", exact);
        g.writeObjectFieldStart("metadata");
        for (Map.Entry<String, String> e : stats.metadata().entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeNumberField("startMillis", stats.startMillis());
        g.writeNumberField("durationNanos", stats.durationNanos());
        g.writeNumberField("totalCalls", stats.totalCalls());
        g.writeNumberField("primitiveCalls", stats.primitiveCalls());
        g.writeNumberField("totalTime", stats.totalTime());
        g.writeArrayFieldStart("functions");
        for (ScopeName n : functions) {
            g.writeStartArray();
            g.writeString(n.file());
            g.writeNumber(n.line());
            g.writeString(n.function());
            g.writeString(n.label());
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("rows");
        for (StatsRow r : rows) {
            g.writeStartArray();
            g.writeNumber(index.get(r.function()));
            g.writeNumber(r.totalCalls());
            g.writeNumber(r.primitiveCalls());
            g.writeNumber(r.tottime());
            g.writeNumber(r.cumtime());
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("threads");
        for (int i = 0; i < trees.size(); i++) {
            TreeArrays t = trees.get(i);
            g.writeStartObject();
            g.writeStringField("name", threadNames.get(i));
            g.writeFieldName("function");
            g.writeArray(t.function, 0, t.size);
            g.writeFieldName("calls");
            g.writeArray(t.calls, 0, t.size);
            g.writeFieldName("total");
            g.writeArray(t.totalNanos, 0, t.size);
            g.writeFieldName("own");
            g.writeArray(t.ownNanos, 0, t.size);
            g.writeFieldName("size");
            g.writeArray(t.subtreeSize, 0, t.size);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writePairs(JsonGenerator g, Map<ScopeName, CallStats> pairs, Map<ScopeName, Integer> index)
            throws IOException {
        g.writeStartArray();
        for (Map.Entry<ScopeName, CallStats> e : pairs.entrySet()) {
            CallStats c = e.getValue();
            g.writeStartArray();
            g.writeNumber(index.get(e.getKey()));
            g.writeNumber(c.totalCalls());
            g.writeNumber(c.primitiveCalls());
            g.writeNumber(Math.round(c.tottime() * 1e9));
            g.writeNumber(Math.round(c.cumtime() * 1e9));
            g.writeEndArray();
        }
        g.writeEndArray();
    }
}
