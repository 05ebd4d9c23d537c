package dev.treeprof.impl.stats;

import dev.treeprof.CallStats;
import dev.treeprof.CallTree;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import dev.treeprof.ThreadTree;
import java.io.IOException;
import java.io.OutputStream;
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
 *
 * <p>Stats made from trees flatten them into rows only when rows are first needed (printing,
 * sorting, a {@code .prof} dump): a web request's profile kept in memory, or written as JSON,
 * never pays for the pstats table.
 */
public final class StatsTable implements Stats {

    private static final Consumer<String> STDOUT = s -> System.out.print(s);

    /** The flat table, shared by every stats derived from the same one. */
    private final Source source;
    /** Rows in the current order; null for the table's own (first-seen) order. */
    private final List<StatsRow> rows;
    /** The "Ordered by" text, or null when never sorted. */
    private final String orderedBy;
    private final Consumer<String> out;
    private final CallTree tree;
    private final List<String> files;
    private final Map<String, String> metadata;
    private final long startMillis;
    private final long durationNanos;
    private final StatsWriter writer;

    /** pstats' rows in first-seen order (its dict order, used for totals and "Random listing order"), with their totals. */
    private static final class Table {
        final List<StatsRow> rows;
        final long totalCalls;
        final long primitiveCalls;
        /**
         * pstats' {@code total_tt}: the sum of tottime in dict order when loaded, then kept as is by
         * {@code strip_dirs} and summed total by total by {@code add}, so the header's seconds
         * match pstats' to the last bit.
         */
        final double totalTime;
        final int maxLabelLength;
        /** The callers are bare call counts (the pure-Python profile module's form), see {@link #callerCounts()}. */
        final boolean callerCounts;
        private volatile Map<ScopeName, StatsRow> index;

        Table(List<StatsRow> rows) {
            this(rows, false, Double.NaN);
        }

        /** A table; {@code totalTime} NaN sums the rows' tottime in order, as pstats does on load. */
        Table(List<StatsRow> rows, boolean callerCounts, double totalTime) {
            this.callerCounts = callerCounts;
            this.rows = List.copyOf(rows);
            long calls = 0;
            long prim = 0;
            double time = 0;
            int width = 0;
            for (StatsRow r : this.rows) {
                calls += r.totalCalls();
                prim += r.primitiveCalls();
                time += r.tottime();
                width = Math.max(width, PstatsPrinter.labelLength(r.function()));
            }
            this.totalCalls = calls;
            this.primitiveCalls = prim;
            this.totalTime = Double.isNaN(totalTime) ? time : totalTime;
            this.maxLabelLength = width;
        }

        StatsRow row(ScopeName function) {
            Map<ScopeName, StatsRow> idx = index;
            if (idx == null) {
                idx = new HashMap<>();
                for (StatsRow r : rows) {
                    idx.put(r.function(), r);
                }
                index = idx;
            }
            return idx.get(function);
        }
    }

    /**
     * The flat table behind a stats and everything derived from it (sorted, with metadata...):
     * made eagerly from rows, or lazily, once, from the trees, however many views ask.
     */
    private static final class Source {
        volatile Table table;
        /** Whether the table is exactly the trees' flattening (nothing added or renamed). */
        final boolean fromTrees;

        Source(Table table, boolean fromTrees) {
            this.table = table;
            this.fromTrees = fromTrees;
        }
    }

