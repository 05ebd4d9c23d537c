package dev.treeprof.impl.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PyFormatTest {

    /** Values where Java's String.format and Python's %8.3f disagree (Python rounds the exact binary value half to even). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "1.0005|   1.000",
            "0.0625|   0.062",
            "0.1235|   0.123",
            "1234567.8915|1234567.891",
            "0.0|   0.000",
            "-0.0|  -0.000",
            "-0.0001|  -0.000",
            "2.5e-4|   0.000",
            "0.0005|   0.001",
            "12.3456|  12.346"})
    void f8MatchesPython(double value, String expected) {
        assertEquals(expected, PyFormat.f8(value));
    }

    /**
     * The integer-arithmetic path of the report's cells against the exact decimal expansion of
     * the binary value (which the cases above check against Python): every magnitude, exact
     * halfway values (odd sixteenths, odd multiples of 0.0005 as written), their neighbours, and
     * per-call quotients.
     */
    @Test
    void fastCellsMatchTheExactExpansion() {
        java.util.List<Double> values = new java.util.ArrayList<>();
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < 30_000; i++) {
            values.add(rnd.nextDouble() * Math.pow(10, rnd.nextInt(14) - 4));
            values.add(rnd.nextInt(1_000_000) * 1e-9 * (1 + rnd.nextInt(1000)) / (1 + rnd.nextInt(50)));
        }
        for (int k = 0; k < 30_000; k++) {
            double tie = (2 * k + 1) / 2000.0;
            double sixteenth = (2 * k + 1) / 16.0;
            for (double v : new double[] {tie, sixteenth}) {
                values.add(v);
                values.add(Math.nextUp(v));
                values.add(Math.nextDown(v));
            }
        }
        values.addAll(java.util.List.of(0.0, -0.0, -0.0004, -0.0005, -0.0625, -1.5, 999_999_999.9995, 1e9, 1e9 - 1e-4,
                -1e9, 1e15, 1e300, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, 4503599627370495.5));
        for (double v : values) {
            for (int width : new int[] {0, 8}) {
                StringBuilder b = new StringBuilder("x");
                PyFormat.appendFixed3(b, v, width);
                assertEquals("x" + PyFormat.leftPad(PyFormat.fixed3(v), width), b.toString(), () -> "value " + v);
            }
        }
    }

    @Test
    void f8OfNonFiniteNumbersIsPythonsText() {
        assertEquals("     nan", PyFormat.f8(Double.NaN));
        assertEquals("     inf", PyFormat.f8(Double.POSITIVE_INFINITY));
    }

    /** Inputs and what Python 3.11's repr() returns for them (generated with python3). */
    private static final String[][] CASES = {
        {"/hello/world", "'/hello/world'"},
        {"/it's", "\"/it's\""},
        {"/a\"b", "'/a\"b'"},
        {"/both'\"", "'/both\\'\"'"},
        {"/tab\there", "'/tab\\there'"},
        {"/nl\n\r", "'/nl\\n\\r'"},
        {"/nul\u0000", "'/nul\\x00'"},
        {"/caf\u00e9", "'/caf\u00e9'"},
        {"/caf\u00c3\u00a9", "'/caf\u00c3\u00a9'"},
        {"/nbsp\u00a0", "'/nbsp\\xa0'"},
        {"/soft\u00ad", "'/soft\\xad'"},
        {"/bell\u0007\u007f", "'/bell\\x07\\x7f'"},
        {"/back\\slash", "'/back\\\\slash'"},
        {"/emoji\ud83d\ude00", "'/emoji\ud83d\ude00'"},
        {"/zw\u200b", "'/zw\\u200b'"},
        {"/ls\u2028", "'/ls\\u2028'"},
        {"/priv\ue000", "'/priv\\ue000'"},
        {"/\udb40\udc01", "'/\\U000e0001'"},
        {"", "''"},
    };

    @Test
    void reprOfStringsMatchesPython() {
        for (String[] c : CASES) {
            assertEquals(c[1], PyFormat.reprString(c[0]), () -> "repr of " + c[0]);
        }
    }

    @Test
    void reprOfRestrictionsIsPythons() {
        assertEquals("'db'", PyFormat.repr("db"));
        assertEquals("'^db\\\\.'", PyFormat.repr("^db\\."));
        assertEquals("\"it's\"", PyFormat.repr("it's"));
        assertEquals("'it\\'s \"x\"'", PyFormat.repr("it's \"x\""));
        assertEquals("'a\\tb\\x01'", PyFormat.repr("a\tb\u0001"));
        assertEquals("'café'", PyFormat.repr("café"));
        assertEquals("10", PyFormat.repr(10));
        assertEquals("True", PyFormat.repr(true));
        assertEquals("0.5", PyFormat.repr(0.5));
        assertEquals("0.1", PyFormat.repr(0.1));
        assertEquals("1e-05", PyFormat.repr(0.00001));
        assertEquals("0.0001", PyFormat.repr(0.0001));
        assertEquals("1e+16", PyFormat.repr(1e16));
        assertEquals("0.0", PyFormat.repr(0.0));
    }
}
