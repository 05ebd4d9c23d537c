package dev.treeprof.impl.format;

import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Python's pstats file: one {@code marshal} value, a dict {@code (file, line, name) ->
 * (primitive, total, tottime, cumtime, {caller key: (total, primitive, tottime, cumtime)})}.
 *
 * <p>The decoder is driven by that expected shape rather than decoding any marshal value: every
 * value is checked against what its position allows, so nesting depth is fixed by the schema,
 * never by the input. It accepts what CPython's writer produces (reference flags, {@code r}
 * back-references, the short forms {@code ) z Z a A t}, long ints {@code l}) as well as the
 * minimal codes treeprof writes. Every declared length is checked against the bytes left before
 * anything is allocated, and back-references are charged to a work budget proportional to the
 * file size, so a hostile file cannot make the reader use memory or time out of proportion to
 * its size.
 */
final class ProfReader {

    private static final int FLAG_REF = 0x80;
    private static final Object UNFINISHED = new Object();
    private static final String DAMAGED = " (truncated or corrupt file)";

    /** What a position in the file may hold. */
    private enum Kind {
        KEY("a function key tuple (file, line, name)"),
        ROW("a stats tuple (primitive calls, total calls, tottime, cumtime, callers)"),
        CALLERS("a callers dict"),
        PAIR("a caller tuple (total calls, primitive calls, tottime, cumtime)"),
        INT("an int"),
        NUMBER("a number"),
        STR("a str");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    /** A decoded stats tuple. */
    private static final class RawRow {
        final long primitive;
        final long total;
        final double tottime;
        final double cumtime;
        final Map<ScopeName, CallStats> callers;

        RawRow(long primitive, long total, double tottime, double cumtime, Map<ScopeName, CallStats> callers) {
            this.primitive = primitive;
            this.total = total;
            this.tottime = tottime;
            this.cumtime = cumtime;
            this.callers = callers;
        }
    }

    /** A decoded file: its rows, and whether its callers were bare counts. */
    static final class Loaded {
        final List<StatsRow> rows;
        /**
         * Every caller entry was a bare call count, as the pure-Python {@code profile} module
         * writes them (pstats prints those as {@code name(count)} with the caller's cumtime).
         */
        final boolean callerCounts;

        Loaded(List<StatsRow> rows, boolean callerCounts) {
            this.rows = rows;
            this.callerCounts = callerCounts;
        }
    }

    private final byte[] data;
    private final String file;
    private boolean sawCountPair;
    private boolean sawTuplePair;
    private int pos;
    private final List<Object> refs = new ArrayList<>();
    private final Map<ScopeName, ScopeName> names = new java.util.HashMap<>();
    private long work;
    private final long workLimit;

    private ProfReader(byte[] data, String file) {
        this.data = data;
        this.file = file;
        // Real files cost about one unit per byte; the slack only matters for hostile files
        // whose back-references to containers would multiply the work.
        this.workLimit = 8L * data.length + 4096;
    }

    /** Whether these first bytes start a marshalled dict whose first key is a tuple, or an empty dict. */
    static boolean looksLikeProf(byte[] head, int length) {
        if (length < 2 || (head[0] & 0x7F) != '{') {
            return false;
        }
        int next = head[1] & 0x7F;
        return next == '(' || next == ')' || next == 'r' || next == '0';
    }

    /**
     * Decodes a whole file.
     *
     * @throws BadDumpException naming the byte offset and what is wrong
     */
    static Loaded read(byte[] data, String file) throws BadDumpException {
        ProfReader r = new ProfReader(data, file);
        List<StatsRow> rows = r.readTop();
        // a file mixing both forms (pstats itself cannot add those) is kept as tuples
        return new Loaded(rows, r.sawCountPair && !r.sawTuplePair);
    }

