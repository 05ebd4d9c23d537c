package dev.treeprof.impl.stats;

import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * pstats' text layouts, byte for byte: {@code print_stats}, {@code print_callers} and
 * {@code print_callees} of one table, with its restrictions. The numbers are the table's; this
 * class only lays them out.
 */
final class PstatsPrinter {

    private final List<String> files;
    private final String orderedBy;
    private final List<StatsRow> ordered;
    private final List<StatsRow> all;
    private final long totalCalls;
    private final long primitiveCalls;
    private final double totalTime;
    private final int maxLabelLength;
    private final boolean callerCounts;
    private final Function<ScopeName, StatsRow> rowOf;

    /**
     * @param files          the lines pstats prints for the files the stats were loaded from
     * @param orderedBy      the "Ordered by" text, or null when never sorted
     * @param ordered        the rows in the current order
     * @param all            every row in first-seen order
     * @param callerCounts   whether callers are bare counts (Python's profile module)
     * @param rowOf          the row of a function, for bare-count callers
     */
    PstatsPrinter(List<String> files, String orderedBy, List<StatsRow> ordered, List<StatsRow> all, long totalCalls,
                  long primitiveCalls, double totalTime, int maxLabelLength, boolean callerCounts,
                  Function<ScopeName, StatsRow> rowOf) {
        this.files = files;
        this.orderedBy = orderedBy;
        this.ordered = ordered;
        this.all = all;
        this.totalCalls = totalCalls;
        this.primitiveCalls = primitiveCalls;
        this.totalTime = totalTime;
        this.maxLabelLength = maxLabelLength;
        this.callerCounts = callerCounts;
        this.rowOf = rowOf;
    }

    /**
     * The length of {@code name.label()} without making the label: the column width is the
     * longest label of every row, and a table of 100,000 rows would make 100,000 strings for it.
     * A bare name keeps its length ({@code <x>} prints as <code>{x}</code>); a positioned one is
     * {@code file:line(function)}.
     */
    static int labelLength(ScopeName name) {
        if (ScopeName.NO_FILE.equals(name.file()) && name.line() == 0) {
            return name.function().length();
        }
        return name.file().length() + 1 + decimalLength(name.line()) + 1 + name.function().length() + 1;
    }

    private static int decimalLength(int v) {
        if (v == Integer.MIN_VALUE) {
            return 11;
        }
        int n = v < 0 ? 2 : 1;
        for (int a = Math.abs(v); a >= 10; a /= 10) {
            n++;
        }
        return n;
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
        StringBuilder msg = new StringBuilder(64);
        if (orderedBy != null) {
            msg.append("   Ordered by: ").append(orderedBy).append('\n');
        } else {
            msg.append("   Random listing order was used\n");
        }
        Restrictions.Result r = Restrictions.apply(ordered, restrictions);
        for (String m : r.messages) {
            msg.append(m).append('\n');
        }
        int width = maxLabelLength;
        if (r.rows.size() < all.size()) {
            width = 0;
            for (StatsRow row : r.rows) {
                width = Math.max(width, labelLength(row.function()));
            }
        }
        return new PrintList(msg.toString(), r.rows, width + 2);
    }

    /**
     * Appends {@code name.label()} without making it (one string per printed row otherwise); see
     * {@link ScopeName#label()}.
     */
    static void appendLabel(StringBuilder b, ScopeName name) {
        String function = name.function();
        if (ScopeName.NO_FILE.equals(name.file()) && name.line() == 0) {
            int n = function.length();
            if (n >= 2 && function.charAt(0) == '<' && function.charAt(n - 1) == '>') {
                b.append('{').append(function, 1, n - 1).append('}');
            } else {
                b.append(function);
            }
            return;
        }
        b.append(name.file()).append(':').append(name.line()).append('(').append(function).append(')');
    }

    /** Appends a percall cell: {@code time / calls} as {@code %8.3f}, or eight spaces for no calls, as pstats does. */
    private static void appendPercall(StringBuilder b, double time, long calls) {
        if (calls == 0) {
            b.append("        ");
        } else {
            PyFormat.appendF8(b, time / calls);
        }
    }

