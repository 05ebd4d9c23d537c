package dev.treeprof.web;


import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A compiled file-name format: werkzeug's {@code str.format} template with the fields
 * {@code {method}}, {@code {path}}, {@code {elapsed}} and {@code {time}} (the numbers optionally
 * with a {@code :.Nf} spec, as in werkzeug's own {@code {elapsed:.0f}}), or a lambda. Every
 * name it produces has passed {@link SafeFileNames}.
 */
final class FileNameFormat {

    private enum Field { METHOD, PATH, ELAPSED, TIME }

    /** One piece of a template: literal text, or a field with its decimals. */
    private static final class Part {
        final String literal;
        final Field field;
        final int decimals;

        Part(String literal, Field field, int decimals) {
            this.literal = literal;
            this.field = field;
            this.decimals = decimals;
        }
    }

    private final String template;
    private final List<Part> parts;
    private final Function<RequestInfo, String> lambda;
    private final Pattern ownNames;

    private FileNameFormat(String template, List<Part> parts, Function<RequestInfo, String> lambda, Pattern ownNames) {
        this.template = template;
        this.parts = parts;
        this.lambda = lambda;
        this.ownNames = ownNames;
    }

    /**
     * Compiles a template.
     *
     * @throws IllegalArgumentException for an unknown field, a bad spec, an unbalanced brace, or
     *                                  literal text with characters outside {@code [A-Za-z0-9._-]}
     *                                  (which would let the format itself name another directory)
     */
    static FileNameFormat compile(String template) {
        Objects.requireNonNull(template, "filenameFormat");
        List<Part> parts = new ArrayList<>();
        StringBuilder regex = new StringBuilder();
        int i = 0;
        boolean hasField = false;
        java.util.Set<Field> numericFields = java.util.EnumSet.noneOf(Field.class);
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                int close = template.indexOf('}', i);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '{' at " + i + " in filenameFormat " + PythonRepr.of(template));
                }
                String body = template.substring(i + 1, close);
                int colon = body.indexOf(':');
                String name = colon < 0 ? body : body.substring(0, colon);
                String spec = colon < 0 ? null : body.substring(colon + 1);
                Field f;
                switch (name) {
                    case "method": f = Field.METHOD; break;
                    case "path": f = Field.PATH; break;
                    case "elapsed": f = Field.ELAPSED; break;
                    case "time": f = Field.TIME; break;
                    default:
                        throw new IllegalArgumentException("unknown field {" + name + "} in filenameFormat "
                                + PythonRepr.of(template) + "; the fields are {method}, {path}, {elapsed}, {time}");
                }
                int decimals = 0;
                if (spec != null) {
                    if ((f != Field.ELAPSED && f != Field.TIME) || !spec.matches("\\.[0-6]f")) {
                        throw new IllegalArgumentException("unsupported spec {" + body + "} in filenameFormat "
                                + PythonRepr.of(template) + "; only {elapsed} and {time} take one, of the form .Nf with N in 0..6");
                    }
                    decimals = spec.charAt(1) - '0';
                }
                parts.add(new Part(null, f, decimals));
                hasField = true;
                numericFields.add(f);
                switch (f) {
                    case METHOD: regex.append("[A-Za-z0-9._-]{1,").append(SafeFileNames.MAX_METHOD_LENGTH).append('}'); break;
                    case PATH: regex.append("[A-Za-z0-9._-]+"); break;
                    default: regex.append("-?[0-9]+").append(decimals > 0 ? "\\.[0-9]{" + decimals + "}" : ""); break;
                }
                i = close + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException("single '}' at " + i + " in filenameFormat " + PythonRepr.of(template));
            } else {
                int end = i;
                while (end < template.length() && template.charAt(end) != '{' && template.charAt(end) != '}') {
                    end++;
                }
                String lit = template.substring(i, end);
                for (int k = 0; k < lit.length(); k++) {
                    if (!SafeFileNames.safe(lit.charAt(k))) {
                        throw new IllegalArgumentException("filenameFormat " + PythonRepr.of(template)
                                + " may only hold A-Z a-z 0-9 . _ - outside its fields, not " + PythonRepr.of(lit.substring(k, k + 1)));
                    }
                }
                parts.add(new Part(lit, null, 0));
                regex.append(Pattern.quote(lit));
                i = end;
            }
        }
        if (template.isEmpty() || !hasField && (template.equals(".") || template.equals(".."))) {
            throw new IllegalArgumentException("filenameFormat " + PythonRepr.of(template) + " names no file");
        }
        // A format starting with a literal dot would make hidden files, and could collide with our temp files.
        if (template.startsWith(".")) {
            throw new IllegalArgumentException("filenameFormat must not start with '.': " + PythonRepr.of(template));
        }
        // Earlier files are adopted for retention only when their names carry both numbers, as
        // werkzeug's default does: a looser format such as "{path}.json" would match files that are
        // not ours (a package.json), and retention must never delete those.
        boolean distinctive = numericFields.contains(Field.ELAPSED) && numericFields.contains(Field.TIME);
        return new FileNameFormat(template, List.copyOf(parts), null,
                distinctive ? Pattern.compile(regex.toString()) : null);
    }

    /** A format computed by user code; its result is sanitised like request data. */
    static FileNameFormat of(Function<RequestInfo, String> lambda) {
        return new FileNameFormat(null, List.of(), Objects.requireNonNull(lambda, "filenameFormat"), null);
    }

    /**
     * The file name for a finished request, at most {@link SafeFileNames#MAX_NAME_LENGTH} long:
     * the path part is cut first (with a hash tag so cut paths stay distinct), then, if literal
     * text alone is too long, the whole name keeping its extension.
     */
    String fileName(RequestInfo request) {
        if (lambda != null) {
            return SafeFileNames.sanitize(lambda.apply(request));
        }
        String method = SafeFileNames.methodPart(request.method());
        String path = SafeFileNames.pathPart(request.path());
        double elapsedMs = Math.max(0, request.elapsedMillis());
        double time = request.endEpochMillis() / 1000.0;
        String name = render(method, path, elapsedMs, time);
        int excess = name.length() - SafeFileNames.MAX_NAME_LENGTH;
        if (excess > 0) {
            int occurrences = 0;
            for (Part p : parts) {
                occurrences += p.field == Field.PATH ? 1 : 0;
            }
            if (occurrences > 0) {
                String tag = SafeFileNames.hashTag(path);
                int keep = Math.max(1, path.length() - (excess + occurrences - 1) / occurrences - tag.length());
                if (keep < path.length()) {
                    name = render(method, path.substring(0, keep) + tag, elapsedMs, time);
                }
            }
        }
        return SafeFileNames.sanitize(name);
    }

    private String render(String method, String path, double elapsedMs, double time) {
        StringBuilder b = new StringBuilder();
        for (Part p : parts) {
            if (p.literal != null) {
                b.append(p.literal);
                continue;
            }
            switch (p.field) {
                case METHOD: b.append(method); break;
                case PATH: b.append(path); break;
                case ELAPSED: b.append(fixed(elapsedMs, p.decimals)); break;
                default: b.append(fixed(time, p.decimals)); break;
            }
        }
        return b.toString();
    }

    /**
     * Python's {@code format(x, ".Nf")}: the exact binary value rounded half to even, which is
     * what CPython's correctly rounded conversion does ({@code 2.5 -> "2"}, {@code 0.5 -> "0"}).
     * Every file name formats two numbers, so the usual case avoids {@link BigDecimal}: scaled
     * by the power of ten (exact in a double for N up to 6), a value whose fraction is clearly
     * not a half (further from it than the scaling's rounding error) rounds the same way however
     * it is computed. Values near a half, and values too large for the error bound, take the
     * exact path.
     */
    static String fixed(double x, int decimals) {
        if (!Double.isFinite(x)) {
            return "0";
        }
        if (x >= 0 && x < TWO_POW_52) {
            double scaled = x * POW10[decimals];
            if (scaled < TWO_POW_52) {
                double floor = Math.floor(scaled);
                double frac = scaled - floor; // exact: both are within a factor of two, or floor is 0
                if (Math.abs(frac - 0.5) > Math.ulp(scaled)) {
                    return digits((long) floor + (frac > 0.5 ? 1 : 0), decimals);
                }
            }
        }
        return exact(x, decimals);
    }

    /** {@link #fixed} by exact decimal arithmetic. */
    static String exact(double x, int decimals) {
        return new BigDecimal(x).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static final double TWO_POW_52 = 0x1p52;
    private static final double[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    /** A non-negative number of units of 10^-decimals, written with that many decimals. */
    private static String digits(long units, int decimals) {
        String d = Long.toString(units);
        if (decimals == 0) {
            return d;
        }
        StringBuilder b = new StringBuilder(d.length() + decimals + 2);
        for (int pad = decimals + 1 - d.length(); pad > 0; pad--) {
            b.append('0');
        }
        b.append(d);
        b.insert(b.length() - decimals, '.');
        return b.toString();
    }

    /**
     * Matches the names this format produces, so files of an earlier run can be counted for
     * retention; null for a lambda format, whose names cannot be recognised.
     */
    Pattern ownNames() {
        return ownNames;
    }

    @Override
    public String toString() {
        return template != null ? template : "<function " + lambda + ">";
    }
}
