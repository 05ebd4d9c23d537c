package dev.treeprof.impl.stats;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Python's formatting where pstats and werkzeug output depend on it: {@code %8.3f} and
 * {@code repr()}. Public for treeprof's own modules (the web integrations print {@code PATH: <repr>});
 * not part of the supported API.
 */
public final class PyFormat {

    private PyFormat() {
    }

    /**
     * Python's {@code "%8.3f" % x}: rounds the exact binary value half-to-even (Java's
     * {@code String.format} rounds the shortest decimal half-up and differs, e.g. for 1.0005).
     */
    static String f8(double x) {
        StringBuilder b = new StringBuilder(8);
        appendF8(b, x);
        return b.toString();
    }

    /** Appends Python's {@code "%8.3f" % x}, as {@link #f8} returns it. */
    static void appendF8(StringBuilder b, double x) {
        appendFixed3(b, x, 8);
    }

    /**
     * Appends Python's {@code "%.3f" % x} padded on the left to {@code width}. A report prints
     * four such cells per row for every profiled request: most values are formatted here in
     * integer arithmetic, without the {@link BigDecimal} of {@link #fixed3}. {@code x * 1000} is
     * then below 2^40, so the product is within 2^-13 of the exact value and only a fraction
     * within 1e-3 of one half (a possible exact tie, or a product rounded across it) goes to the
     * exact path.
     */
    static void appendFixed3(StringBuilder b, double x, int width) {
        double a = Math.abs(x);
        if (a < 1e9) {
            double y = a * 1000;
            double whole = Math.floor(y);
            double frac = y - whole;
            if (Math.abs(frac - 0.5) > 1e-3) {
                long units = (long) whole + (frac > 0.5 ? 1 : 0);
                long integer = units / 1000;
                int thousandths = (int) (units % 1000);
                // Python prints the sign of any negative value, -0.0 included: -0.0001 is "-0.000"
                boolean negative = x < 0 || (x == 0 && 1 / x < 0);
                int length = (negative ? 1 : 0) + decimalLength(integer) + 4;
                for (int i = length; i < width; i++) {
                    b.append(' ');
                }
                if (negative) {
                    b.append('-');
                }
                b.append(integer).append('.')
                        .append((char) ('0' + thousandths / 100))
                        .append((char) ('0' + thousandths / 10 % 10))
                        .append((char) ('0' + thousandths % 10));
                return;
            }
        }
        String s = fixed3(x);
        for (int i = s.length(); i < width; i++) {
            b.append(' ');
        }
        b.append(s);
    }

    /** Number of decimal digits of a value that is not negative. */
    static int decimalLength(long v) {
        int n = 1;
        for (long rest = v; rest >= 10; rest /= 10) {
            n++;
        }
        return n;
    }

    /** Appends {@code n} spaces. */
    static void appendSpaces(StringBuilder b, int n) {
        for (int i = 0; i < n; i++) {
            b.append(' ');
        }
    }

    static String fixed3(double x) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(x).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
        boolean negative = x < 0 || (x == 0 && 1 / x < 0);
        return negative && !s.startsWith("-") ? "-" + s : s;
    }

    static String leftPad(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        StringBuilder b = new StringBuilder(width);
        for (int i = s.length(); i < width; i++) {
            b.append(' ');
        }
        return b.append(s).toString();
    }

    static String rightPad(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        StringBuilder b = new StringBuilder(width).append(s);
        while (b.length() < width) {
            b.append(' ');
        }
        return b.toString();
    }

    /** Python's {@code repr()} of a restriction: str, int, bool or float. */
    static String repr(Object o) {
        if (o instanceof String) {
            return reprString((String) o);
        }
        if (o instanceof Boolean) {
            return ((Boolean) o) ? "True" : "False";
        }
        if (o instanceof Double || o instanceof Float) {
            return reprFloat(((Number) o).doubleValue());
        }
        return String.valueOf(o);
    }

    /**
     * Python's {@code repr()} of a {@code str}: single quotes unless the text holds a single quote
     * and no double quote; backslash escapes for the quote, backslash, tab, newline, carriage
     * return and non-printable code points ({@code str.isprintable}).
     */
    public static String reprString(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder(s.length() + 2).append(quote);
        s.codePoints().forEach(cp -> {
            if (cp == quote || cp == '\\') {
                b.append('\\').appendCodePoint(cp);
            } else if (cp == '\t') {
                b.append("\\t");
            } else if (cp == '\n') {
                b.append("\\n");
            } else if (cp == '\r') {
                b.append("\\r");
            } else if (cp < 0x20 || cp == 0x7f) {
                b.append(String.format("\\x%02x", cp));
            } else if (!printable(cp)) {
                b.append(cp <= 0xff ? String.format("\\x%02x", cp)
                        : cp <= 0xffff ? String.format("\\u%04x", cp) : String.format("\\U%08x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.append(quote).toString();
    }

    private static boolean printable(int cp) {
        if (cp < 0x7f) {
            return true;
        }
        if (cp <= 0xa0 || cp == 0xad) {
            return false;
        }
        int type = Character.getType(cp);
        return type != Character.CONTROL && type != Character.FORMAT && type != Character.SURROGATE
                && type != Character.PRIVATE_USE && type != Character.UNASSIGNED
                && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
                && type != Character.SPACE_SEPARATOR;
    }

    /** Python's float repr: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
    static String reprFloat(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal v = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = v.precision() - v.scale() - 1;
        if (exponent < -4 || exponent >= 16) {
            String digits = v.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String sign = d < 0 ? "-" : "";
            String exp = (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
            return sign + mantissa + "e" + exp;
        }
        String plain = v.toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }
}
