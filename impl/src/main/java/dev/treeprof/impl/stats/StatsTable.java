package dev.treeprof.impl.stats;

import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import dev.treeprof.impl.format.Dumps;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The {@link Stats} implementation: pstats' table, immutable. Besides the flat rows it keeps the
 * per-thread call trees it was made from (when it was made from trees), so lossless formats and
 * the per-thread view lose nothing.
 */
public final class StatsTable implements Stats {

    private static final Consumer<String> STDOUT = s -> System.out.print(s);

    /** Rows in first-seen order: pstats' dict order, used for totals and "Random listing order". */
    private final List<StatsRow> baseRows;
    /** Rows in the current order. */
    private final List<StatsRow> rows;
    /** The "Ordered by" text, or null when never sorted. */
    private final String orderedBy;
    private final Consumer<String> out;
    private final List<ThreadProfile> threads;
    private final List<String> files;
    private final Map<String, String> metadata;
    private final long startMillis;
    private final long durationNanos;
    private final long totalCalls;
    private final long primitiveCalls;
    private final double totalTime;
    private final int maxLabelLength;
    private Map<ScopeName, StatsRow> index;

    private StatsTable(List<StatsRow> baseRows, List<StatsRow> rows, String orderedBy, Consumer<String> out,
                       List<ThreadProfile> threads, List<String> files, Map<String, String> metadata,
                       long startMillis, long durationNanos) {
        this.baseRows = List.copyOf(baseRows);
        this.rows = rows == baseRows ? this.baseRows : List.copyOf(rows);
        this.orderedBy = orderedBy;
        this.out = out;
        this.threads = List.copyOf(threads);
        this.files = List.copyOf(files);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.startMillis = startMillis;
        this.durationNanos = durationNanos;
        long calls = 0;
        long prim = 0;
        double time = 0;
        int width = 0;
        for (StatsRow r : this.baseRows) {
            calls += r.totalCalls();
            prim += r.primitiveCalls();
            time += r.tottime();
            width = Math.max(width, r.label().length());
        }
        this.totalCalls = calls;
        this.primitiveCalls = prim;
        this.totalTime = time;
        this.maxLabelLength = width;
    }

    /** Stats of recorded trees. */
    public static StatsTable fromThreads(List<ThreadProfile> threads, long startMillis, long durationNanos) {
        return fromThreads(threads, Map.of(), startMillis, durationNanos);
    }

    /** Stats of recorded trees, with free-form metadata (request method, path, status...). */
    public static StatsTable fromThreads(List<ThreadProfile> threads, Map<String, String> metadata,
                                         long startMillis, long durationNanos) {
        FunctionTable t = new FunctionTable();
        Flattener.flatten(threads, t);
        List<StatsRow> rows = t.rows();
        return new StatsTable(rows, rows, null, STDOUT, threads, List.of(), metadata, startMillis, durationNanos);
    }

    /** Stats of flat rows without trees, e.g. loaded from a {@code .prof} file. */
    public static StatsTable fromRows(List<StatsRow> rows, List<String> fileHeaders) {
        FunctionTable t = new FunctionTable();
        rows.forEach(t::addRow);
        List<StatsRow> built = t.rows();
        return new StatsTable(built, built, null, STDOUT, List.of(), fileHeaders, Map.of(), 0, 0);
    }

    public static StatsTable empty() {
        return new StatsTable(List.of(), List.of(), null, STDOUT, List.of(), List.of(), Map.of(), 0, 0);
    }

    private StatsTable with(List<StatsRow> newRows, String newOrder, Consumer<String> newOut) {
        return new StatsTable(baseRows, newRows, newOrder, newOut, threads, files, metadata, startMillis, durationNanos);
    }

