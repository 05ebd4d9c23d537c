package dev.treeprof.impl.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.impl.stats.StatsTable;
import dev.treeprof.ThreadTree;
import dev.treeprof.CallNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads treeprof's JSON with Jackson's streaming parser. Fields may come in any order and unknown
 * fields are skipped (later minor additions stay readable); a different {@code format} or a newer
 * {@code version} is refused. Every error names the JSON pointer and the line and column.
 */
final class JsonDumpReader {

    private static final int NODE_FIELDS = 5;

    private final JsonParser p;
    private final String file;

    private String format;
    private Integer version;
    private String schema;
    private boolean sawTraceEvents;
    private long startMillis;
    private long durationNanos;
    /** The rows' callers are bare call counts (a dump of Python's profile module). */
    private boolean callerCounts;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<ScopeName> functions = new ArrayList<>();
    private final List<String> threadNames = new ArrayList<>();
    private final List<long[]> threadNodes = new ArrayList<>();
    private final List<Integer> threadNodeCounts = new ArrayList<>();
    private final List<long[]> rowNumbers = new ArrayList<>();
    private final List<double[]> rowTimes = new ArrayList<>();
    private final List<long[]> callerNumbers = new ArrayList<>();
    private final List<double[]> callerTimes = new ArrayList<>();

    private JsonDumpReader(JsonParser p, String file) {
        this.p = p;
        this.file = file;
    }

    static StatsTable read(InputStream in, String file, JsonFactory factory) throws IOException {
        try (JsonParser p = factory.createParser(in)) {
            JsonDumpReader r = new JsonDumpReader(p, file);
            try {
                return r.readDocument();
            } catch (BadDumpException e) {
                throw e;
            } catch (JsonProcessingException e) {
                throw r.fail(e.getOriginalMessage(), e.getLocation(), e);
            } catch (IOException e) {
                // the input is in memory: what fails here is decoding the text (e.g. bytes that
                // make Jackson guess UTF-16 or UTF-32 and then do not decode)
                throw r.fail("not readable as JSON text: " + e.getMessage(), null, e);
            }
        }
    }