    private List<StatsRow> readTop() throws BadDumpException {
        if (data.length == 0) {
            throw new BadDumpException(file, null, "the file is empty");
        }
        int c = u8() & ~FLAG_REF;
        if (c != '{') {
            throw fail(0, "not a pstats file: expected a marshalled dict (code '{'), found " + describeCode(c));
        }
        if ((data[0] & FLAG_REF) != 0) {
            refs.add(UNFINISHED);
        }
        // rows are made as entries are read, so each entry's decoded callers map is garbage at once
        Map<ScopeName, StatsRow> stats = new LinkedHashMap<>();
        while (true) {
            int at = pos;
            if ((peek() & ~FLAG_REF) == '0') {
                pos++;
                break;
            }
            ScopeName key = (ScopeName) value(Kind.KEY);
            if (pos < data.length && (data[pos] & ~FLAG_REF) == '0') {
                throw fail(pos, "dict entry for " + key.label() + " has no value");
            }
            RawRow row = (RawRow) value(Kind.ROW);
            if (row.total < 0 || row.primitive < 0) {
                throw fail(at, "negative call count for " + key.label());
            }
            charge(row.callers.size());
            // a repeated key replaces the earlier value in place, as Python's dict does
            stats.put(key, new StatsRow(key, row.total, row.primitive, row.tottime, row.cumtime, row.callers, Map.of()));
        }
        if (stats.isEmpty()) {
            throw fail(0, "the profile holds no functions (an empty dict; pstats refuses it too)");
        }
        return new ArrayList<>(stats.values());
    }

    /** Reads one value of the expected kind, following back-references. */
    private Object value(Kind kind) throws BadDumpException {
        int at = pos;
        int raw = u8();
        int code = raw & ~FLAG_REF;
        charge(1);
        if (code == 'r') {
            long index = i32();
            if (index < 0 || index >= refs.size()) {
                throw fail(at, "back-reference to object #" + index + ", but only " + refs.size() + " are defined");
            }
            Object o = refs.get((int) index);
            if (o == UNFINISHED) {
                throw fail(at, "back-reference to object #" + index + ", which is still being read");
            }
            checkKind(o, kind, at);
            if (o instanceof Map) {
                charge(((Map<?, ?>) o).size());
            } else if (o instanceof RawRow) {
                charge(((RawRow) o).callers.size());
            }
            return o;
        }
        int slot = -1;
        if ((raw & FLAG_REF) != 0) {
            slot = refs.size();
            refs.add(UNFINISHED);
        }
        Object v;
        switch (kind) {
            case KEY:
                v = key(code, at);
                break;
            case ROW:
                v = row(code, at);
                break;
            case CALLERS:
                v = callers(code, at);
                break;
            case PAIR:
                v = pair(code, at);
                break;
            case INT:
                v = integer(code, at);
                break;
            case NUMBER:
                v = number(code, at);
                break;
            case STR:
                v = string(code, at);
                break;
            default:
                throw new AssertionError(kind);
        }
        if (slot >= 0) {
            refs.set(slot, v);
        }
        return v;
    }

    private void checkKind(Object o, Kind kind, int at) throws BadDumpException {
        boolean ok;
        switch (kind) {
            case KEY:
                ok = o instanceof ScopeName;
                break;
            case ROW:
                ok = o instanceof RawRow;
                break;
            case CALLERS:
                ok = o instanceof Map;
                break;
            case PAIR:
                ok = o instanceof CallStats || o instanceof Long;
                break;
            case INT:
                ok = o instanceof Long;
                break;
            case NUMBER:
                ok = o instanceof Long || o instanceof Double;
                break;
            case STR:
                ok = o instanceof String;
                break;
            default:
                throw new AssertionError(kind);
        }
        if (!ok) {
            throw fail(at, "expected " + kind.description + ", but the back-reference points to " + describe(o));
        }
    }

    private ScopeName key(int code, int at) throws BadDumpException {
        int n = tupleLength(code, at, Kind.KEY);
        if (n != 3) {
            throw fail(at, "expected " + Kind.KEY.description + ", found a tuple of " + n + " items");
        }
        String f = (String) value(Kind.STR);
        int lineAt = pos;
        long line = (Long) value(Kind.INT);
        if (line < Integer.MIN_VALUE || line > Integer.MAX_VALUE) {
            throw fail(lineAt, "line number " + line + " is out of range");
        }
        String name = (String) value(Kind.STR);
        // one instance per function: cProfile writes a fresh tuple for every caller entry
        ScopeName made = ScopeName.of(f, (int) line, name);
        ScopeName known = names.putIfAbsent(made, made);
        return known != null ? known : made;
    }