    /** The same stats with these metadata entries added (later values win). */
    public StatsTable withMetadata(Map<String, String> more) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.putAll(more);
        return new StatsTable(baseRows, rows, orderedBy, out, threads, files, m, startMillis, durationNanos);
    }

    /** The same stats with the lines pstats prints for the files they were loaded from. */
    public StatsTable withFileHeaders(List<String> headers) {
        return new StatsTable(baseRows, rows, orderedBy, out, threads, headers, metadata, startMillis, durationNanos);
    }

    /** The per-thread call trees, empty when the stats came from flat rows. */
    public List<ThreadProfile> threads() {
        return threads;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Wall-clock start of the recording, epoch milliseconds; 0 when unknown. */
    public long startMillis() {
        return startMillis;
    }

    /** How long the recording ran, in nanoseconds; 0 when unknown. */
    public long durationNanos() {
        return durationNanos;
    }

    /** The "Ordered by" description, or null when never sorted. */
    public String orderedBy() {
        return orderedBy;
    }

    @Override
    public Stats sortStats(String... keys) {
        if (keys.length == 0) {
            return with(baseRows, null, out);
        }
        List<SortKey> parsed = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        for (String k : keys) {
            SortKey key = SortKey.of(k);
            parsed.add(key);
            descriptions.add(key.description);
        }
        List<StatsRow> sorted = new ArrayList<>(baseRows);
        sorted.sort(SortKey.comparator(parsed));
        return with(sorted, String.join(", ", descriptions), out);
    }

    @Override
    public Stats reverseOrder() {
        List<StatsRow> reversed = new ArrayList<>(rows);
        Collections.reverse(reversed);
        return with(reversed, orderedBy, out);
    }

    @Override
    public Stats stripDirs() {
        Map<ScopeName, ScopeName> memo = new HashMap<>();
        java.util.function.Function<ScopeName, ScopeName> strip = n -> memo.computeIfAbsent(n, StatsTable::basename);
        FunctionTable t = new FunctionTable();
        for (StatsRow r : baseRows) {
            Map<ScopeName, CallStats> callers = new LinkedHashMap<>();
            r.callers().forEach((k, v) -> callers.merge(strip.apply(k), v, CallStats::plus));
            t.add(strip.apply(r.function()), r.totalCalls(), r.primitiveCalls(), r.tottime(), r.cumtime(), callers);
        }
        List<ThreadProfile> strippedThreads = new ArrayList<>();
        for (ThreadProfile tp : threads) {
            strippedThreads.add(new ThreadProfile(tp.threadName(), TreeNodes.rename(tp.root(), strip)));
        }
        List<StatsRow> built = t.rows();
        return new StatsTable(built, built, null, out, strippedThreads, files, metadata, startMillis, durationNanos);
    }

    private static ScopeName basename(ScopeName n) {
        int slash = n.file().lastIndexOf('/');
        return slash < 0 ? n : ScopeName.of(n.file().substring(slash + 1), n.line(), n.function());
    }

    @Override
    public Stats add(Stats... others) {
        FunctionTable t = new FunctionTable();
        baseRows.forEach(t::addRow);
        List<ThreadProfile> allThreads = new ArrayList<>(threads);
        List<String> allFiles = new ArrayList<>(files);
        Map<String, String> allMeta = new LinkedHashMap<>(metadata);
        long start = startMillis;
        long duration = durationNanos;
        for (Stats o : others) {
            Objects.requireNonNull(o, "stats");
            if (o instanceof StatsTable) {
                StatsTable s = (StatsTable) o;
                s.baseRows.forEach(t::addRow);
                allThreads.addAll(s.threads);
                allFiles.addAll(s.files);
                s.metadata.forEach(allMeta::putIfAbsent);
                if (start == 0 || (s.startMillis != 0 && s.startMillis < start)) {
                    start = s.startMillis;
                }
                duration += s.durationNanos;
            } else {
                o.rows().forEach(t::addRow);
            }
        }
        List<StatsRow> built = t.rows();
        return new StatsTable(built, built, null, out, allThreads, allFiles, allMeta, start, duration);
    }

    @Override
    public Stats stream(PrintStream stream) {
        Objects.requireNonNull(stream, "stream");
        return with(rows, orderedBy, stream::print);
    }

    @Override
    public Stats sink(Consumer<String> reportSink) {
        return with(rows, orderedBy, Objects.requireNonNull(reportSink, "reportSink"));
    }

    @Override
    public Stats printStats(Object... restrictions) {
        out.accept(formatStats(restrictions));
        return this;
    }

    @Override
    public Stats printCallers(Object... restrictions) {
        out.accept(formatCallers(restrictions));
        return this;
    }

    @Override
    public Stats printCallees(Object... restrictions) {
        out.accept(formatCallees(restrictions));
        return this;
    }

    /** The list pstats' get_print_list builds: the message lines, the kept rows and the label width. */
    private static final class PrintList {
        final String message;
        final List<StatsRow> rows;
        final int width;

        PrintList(String message, List<StatsRow> rows, int width) {
            this.message = message;
            this.rows = rows;
            this.width = width;
        }
    }

    private PrintList printList(Object[] restrictions) {
        StringBuilder msg = new StringBuilder();
        msg.append(orderedBy != null ? "   Ordered by: " + orderedBy : "   Random listing order was used").append('\n');
        Restrictions.Result r = Restrictions.apply(rows, restrictions);
        r.messages.forEach(m -> msg.append(m).append('\n'));
        int width = maxLabelLength;
        if (r.rows.size() < baseRows.size()) {
            width = 0;
            for (StatsRow row : r.rows) {
                width = Math.max(width, row.label().length());
            }
        }
        return new PrintList(msg.toString(), r.rows, width + 2);
    }

    @Override
    public String formatStats(Object... restrictions) {
        StringBuilder b = new StringBuilder();
        for (String f : files) {
            b.append(f).append('\n');
        }
        if (!files.isEmpty()) {
            b.append('\n');
        }
        b.append("         ").append(totalCalls).append(" function calls");
        if (totalCalls != primitiveCalls) {
            b.append(" (").append(primitiveCalls).append(" primitive calls)");
        }
        b.append(" in ").append(PyFormat.fixed3(totalTime)).append(" seconds\n\n");
        PrintList list = printList(restrictions);
        if (list.rows.isEmpty()) {
            return b.toString();
        }
        b.append(list.message).append('\n');
        b.append("   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n");
        for (StatsRow r : list.rows) {
            b.append(PyFormat.leftPad(r.ncalls(), 9)).append(' ')
                    .append(PyFormat.f8(r.tottime())).append(' ')
                    .append(r.totalCalls() == 0 ? "        " : PyFormat.f8(r.tottime() / r.totalCalls())).append(' ')
                    .append(PyFormat.f8(r.cumtime())).append(' ')
                    .append(r.primitiveCalls() == 0 ? "        " : PyFormat.f8(r.cumtime() / r.primitiveCalls())).append(' ')
                    .append(r.label()).append('\n');
        }
        return b.append("\n\n").toString();
    }

    @Override
    public String formatCallers(Object... restrictions) {
        return formatCalls(restrictions, "was called by...", "<-", true);
    }

    @Override
    public String formatCallees(Object... restrictions) {
        return formatCalls(restrictions, "called...", "->", false);
    }

    private String formatCalls(Object[] restrictions, String title, String arrow, boolean callers) {
        PrintList list = printList(restrictions);
        if (list.rows.isEmpty()) {
            return "";
        }
        int w = list.width;
        StringBuilder b = new StringBuilder(list.message).append('\n');
        b.append(PyFormat.rightPad("Function ", w)).append(title).append('\n');
        boolean anyCallers = false;
        for (StatsRow r : baseRows) {
            if (!r.callers().isEmpty()) {
                anyCallers = true;
                break;
            }
        }
        if (anyCallers) {
            b.append(" ".repeat(w)).append("    ncalls  tottime  cumtime\n");
        }
        for (StatsRow r : list.rows) {
            b.append(PyFormat.rightPad(r.label(), w)).append(arrow).append(' ');
            Map<ScopeName, CallStats> calls = callers ? r.callers() : r.callees();
            if (calls.isEmpty()) {
                b.append('\n');
                continue;
            }
            List<ScopeName> keys = new ArrayList<>(calls.keySet());
            Collections.sort(keys);
            boolean first = true;
            for (ScopeName k : keys) {
                CallStats c = calls.get(k);
                String n = c.totalCalls() == c.primitiveCalls() ? Long.toString(c.totalCalls())
                        : c.totalCalls() + "/" + c.primitiveCalls();
                if (!first) {
                    b.append(" ".repeat(w + 1));
                }
                b.append(PyFormat.leftPad(n, first ? 7 : 9)).append(' ').append(PyFormat.f8(c.tottime())).append(' ')
                        .append(PyFormat.f8(c.cumtime())).append("  ").append(k.label()).append('\n');
                first = false;
            }
        }
        return b.append("\n\n").toString();
    }

    @Override
    public List<StatsRow> rows() {
        return rows;
    }

    @Override
    public List<StatsRow> rows(Object... restrictions) {
        return Restrictions.apply(rows, restrictions).rows;
    }

    @Override
    public StatsRow row(String label) {
        for (StatsRow r : rows) {
            if (r.label().equals(label)) {
                return r;
            }
        }
        return null;
    }

    /** The row of this function key, or null. */
    public StatsRow row(ScopeName function) {
        Map<ScopeName, StatsRow> idx = index;
        if (idx == null) {
            idx = new HashMap<>();
            for (StatsRow r : baseRows) {
                idx.put(r.function(), r);
            }
            index = idx;
        }
        return idx.get(function);
    }

    @Override
    public long totalCalls() {
        return totalCalls;
    }

    @Override
    public long primitiveCalls() {
        return primitiveCalls;
    }

    @Override
    public double totalTime() {
        return totalTime;
    }

    @Override
    public Map<String, Stats> byThread() {
        Map<String, List<ThreadProfile>> grouped = new LinkedHashMap<>();
        for (ThreadProfile t : threads) {
            grouped.computeIfAbsent(t.threadName(), k -> new ArrayList<>()).add(t);
        }
        Map<String, Stats> result = new LinkedHashMap<>();
        grouped.forEach((name, list) -> result.put(name, new StatsTable(flatten(list), flatten(list), null, out, list,
                List.of(), metadata, startMillis, durationNanos)));
        return Collections.unmodifiableMap(result);
    }

    private static List<StatsRow> flatten(List<ThreadProfile> threads) {
        FunctionTable t = new FunctionTable();
        Flattener.flatten(threads, t);
        return t.rows();
    }

    @Override
    public void dumpStats(Path file) throws IOException {
        Dumps.write(this, file);
    }

    @Override
    public String toString() {
        return "Stats[" + baseRows.size() + " functions, " + totalCalls + " calls, " + threads.size() + " threads]";
    }
}