    /** An unmodifiable copy keeping the order. */
    private static Map<String, String> immutable(Map<String, String> metadata) {
        return metadata.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    private static Source eager(Table table) {
        return new Source(table, false);
    }

    /**
     * {@code files} and {@code metadata} are kept as given: callers pass {@link #immutable} copies
     * (or this table's own), so deriving stats (sorted, streamed, written...) copies nothing, which
     * a web request's profile does several times for every report and file.
     */
    private StatsTable(Source source, List<StatsRow> rows, String orderedBy, Consumer<String> out,
                       CallTree tree, List<String> files, Map<String, String> metadata,
                       long startMillis, long durationNanos, StatsWriter writer) {
        this.source = source;
        this.rows = rows == null ? null : List.copyOf(rows);
        this.orderedBy = orderedBy;
        this.out = out;
        this.tree = tree;
        this.files = files;
        this.metadata = metadata;
        this.startMillis = startMillis;
        this.durationNanos = durationNanos;
        this.writer = writer;
    }

    /** The flat table, flattened from the trees on first use (a race flattens twice, to equal tables). */
    private Table table() {
        Table t = source.table;
        if (t == null) {
            t = new Table(Flattener.rows(tree.threads()));
            source.table = t;
        }
        return t;
    }

    /**
     * Whether the rows are exactly what the call trees flatten to (stats recorded, or loaded from
     * trees alone): a lossless writer then needs to store only the trees.
     */
    public boolean rowsAreTheTrees() {
        return source.fromTrees;
    }

    private List<StatsRow> baseRows() {
        return table().rows;
    }

    /**
     * The rows in first-seen order (pstats' dict order, what {@code sortStats()} without keys
     * gives), whatever order these stats are sorted in; for the writers.
     */
    public List<StatsRow> firstSeenRows() {
        return baseRows();
    }

    /** Stats of recorded trees. */
    public static StatsTable fromThreads(List<ThreadTree> threads, long startMillis, long durationNanos) {
        return fromThreads(threads, Map.of(), startMillis, durationNanos);
    }

    /** Stats of recorded trees, with free-form metadata (request method, path, status...). */
    public static StatsTable fromThreads(List<ThreadTree> threads, Map<String, String> metadata,
                                         long startMillis, long durationNanos) {
        return new StatsTable(new Source(null, true), null, null, STDOUT, CallTree.of(threads), List.of(),
                immutable(metadata), startMillis,
                durationNanos, StatsWriter.NONE);
    }

    /** Stats of flat rows without trees, e.g. loaded from a {@code .prof} file. */
    public static StatsTable fromRows(List<StatsRow> rows, List<String> fileHeaders) {
        return fromRows(rows, fileHeaders, false);
    }

    /**
     * Stats of flat rows without trees; {@code callerCounts} says the callers were bare call
     * counts (a dump of Python's pure-Python {@code profile} module), printed and written back so.
     */
    public static StatsTable fromRows(List<StatsRow> rows, List<String> fileHeaders, boolean callerCounts) {
        List<StatsRow> built;
        try {
            // one row per function, as a loaded file has: keep the rows' callers, derive the callees
            built = FunctionTable.withCallees(rows);
        } catch (IllegalArgumentException twoRowsForOneFunction) {
            FunctionTable t = new FunctionTable();
            rows.forEach(t::addRow);
            built = t.rows();
        }
        return new StatsTable(eager(new Table(built, callerCounts, Double.NaN)), null, null, STDOUT, CallTree.empty(),
                List.copyOf(fileHeaders), Map.of(), 0, 0, StatsWriter.NONE);
    }

    /**
     * Whether the callers are bare call counts, as the pure-Python {@code profile} module stores
     * them: pstats prints them as {@code caller(count) cumtime} without the
     * {@code ncalls tottime cumtime} sub-header, and a {@code .prof} dump writes them back so.
     */
    public boolean callerCounts() {
        return table().callerCounts;
    }

    public static StatsTable empty() {
        return new StatsTable(eager(new Table(List.of())), null, null, STDOUT, CallTree.empty(), List.of(),
                Map.of(), 0, 0,
                StatsWriter.NONE);
    }

    private StatsTable with(List<StatsRow> newRows, String newOrder, Consumer<String> newOut) {
        return new StatsTable(source, newRows, newOrder, newOut, tree, files, metadata, startMillis,
                durationNanos, writer);
    }

    /** The same stats with these metadata entries added (later values win). */
    @Override
    public StatsTable withMetadata(Map<String, String> more) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.putAll(more);
        return new StatsTable(source, rows, orderedBy, out, tree, files, Collections.unmodifiableMap(m), startMillis,
                durationNanos, writer);
    }