    private StatsTable readDocument() throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw fail("the file holds no JSON value");
        }
        if (t == JsonToken.START_ARRAY) {
            throw fail("a JSON array, as in a Chrome trace file: treeprof writes that format but does not load it");
        }
        if (t != JsonToken.START_OBJECT) {
            throw fail("expected a JSON object, found " + t.asString());
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "format":
                    format = string();
                    if (!JsonDumpWriter.FORMAT.equals(format)) {
                        throw fail("format \"" + format + "\" is not \"" + JsonDumpWriter.FORMAT + "\"");
                    }
                    break;
                case "version":
                    long v = longValue();
                    if (v != JsonDumpWriter.VERSION) {
                        throw fail(v > JsonDumpWriter.VERSION
                                ? "version " + v + " is newer than this reader (it reads version " + JsonDumpWriter.VERSION + ")"
                                : "unknown version " + v);
                    }
                    version = (int) v;
                    break;
                case "startMillis":
                    startMillis = longValue();
                    break;
                case "durationNanos":
                    durationNanos = longValue();
                    break;
                case "jvm":
                    stringMap(Facts.JVM_PREFIX);
                    break;
                case "host":
                    stringMap(Facts.HOST_PREFIX);
                    break;
                case "metadata":
                    stringMap("");
                    break;
                case "callerCounts":
                    if (!p.currentToken().isBoolean()) {
                        throw fail("\"callerCounts\" must be true or false");
                    }
                    callerCounts = p.getBooleanValue();
                    break;
                case "functions":
                    functions();
                    break;
                case "threads":
                    threads();
                    break;
                case "rows":
                    rows();
                    break;
                case "$schema":
                    schema = p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                    break;
                case "traceEvents":
                    sawTraceEvents = true;
                    p.skipChildren();
                    break;
                default:
                    p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw fail("expected a field name or '}', found " + describe(p.currentToken()));
        }
        if (p.nextToken() != null) {
            throw fail("unexpected content after the top-level object");
        }
        if (format == null) {
            if (schema != null && schema.contains("speedscope")) {
                throw fail("a speedscope file: treeprof writes that format but does not load it");
            }
            if (sawTraceEvents) {
                throw fail("a Chrome trace file: treeprof writes that format but does not load it");
            }
            throw fail("not a treeprof profile: no \"format\" field");
        }
        if (version == null) {
            throw fail("no \"version\" field");
        }
        return build();
    }

    private StatsTable build() throws BadDumpException {
        List<ThreadTree> threads = new ArrayList<>();
        for (int t = 0; t < threadNames.size(); t++) {
            threads.add(ThreadTree.of(threadNames.get(t), tree(t)));
        }
        List<StatsRow> rows = new ArrayList<>();
        for (int r = 0; r < rowNumbers.size(); r++) {
            long[] n = rowNumbers.get(r);
            double[] times = rowTimes.get(r);
            long[] cn = callerNumbers.get(r);
            double[] ct = callerTimes.get(r);
            Map<ScopeName, CallStats> callers = new LinkedHashMap<>();
            for (int c = 0; c < cn.length / 3; c++) {
                ScopeName caller = function(cn[3 * c], "/rows/" + r + "/callers/" + c + "/0");
                CallStats pair = new CallStats(cn[3 * c + 1], cn[3 * c + 2], ct[2 * c], ct[2 * c + 1]);
                callers.merge(caller, pair, CallStats::plus);
            }
            rows.add(new StatsRow(function(n[0], "/rows/" + r + "/function"), n[1], n[2], times[0], times[1],
                    callers, Map.of()));
        }
        StatsTable table = StatsTable.fromThreads(threads, metadata, startMillis, durationNanos);
        if (!rows.isEmpty()) {
            table = (StatsTable) table.add(StatsTable.fromRows(rows, List.of(), callerCounts));
        }
        return table;
    }

    /** Builds a thread's tree from its pre-order node list, children before parents, no recursion. */
    private CallNode tree(int t) throws BadDumpException {
        long[] nodes = threadNodes.get(t);
        int n = threadNodeCounts.get(t);
        if (n == 0) {
            throw fail("/threads/" + t + "/nodes", "a thread needs at least its root node");
        }
        @SuppressWarnings("unchecked")
        List<CallNode>[] kids = new List[n];
        CallNode root = null;
        for (int i = n - 1; i >= 0; i--) {
            int base = i * NODE_FIELDS;
            ScopeName name = function(nodes[base + 1], "/threads/" + t + "/nodes/" + i + "/1");
            List<CallNode> k = kids[i];
            if (k == null) {
                k = List.of();
            } else {
                Collections.reverse(k);
            }
            kids[i] = null;
            CallNode node = CallNode.of(name, nodes[base + 2], nodes[base + 3], nodes[base + 4], k);
            int parent = (int) nodes[base];
            if (parent < 0) {
                root = node;
            } else {
                if (kids[parent] == null) {
                    kids[parent] = new ArrayList<>();
                }
                kids[parent].add(node);
            }
        }
        return root;
    }

    private ScopeName function(long index, String pointer) throws BadDumpException {
        if (index < 0 || index >= functions.size()) {
            throw fail(pointer, "function index " + index + " is out of range (" + functions.size() + " functions)");
        }
        return functions.get((int) index);
    }

    private void stringMap(String prefix) throws IOException {
        expect(JsonToken.START_OBJECT);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            metadata.put(prefix + key, string());
        }
    }

    private void functions() throws IOException {
        expect(JsonToken.START_ARRAY);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(JsonToken.START_ARRAY);
            p.nextToken();
            String f = string();
            p.nextToken();
            long line = longValue();
            if (line < Integer.MIN_VALUE || line > Integer.MAX_VALUE) {
                throw fail("line number " + line + " is out of range");
            }
            p.nextToken();
            String name = string();
            endArray("[file, line, name]");
            functions.add(ScopeName.of(f, (int) line, name));
        }
    }

    private void threads() throws IOException {
        expect(JsonToken.START_ARRAY);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(JsonToken.START_OBJECT);
            String name = null;
            long[] nodes = null;
            int count = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("name")) {
                    name = string();
                } else if (field.equals("nodes")) {
                    expect(JsonToken.START_ARRAY);
                    nodes = new long[16 * NODE_FIELDS];
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        expect(JsonToken.START_ARRAY);
                        if ((count + 1) * NODE_FIELDS > nodes.length) {
                            nodes = Arrays.copyOf(nodes, nodes.length * 2);
                        }
                        int base = count * NODE_FIELDS;
                        for (int i = 0; i < NODE_FIELDS; i++) {
                            p.nextToken();
                            nodes[base + i] = longValue();
                        }
                        long parent = nodes[base];
                        if (count == 0 ? parent != -1 : parent < 0 || parent >= count) {
                            throw fail(count == 0 ? "the first node is the root and needs parent -1"
                                    : "parent " + parent + " is not an earlier node (pre-order)");
                        }
                        if (nodes[base + 2] < 0) {
                            throw fail("negative call count " + nodes[base + 2]);
                        }
                        endArray("[parent, function, calls, totalNanos, selfNanos]");
                        count++;
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (name == null) {
                throw fail("a thread needs a \"name\"");
            }
            if (nodes == null) {
                throw fail("a thread needs \"nodes\"");
            }
            threadNames.add(name);
            threadNodes.add(nodes);
            threadNodeCounts.add(count);
        }
    }

    private void rows() throws IOException {
        expect(JsonToken.START_ARRAY);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(JsonToken.START_OBJECT);
            long[] n = {Long.MIN_VALUE, -1, -1};
            double[] times = {Double.NaN, Double.NaN};
            long[] cn = new long[0];
            double[] ct = new double[0];
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "function":
                        n[0] = longValue();
                        break;
                    case "calls":
                        n[1] = count();
                        break;
                    case "primitiveCalls":
                        n[2] = count();
                        break;
                    case "tottime":
                        times[0] = doubleValue();
                        break;
                    case "cumtime":
                        times[1] = doubleValue();
                        break;
                    case "callers":
                        expect(JsonToken.START_ARRAY);
                        int c = 0;
                        cn = new long[3 * 4];
                        ct = new double[2 * 4];
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            expect(JsonToken.START_ARRAY);
                            if (3 * (c + 1) > cn.length) {
                                cn = Arrays.copyOf(cn, cn.length * 2);
                                ct = Arrays.copyOf(ct, ct.length * 2);
                            }
                            p.nextToken();
                            cn[3 * c] = longValue();
                            p.nextToken();
                            cn[3 * c + 1] = count();
                            p.nextToken();
                            cn[3 * c + 2] = count();
                            p.nextToken();
                            ct[2 * c] = doubleValue();
                            p.nextToken();
                            ct[2 * c + 1] = doubleValue();
                            endArray("[caller, calls, primitiveCalls, tottime, cumtime]");
                            c++;
                        }
                        cn = Arrays.copyOf(cn, 3 * c);
                        ct = Arrays.copyOf(ct, 2 * c);
                        break;
                    default:
                        p.skipChildren();
                }
            }
            String[] names = {"function", "calls", "primitiveCalls"};
            for (int i = 0; i < 3; i++) {
                if (n[i] == (i == 0 ? Long.MIN_VALUE : -1)) {
                    throw fail("a row needs \"" + names[i] + "\"");
                }
            }
            if (Double.isNaN(times[0]) || Double.isNaN(times[1])) {
                throw fail("a row needs \"tottime\" and \"cumtime\"");
            }
            rowNumbers.add(n);
            rowTimes.add(times);
            callerNumbers.add(cn);
            callerTimes.add(ct);
        }
    }

    private void endArray(String shape) throws IOException {
        if (p.nextToken() != JsonToken.END_ARRAY) {
            throw fail("too many items: expected " + shape);
        }
    }

    private void expect(JsonToken t) throws IOException {
        if (p.currentToken() != t) {
            throw fail("expected " + describe(t) + ", found " + describe(p.currentToken()));
        }
    }

    private String string() throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw fail("expected a string, found " + describe(p.currentToken()));
        }
        return p.getText();
    }

    private long longValue() throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw fail("expected an integer, found " + describe(p.currentToken()));
        }
        return p.getLongValue();
    }

    private long count() throws IOException {
        long v = longValue();
        if (v < 0) {
            throw fail("negative call count " + v);
        }
        return v;
    }

    private double doubleValue() throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw fail("expected a number, found " + describe(t));
        }
        double d = p.getDoubleValue();
        if (!Double.isFinite(d)) {
            throw fail("number out of range");
        }
        return d;
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the file";
        }
        switch (t) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case END_OBJECT:
                return "'}'";
            case END_ARRAY:
                return "']'";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
                return "an integer";
            case VALUE_NUMBER_FLOAT:
                return "a fractional number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            case FIELD_NAME:
                return "a field name";
            default:
                return t.toString();
        }
    }

    private BadDumpException fail(String problem) {
        return fail(problem, p.currentLocation(), null);
    }

    private BadDumpException fail(String problem, JsonLocation loc, Throwable cause) {
        String pointer = p.getParsingContext().pathAsPointer().toString();
        StringBuilder where = new StringBuilder("at ").append(pointer.isEmpty() ? "/" : pointer);
        if (loc != null && loc.getLineNr() > 0) {
            where.append(" (line ").append(loc.getLineNr()).append(", column ").append(loc.getColumnNr()).append(')');
        }
        return new BadDumpException(file, where.toString(), problem, cause);
    }

    private BadDumpException fail(String pointer, String problem) {
        return new BadDumpException(file, "at " + pointer, problem);
    }
}