    private RawRow row(int code, int at) throws BadDumpException {
        int n = tupleLength(code, at, Kind.ROW);
        if (n != 5) {
            throw fail(at, "expected " + Kind.ROW.description + ", found a tuple of " + n + " items");
        }
        long primitive = (Long) value(Kind.INT);
        long total = (Long) value(Kind.INT);
        double tt = time();
        double ct = time();
        @SuppressWarnings("unchecked")
        Map<ScopeName, CallStats> callers = (Map<ScopeName, CallStats>) value(Kind.CALLERS);
        return new RawRow(primitive, total, tt, ct, callers);
    }

    private Map<ScopeName, CallStats> callers(int code, int at) throws BadDumpException {
        if (code != '{') {
            throw fail(at, "expected " + Kind.CALLERS.description + ", found " + describeCode(code));
        }
        Map<ScopeName, CallStats> callers = new LinkedHashMap<>();
        while (true) {
            if ((peek() & ~FLAG_REF) == '0') {
                pos++;
                return callers;
            }
            ScopeName caller = (ScopeName) value(Kind.KEY);
            if (pos < data.length && (data[pos] & ~FLAG_REF) == '0') {
                throw fail(pos, "callers entry for " + caller.label() + " has no value");
            }
            int pairAt = pos;
            Object p = value(Kind.PAIR);
            CallStats pair;
            if (p instanceof Long) {
                // the pure-Python 'profile' module stores a bare call count per caller
                long count = (Long) p;
                pair = new CallStats(count, count, 0.0, 0.0);
                sawCountPair = true;
            } else {
                pair = (CallStats) p;
                sawTuplePair = true;
            }
            if (pair.totalCalls() < 0 || pair.primitiveCalls() < 0) {
                throw fail(pairAt, "negative call count for caller " + caller.label());
            }
            callers.put(caller, pair);
        }
    }

    private Object pair(int code, int at) throws BadDumpException {
        if (code == 'i' || code == 'l') {
            return integer(code, at);
        }
        int n = tupleLength(code, at, Kind.PAIR);
        if (n != 4) {
            throw fail(at, "expected " + Kind.PAIR.description + ", found a tuple of " + n + " items");
        }
        long total = (Long) value(Kind.INT);
        long primitive = (Long) value(Kind.INT);
        double tt = time();
        double ct = time();
        return new CallStats(total, primitive, tt, ct);
    }

    private double time() throws BadDumpException {
        int at = pos;
        Object v = value(Kind.NUMBER);
        double d = v instanceof Long ? (double) (Long) v : (Double) v;
        if (!Double.isFinite(d)) {
            throw fail(at, "time is not a finite number: " + d);
        }
        return d;
    }

    private int tupleLength(int code, int at, Kind kind) throws BadDumpException {
        long n;
        if (code == '(') {
            n = i32();
        } else if (code == ')') {
            n = u8();
        } else {
            throw fail(at, "expected " + kind.description + ", found " + describeCode(code));
        }
        if (n < 0 || n > data.length - pos) {
            throw fail(at, "tuple declares " + n + " items but only " + (data.length - pos) + " bytes are left"
                    + DAMAGED);
        }
        return (int) n;
    }

    private Long integer(int code, int at) throws BadDumpException {
        if (code == 'i') {
            return (long) i32();
        }
        if (code == 'l') {
            long n = i32();
            long digits = Math.abs(n);
            if (digits > (data.length - pos) / 2) {
                throw fail(at, "long int declares " + digits + " digits but only " + (data.length - pos)
                        + " bytes are left" + DAMAGED);
            }
            if (digits > 5) {
                throw fail(at, "int of " + digits + " 15-bit digits does not fit in 64 bits");
            }
            BigInteger value = BigInteger.ZERO;
            int[] d = new int[(int) digits];
            for (int i = 0; i < digits; i++) {
                d[i] = u16();
                if (d[i] > 0x7FFF) {
                    throw fail(pos - 2, "long int digit out of range: " + d[i]);
                }
            }
            if (digits > 0 && d[(int) digits - 1] == 0) {
                throw fail(at, "unnormalized long int (top digit is zero)");
            }
            for (int i = (int) digits - 1; i >= 0; i--) {
                value = value.shiftLeft(15).add(BigInteger.valueOf(d[i]));
            }
            if (n < 0) {
                value = value.negate();
            }
            if (value.bitLength() > 63) {
                throw fail(at, "int " + value + " does not fit in 64 bits");
            }
            return value.longValue();
        }
        throw fail(at, "expected " + Kind.INT.description + ", found " + describeCode(code));
    }

