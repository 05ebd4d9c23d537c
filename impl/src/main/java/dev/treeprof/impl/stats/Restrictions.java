package dev.treeprof.impl.stats;

import dev.treeprof.StatsRow;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * pstats' {@code print_stats(*restrictions)}: applied left to right, each to what the previous
 * one kept. A String is a regular expression searched in the label; an integer N in [0, rows)
 * keeps the first N rows; a float f in [0, 1) keeps the first {@code int(rows * f + 0.5)}.
 * Anything else (negative, too large) keeps everything, as in pstats.
 */
final class Restrictions {

    /** The rows kept and the message lines pstats prints about them. */
    static final class Result {
        final List<StatsRow> rows;
        final List<String> messages;

        Result(List<StatsRow> rows, List<String> messages) {
            this.rows = rows;
            this.messages = messages;
        }
    }

    private Restrictions() {
    }

    static Result apply(List<StatsRow> rows, Object... restrictions) {
        if (restrictions.length == 0) {
            // the common report (werkzeug's default): every row, nothing to say
            return new Result(rows, List.of());
        }
        List<StatsRow> current = rows;
        List<String> messages = new ArrayList<>();
        for (Object r : restrictions) {
            List<StatsRow> next = current;
            if (r instanceof String) {
                Pattern p = compile((String) r);
                if (p == null) {
                    messages.add("   <Invalid regular expression " + PyFormat.repr(r) + ">");
                    continue;
                }
                next = new ArrayList<>();
                for (StatsRow row : current) {
                    if (p.matcher(row.label()).find()) {
                        next.add(row);
                    }
                }
            } else if (r instanceof Double || r instanceof Float) {
                double f = ((Number) r).doubleValue();
                if (f >= 0.0 && f < 1.0) {
                    next = current.subList(0, (int) (current.size() * f + 0.5));
                }
            } else if (r instanceof Integer || r instanceof Long || r instanceof Short || r instanceof Byte
                    || r instanceof Boolean) {
                long n = r instanceof Boolean ? (((Boolean) r) ? 1 : 0) : ((Number) r).longValue();
                if (n >= 0 && n < current.size()) {
                    next = current.subList(0, (int) n);
                }
            } else {
                throw new IllegalArgumentException("a restriction is a String (regular expression), an integer "
                        + "(number of rows) or a double in [0, 1) (fraction of rows), not "
                        + (r == null ? "null" : r.getClass().getName() + " " + r));
            }
            if (next.size() != current.size()) {
                messages.add("   List reduced from " + current.size() + " to " + next.size()
                        + " due to restriction <" + PyFormat.repr(r) + ">");
            }
            current = List.copyOf(next);
        }
        return new Result(current, messages);
    }

    /** Compiles a Python regular expression, translating the named-group syntax Java lacks. */
    static Pattern compile(String pythonRegex) {
        String java = pythonRegex.replace("(?P<", "(?<").replaceAll("\\(\\?P=(\\w+)\\)", "\\\\k<$1>");
        try {
            return Pattern.compile(java);
        } catch (PatternSyntaxException e) {
            return null;
        }
    }
}
