package dev.treeprof;

import dev.treeprof.spi.ProfilerProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A table of per-function numbers with pstats' semantics, the twin of Python's
 * {@code pstats.Stats}. Instances are immutable: {@link #sortStats(String...)}, {@link #add} and
 * friends return new instances, so a Stats can be shared between threads.
 *
 * <pre>{@code
 * profiler.stats().sortStats("cumulative").printStats("db", 10);
 * }</pre>
 *
 * <p>Printing goes to {@code System.out} unless redirected with {@link #stream(PrintStream)} or
 * {@link #sink(Consumer)}; to log with SLF4J use {@code stats.sink(log::info)}.
 */
public interface Stats {

    /**
     * Sorts by pstats keys, compared in order: {@code calls}/{@code ncalls},
     * {@code cumulative}/{@code cumtime}, {@code time}/{@code tottime}, {@code pcalls},
     * {@code filename}/{@code module}, {@code line}, {@code name}, {@code nfl}, {@code stdname},
     * or an unambiguous prefix of one of them. Numbers sort descending, names ascending; the sort
     * is stable.
     *
     * @throws IllegalArgumentException for an unknown or ambiguous key (e.g. {@code "cum"})
     */
    Stats sortStats(String... keys);

    /** The same rows in reverse order; the "Ordered by" line is unchanged, as in pstats. */
    Stats reverseOrder();

    /** Replaces every file by its last path element, summing rows that then collide. */
    Stats stripDirs();

    /** A new Stats holding these rows and the others', summed per function and per pair. */
    Stats add(Stats... others);

    /** The same stats printing to the given stream. */
    Stats stream(PrintStream out);

    /** The same stats handing each printed report, as one multi-line string, to the sink. */
    Stats sink(Consumer<String> reportSink);

    /**
     * Prints the table in pstats' layout. Restrictions apply left to right: a String is a regular
     * expression searched in the label, an Integer keeps the first N rows, a Double in [0, 1)
     * keeps that fraction.
     *
     * @return this, for chaining
     * @throws IllegalArgumentException for a restriction of another type
     */
    Stats printStats(Object... restrictions);

    /** Prints, for each row kept by the restrictions, who called it. */
    Stats printCallers(Object... restrictions);

    /** Prints, for each row kept by the restrictions, what it called. */
    Stats printCallees(Object... restrictions);

    /** What {@link #printStats(Object...)} prints, as a string. */
    String formatStats(Object... restrictions);

    /** What {@link #printCallers(Object...)} prints, as a string. */
    String formatCallers(Object... restrictions);

    /** What {@link #printCallees(Object...)} prints, as a string. */
    String formatCallees(Object... restrictions);

    /** The rows in the current order. */
    List<StatsRow> rows();

    /** The rows the restrictions keep, in the current order. */
    List<StatsRow> rows(Object... restrictions);

    /** The row of the function with this label, or null. */
    StatsRow row(String label);

    /** Sum of total calls over all rows. */
    long totalCalls();

    /** Sum of primitive calls over all rows. */
    long primitiveCalls();

    /** Sum of tottime over all rows, in seconds: the "in X seconds" of the header. */
    double totalTime();

    /**
     * The stats of each thread (by thread name) that contributed, when known. Stats loaded from a
     * {@code .prof} file have no per-thread view and return an empty map.
     */
    Map<String, Stats> byThread();

    /**
     * The exact call trees these stats were made from, one per thread. Empty when the paths are
     * unknown: stats loaded from a flat {@code .prof} file (pstats keeps only caller-callee pairs)
     * have rows but no trees. Stats made by {@link #add} hold the trees of every part that had
     * them; {@link #stripDirs()} renames the trees' scopes too.
     */
    CallTree callTree();

    /**
     * Free-form facts about the profile, kept by the lossless formats: for a web request its
     * method, path, status and elapsed time (see the integrations' docs). Empty when none.
     */
    Map<String, String> metadata();

    /** The same stats with these metadata entries added; later values replace earlier ones. */
    Stats withMetadata(Map<String, String> entries);

    /** When the recording started, in epoch milliseconds; 0 when unknown (e.g. loaded from {@code .prof}). */
    long startMillis();

    /** How long the recording ran, in nanoseconds; 0 when unknown. */
    long durationNanos();

    /**
     * Writes these stats to a stream in the named format: {@code prof}, {@code json},
     * {@code speedscope}, {@code trace} or {@code folded} (the extensions of
     * {@link #dumpStats(Path)} without their dot). The stream is flushed, not closed.
     *
     * @throws IOException when the stream fails
     * @throws IllegalArgumentException for an unknown format, and in the cases listed at
     *     {@link #dumpStats(Path)}
     */
    void dumpStats(OutputStream out, String format) throws IOException;

    /**
     * Writes these stats to a file. The format follows the extension: {@code .prof} (Python's
     * pstats format), {@code .json} (treeprof's lossless format), {@code .speedscope.json},
     * {@code .trace.json} (Chrome trace) and {@code .folded}/{@code .collapsed}. The file is
     * written beside the target and moved into place, so no reader sees half a dump.
     *
     * @throws IOException when the file cannot be written
     * @throws IllegalArgumentException for an unknown extension; for {@code .prof} of stats without
     *     rows (pstats cannot load an empty profile); for the speedscope, trace and folded formats
     *     of stats that have no call trees (e.g. loaded from {@code .prof}: the paths are unknown)
     */
    void dumpStats(Path file) throws IOException;

    /**
     * Loads and merges profile files: Python {@code .prof} files (from cProfile or treeprof) and
     * treeprof JSON, chosen by content.
     *
     * @throws IOException naming the file and what is wrong with it; nothing is half-loaded
     */
    static Stats load(Path... files) throws IOException {
        return ProfilerProvider.current().load(files);
    }

    /** A Stats without rows. */
    static Stats empty() {
        return ProfilerProvider.current().emptyStats();
    }
}