    private Object number(int code, int at) throws BadDumpException {
        if (code == 'g') {
            need(8);
            long bits = 0;
            for (int i = 7; i >= 0; i--) {
                bits = (bits << 8) | (data[pos + i] & 0xFF);
            }
            pos += 8;
            return Double.longBitsToDouble(bits);
        }
        if (code == 'i' || code == 'l') {
            return integer(code, at);
        }
        throw fail(at, "expected " + Kind.NUMBER.description + ", found " + describeCode(code));
    }

    private String string(int code, int at) throws BadDumpException {
        long n;
        boolean utf8;
        switch (code) {
            case 'u':
            case 't':
                n = i32();
                utf8 = true;
                break;
            case 'a':
            case 'A':
                n = i32();
                utf8 = false;
                break;
            case 'z':
            case 'Z':
                n = u8();
                utf8 = false;
                break;
            default:
                throw fail(at, "expected " + Kind.STR.description + ", found " + describeCode(code));
        }
        if (n < 0 || n > data.length - pos) {
            throw fail(at, "string declares " + n + " bytes but only " + (data.length - pos) + " are left"
                    + DAMAGED);
        }
        int len = (int) n;
        String s;
        if (utf8) {
            try {
                s = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(data, pos, len)).toString();
            } catch (CharacterCodingException e) {
                throw fail(at, "string is not valid UTF-8");
            }
        } else {
            s = new String(data, pos, len, StandardCharsets.ISO_8859_1);
        }
        pos += len;
        return s;
    }

    private int peek() throws BadDumpException {
        need(1);
        return data[pos] & 0xFF;
    }

    private int u8() throws BadDumpException {
        need(1);
        return data[pos++] & 0xFF;
    }

    private int u16() throws BadDumpException {
        need(2);
        int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    private int i32() throws BadDumpException {
        need(4);
        int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8 | (data[pos + 2] & 0xFF) << 16
                | (data[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    private void need(int n) throws BadDumpException {
        if (data.length - pos < n) {
            throw fail(pos, "unexpected end of file" + DAMAGED);
        }
    }

    private void charge(long units) throws BadDumpException {
        work += units;
        if (work > workLimit) {
            throw fail(pos, "too many back-references to shared containers for a file of " + data.length + " bytes");
        }
    }

    private BadDumpException fail(int offset, String problem) {
        return new BadDumpException(file, "byte offset " + offset, problem);
    }

    private static String describe(Object o) {
        if (o instanceof ScopeName) {
            return Kind.KEY.description;
        }
        if (o instanceof RawRow) {
            return Kind.ROW.description;
        }
        if (o instanceof Map) {
            return Kind.CALLERS.description;
        }
        if (o instanceof CallStats) {
            return Kind.PAIR.description;
        }
        if (o instanceof Long) {
            return Kind.INT.description;
        }
        if (o instanceof Double) {
            return "a float";
        }
        return Kind.STR.description;
    }

    private static String describeCode(int code) {
        String what;
        switch (code) {
            case '0':
                what = "end of a dict";
                break;
            case 'N':
                what = "None";
                break;
            case 'T':
            case 'F':
                what = "a bool";
                break;
            case 'i':
            case 'l':
                what = "an int";
                break;
            case 'g':
            case 'f':
                what = "a float";
                break;
            case 'u':
            case 't':
            case 'a':
            case 'A':
            case 'z':
            case 'Z':
                what = "a str";
                break;
            case 's':
                what = "bytes";
                break;
            case '(':
            case ')':
                what = "a tuple";
                break;
            case '[':
                what = "a list";
                break;
            case '{':
                what = "a dict";
                break;
            case '<':
            case '>':
                what = "a set";
                break;
            case 'c':
                what = "a code object";
                break;
            default:
                what = "an unknown marshal type";
        }
        String shown = code >= 0x20 && code < 0x7F ? "'" + (char) code + "', " : "";
        return what + " (code " + shown + String.format("0x%02x", code) + ")";
    }
}