    /** The same stats, written by this file layer. */
    public StatsTable withWriter(StatsWriter w) {
        return new StatsTable(source, rows, orderedBy, out, tree, files, metadata, startMillis, durationNanos,
                Objects.requireNonNull(w, "writer"));
    }

    /** The same stats with the lines pstats prints for the files they were loaded from. */
    public StatsTable withFileHeaders(List<String> headers) {
        return new StatsTable(source, rows, orderedBy, out, tree, List.copyOf(headers), metadata, startMillis,
                durationNanos, writer);
    }

    /** The per-thread call trees, empty when the stats came from flat rows. */
    public List<ThreadTree> threads() {
        return tree.threads();
    }

    @Override
    public CallTree callTree() {
        return tree;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Wall-clock start of the recording, epoch milliseconds; 0 when unknown. */
    @Override
    public long startMillis() {
        return startMillis;
    }

    /** How long the recording ran, in nanoseconds; 0 when unknown. */
    @Override
    public long durationNanos() {
        return durationNanos;
    }

    /** The pstats file header lines of the files these stats were loaded from. */
    public List<String> fileHeaders() {
        return files;
    }

    /** The "Ordered by" description, or null when never sorted. */
    public String orderedBy() {
        return orderedBy;
    }

    @Override
    public Stats sortStats(String... keys) {
        if (keys.length == 0) {
            return with(null, null, out);
        }
        List<SortKey> parsed = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        for (String k : keys) {
            SortKey key = SortKey.of(k);
            parsed.add(key);
            descriptions.add(key.description);
        }
        List<StatsRow> sorted = new ArrayList<>(baseRows());
        sorted.sort(SortKey.comparator(parsed));
        return with(sorted, String.join(", ", descriptions), out);
    }

    @Override
    public Stats reverseOrder() {
        List<StatsRow> reversed = new ArrayList<>(rows());
        Collections.reverse(reversed);
        return with(reversed, orderedBy, out);
    }

    @Override
    public Stats stripDirs() {
        Map<ScopeName, ScopeName> memo = new HashMap<>();
        java.util.function.Function<ScopeName, ScopeName> strip = n -> memo.computeIfAbsent(n, StatsTable::basename);
        FunctionTable t = new FunctionTable();
        for (StatsRow r : baseRows()) {
            Map<ScopeName, CallStats> callers = new LinkedHashMap<>();
            r.callers().forEach((k, v) -> callers.merge(strip.apply(k), v, CallStats::plus));
            t.add(strip.apply(r.function()), r.totalCalls(), r.primitiveCalls(), r.tottime(), r.cumtime(), callers);
        }
        List<ThreadTree> strippedThreads = new ArrayList<>();
        for (ThreadTree tp : tree.threads()) {
            strippedThreads.add(ThreadTree.of(tp.threadName(), TreeNodes.rename(tp.root(), strip)));
        }
        Table before = table();
        return new StatsTable(eager(new Table(t.rows(), before.callerCounts, before.totalTime)), null, null, out,
                CallTree.of(strippedThreads), files, metadata, startMillis, durationNanos, writer);
    }

    private static ScopeName basename(ScopeName n) {
        int slash = n.file().lastIndexOf('/');
        return slash < 0 ? n : ScopeName.of(n.file().substring(slash + 1), n.line(), n.function());
    }

    @Override
    public Stats add(Stats... others) {
        FunctionTable t = new FunctionTable();
        baseRows().forEach(t::addRow);
        List<ThreadTree> allThreads = new ArrayList<>(tree.threads());
        List<String> allFiles = new ArrayList<>(files);
        double totalTime = table().totalTime;
        // bare caller counts survive only when every table with rows has them (pstats cannot mix)
        Boolean callerCounts = baseRows().isEmpty() ? null : table().callerCounts;
        Map<String, String> allMeta = new LinkedHashMap<>(metadata);
        long start = startMillis;
        long duration = durationNanos;
        // the sum is writable when any part is (a part made without a file layer has NONE)
        StatsWriter sumWriter = writer;
        for (Stats o : others) {
            Objects.requireNonNull(o, "stats");
            if (o instanceof StatsTable) {
                StatsTable s = (StatsTable) o;
                if (sumWriter == StatsWriter.NONE) {
                    sumWriter = s.writer;
                }
                s.baseRows().forEach(t::addRow);
                totalTime += s.table().totalTime;
                if (!s.baseRows().isEmpty()) {
                    callerCounts = (callerCounts == null || callerCounts) && s.table().callerCounts;
                }
                allThreads.addAll(s.tree.threads());
                allFiles.addAll(s.files);
                s.metadata.forEach(allMeta::putIfAbsent);
                if (start == 0 || (s.startMillis != 0 && s.startMillis < start)) {
                    start = s.startMillis;
                }
                duration += s.durationNanos;
            } else {
                o.rows().forEach(t::addRow);
                totalTime += o.totalTime();
                callerCounts = o.rows().isEmpty() ? callerCounts : Boolean.FALSE;
            }
        }
        // pstats adds the totals, not the rows again: the header's seconds stay bit for bit
        return new StatsTable(eager(new Table(t.rows(), callerCounts != null && callerCounts, totalTime)),
                null, null, out,
                CallTree.of(allThreads),
                List.copyOf(allFiles), immutable(allMeta), start, duration, sumWriter);
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

    /** pstats' layouts of these stats. */
    private PstatsPrinter printer() {
        Table t = table();
        return new PstatsPrinter(files, orderedBy, rows(), t.rows, t.totalCalls, t.primitiveCalls, t.totalTime,
                t.maxLabelLength, t.callerCounts, t::row);
    }

    @Override
    public String formatStats(Object... restrictions) {
        return printer().stats(restrictions);
    }

    @Override
    public String formatCallers(Object... restrictions) {
        return printer().calls(restrictions, "was called by...", "<-", true);
    }

    @Override
    public String formatCallees(Object... restrictions) {
        return printer().calls(restrictions, "called...", "->", false);
    }

    @Override
    public List<StatsRow> rows() {
        return rows != null ? rows : baseRows();
    }

    @Override
    public List<StatsRow> rows(Object... restrictions) {
        return Restrictions.apply(rows(), restrictions).rows;
    }

    @Override
    public StatsRow row(String label) {
        for (StatsRow r : rows()) {
            if (r.label().equals(label)) {
                return r;
            }
        }
        return null;
    }

    /** The row of this function key, or null. */
    public StatsRow row(ScopeName function) {
        return table().row(function);
    }

    @Override
    public long totalCalls() {
        return table().totalCalls;
    }

    @Override
    public long primitiveCalls() {
        return table().primitiveCalls;
    }

    @Override
    public double totalTime() {
        return table().totalTime;
    }

    @Override
    public Map<String, Stats> byThread() {
        Map<String, List<ThreadTree>> grouped = new LinkedHashMap<>();
        for (ThreadTree t : tree.threads()) {
            grouped.computeIfAbsent(t.threadName(), k -> new ArrayList<>()).add(t);
        }
        Map<String, Stats> result = new LinkedHashMap<>();
        grouped.forEach((name, list) -> result.put(name, new StatsTable(new Source(null, true), null, null,
                out, CallTree.of(list),
                List.of(), metadata, startMillis, durationNanos, writer)));
        return Collections.unmodifiableMap(result);
    }

    @Override
    public void dumpStats(Path file) throws IOException {
        writer.write(this, file);
    }

    @Override
    public void dumpStats(OutputStream stream, String format) throws IOException {
        writer.write(this, Objects.requireNonNull(stream, "stream"), Objects.requireNonNull(format, "format"));
    }

    @Override
    public String toString() {
        Table t = source.table;
        return "Stats[" + (t == null ? "not flattened" : t.rows.size() + " functions, " + t.totalCalls + " calls")
                + ", " + tree.threads().size() + " threads]";
    }
}