    /** Appends the ncalls text ({@code 7/1} under recursion, else {@code 7}) padded on the left to {@code width}. */
    private static void appendNcalls(StringBuilder b, long total, long primitive, int width) {
        int length = numberLength(total) + (total == primitive ? 0 : 1 + numberLength(primitive));
        PyFormat.appendSpaces(b, width - length);
        b.append(total);
        if (total != primitive) {
            b.append('/').append(primitive);
        }
    }

    private static int numberLength(long v) {
        return v >= 0 ? PyFormat.decimalLength(v) : Long.toString(v).length();
    }

    /** pstats' {@code print_stats}: the file lines, the totals, then the table. */
    String stats(Object[] restrictions) {
        PrintList list = printList(restrictions);
        StringBuilder b = new StringBuilder(160 + list.message.length() + list.rows.size() * (48 + list.width));
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
        b.append(" in ");
        PyFormat.appendFixed3(b, totalTime, 0);
        b.append(" seconds\n\n");
        if (list.rows.isEmpty()) {
            return b.toString();
        }
        b.append(list.message).append('\n');
        b.append("   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n");
        for (StatsRow r : list.rows) {
            appendNcalls(b, r.totalCalls(), r.primitiveCalls(), 9);
            b.append(' ');
            PyFormat.appendF8(b, r.tottime());
            b.append(' ');
            appendPercall(b, r.tottime(), r.totalCalls());
            b.append(' ');
            PyFormat.appendF8(b, r.cumtime());
            b.append(' ');
            appendPercall(b, r.cumtime(), r.primitiveCalls());
            b.append(' ');
            appendLabel(b, r.function());
            b.append('\n');
        }
        return b.append("\n\n").toString();
    }

    /** pstats' {@code print_callers} (callers true) or {@code print_callees}. */
    String calls(Object[] restrictions, String title, String arrow, boolean callers) {
        PrintList list = printList(restrictions);
        if (list.rows.isEmpty()) {
            return "";
        }
        int w = list.width;
        StringBuilder b = new StringBuilder(list.message.length() + 160 + list.rows.size() * (64 + 2 * w));
        b.append(list.message).append('\n');
        b.append(PyFormat.rightPad("Function ", w)).append(title).append('\n');
        boolean anyCallers = false;
        for (StatsRow r : all) {
            if (!r.callers().isEmpty()) {
                anyCallers = true;
                break;
            }
        }
        boolean counts = callerCounts;
        if (anyCallers && !counts) {
            // pstats prints the sub-header only for tuple entries; bare counts have no columns
            PyFormat.appendSpaces(b, w);
            b.append("    ncalls  tottime  cumtime\n");
        }
        for (StatsRow r : list.rows) {
            int start = b.length();
            appendLabel(b, r.function());
            PyFormat.appendSpaces(b, w - (b.length() - start));
            b.append(arrow).append(' ');
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
                if (counts) {
                    // pstats: '%s(%r) %s' % (name, count, f8(cumtime of that function))
                    if (!first) {
                        PyFormat.appendSpaces(b, w + 3);
                    }
                    StatsRow other = rowOf.apply(k);
                    appendLabel(b, k);
                    b.append('(').append(c.totalCalls()).append(") ");
                    PyFormat.appendF8(b, other == null ? 0.0 : other.cumtime());
                    b.append('\n');
                    first = false;
                    continue;
                }
                if (!first) {
                    PyFormat.appendSpaces(b, w + 1);
                }
                appendNcalls(b, c.totalCalls(), c.primitiveCalls(), first ? 7 : 9);
                b.append(' ');
                PyFormat.appendF8(b, c.tottime());
                b.append(' ');
                PyFormat.appendF8(b, c.cumtime());
                b.append("  ");
                appendLabel(b, k);
                b.append('\n');
                first = false;
            }
        }
        return b.append("\n\n").toString();
    }
}
