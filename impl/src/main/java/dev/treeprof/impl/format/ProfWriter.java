package dev.treeprof.impl.format;

import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.impl.stats.StatsTable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes Python's pstats file with the minimal marshal codes every Python 3 reads: dict
 * {@code {...0}}, tuple {@code (} with an int32 count, int {@code i} (or {@code l} past int32),
 * float {@code g}, str {@code u}; no reference flags. Rows go in first-seen order, which is the
 * dict order pstats lists when unsorted.
 */
final class ProfWriter {

    /** Largest buffer: a big profile is written in chunks of this size. */
    private static final int MAX_BUFFER = 1 << 15;

    private final OutputStream out;
    /**
     * The bytes not yet written: this writer buffers itself, so its caller need not wrap the
     * stream (a request's profile is a few hundred bytes, a 64 KiB buffer per file is waste).
     */
    private final byte[] buf;
    private int pos;

    private ProfWriter(OutputStream out, int bufferSize) {
        this.out = out;
        this.buf = new byte[bufferSize];
    }

    /**
     * Writes the stats and flushes what it buffered into {@code out} (not {@code out} itself).
     *
     * @throws IllegalArgumentException when there is no row (pstats refuses an empty dict) or a
     *     time is not finite
     */
    static void write(StatsTable stats, OutputStream out) throws IOException {
        List<StatsRow> rows = stats.firstSeenRows();
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no functions to write: pstats cannot load an empty profile");
        }
        int pairs = 0;
        for (StatsRow r : rows) {
            checkFinite(r.tottime(), r);
            checkFinite(r.cumtime(), r);
            for (CallStats c : r.callers().values()) {
                checkFinite(c.tottime(), r);
                checkFinite(c.cumtime(), r);
            }
            pairs += r.callers().size();
        }
        // snakeviz fails on a caller that is not itself a key (pstats tolerates it): give every
        // such caller an empty entry of its own. Recorded stats have none: a caller is a parent
        // node, whose function has a row.
        Set<ScopeName> orphans = Set.of();
        if (!stats.rowsAreTheTrees()) {
            Set<ScopeName> keys = new HashSet<>();
            for (StatsRow r : rows) {
                keys.add(r.function());
            }
            orphans = new LinkedHashSet<>();
            for (StatsRow r : rows) {
                for (ScopeName caller : r.callers().keySet()) {
                    if (!keys.contains(caller)) {
                        orphans.add(caller);
                    }
                }
            }
        }
        boolean callerCounts = stats.callerCounts();
        // about 90 bytes a row and 80 a pair with short names
        long estimate = 64 + 96L * (rows.size() + orphans.size()) + 96L * pairs;
        ProfWriter w = new ProfWriter(out, (int) Math.min(MAX_BUFFER, estimate));
        w.code('{');
        for (StatsRow r : rows) {
            w.key(r.function());
            w.tupleHeader(5);
            w.integer(r.primitiveCalls());
            w.integer(r.totalCalls());
            w.dbl(r.tottime());
            w.dbl(r.cumtime());
            w.code('{');
            for (Map.Entry<ScopeName, CallStats> e : r.callers().entrySet()) {
                CallStats c = e.getValue();
                w.key(e.getKey());
                if (callerCounts) {
                    // the profile module's form, kept as it was: a bare call count
                    w.integer(c.totalCalls());
                    continue;
                }
                w.tupleHeader(4);
                w.integer(c.totalCalls());
                w.integer(c.primitiveCalls());
                w.dbl(c.tottime());
                w.dbl(c.cumtime());
            }
            w.code('0');
        }
        for (ScopeName orphan : orphans) {
            w.key(orphan);
            w.tupleHeader(5);
            w.integer(0);
            w.integer(0);
            w.dbl(0.0);
            w.dbl(0.0);
            w.code('{');
            w.code('0');
        }
        w.code('0');
        w.drain();
    }

    private static void checkFinite(double d, StatsRow r) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("time " + d + " of " + r.label() + " is not a finite number");
        }
    }

    private void key(ScopeName name) throws IOException {
        tupleHeader(3);
        string(name.file());
        integer(name.line());
        string(name.function());
    }

    /** Makes room for {@code n} more bytes, {@code n} at most the buffer's size. */
    private void room(int n) throws IOException {
        if (pos + n > buf.length) {
            drain();
        }
    }

    private void drain() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            pos = 0;
        }
    }

    private void code(char c) throws IOException {
        room(1);
        buf[pos++] = (byte) c;
    }

    private void tupleHeader(int n) throws IOException {
        code('(');
        int32(n);
    }

    private void integer(long v) throws IOException {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            code('i');
            int32((int) v);
            return;
        }
        // CPython's long: a signed count of 15-bit digits, least significant first
        long magnitude = Math.abs(v);
        int digits = 0;
        int[] d = new int[5];
        if (v == Long.MIN_VALUE) {
            // |MIN_VALUE| overflows a long: 2^63 = digit 8 at position 4 (8 * 2^60)
            d[4] = 8;
            digits = 5;
        } else {
            while (magnitude != 0) {
                d[digits++] = (int) (magnitude & 0x7FFF);
                magnitude >>>= 15;
            }
        }
        code('l');
        int32(v < 0 ? -digits : digits);
        for (int i = 0; i < digits; i++) {
            room(2);
            buf[pos++] = (byte) d[i];
            buf[pos++] = (byte) (d[i] >>> 8);
        }
    }

    private void dbl(double v) throws IOException {
        room(9);
        buf[pos++] = 'g';
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (bits >>> (8 * i));
        }
    }

    /** A marshal str: its UTF-8 bytes, encoded here for ASCII text (most names) without a copy. */
    private void string(String s) throws IOException {
        int n = s.length();
        boolean ascii = n <= buf.length - 5;
        for (int i = 0; ascii && i < n; i++) {
            ascii = s.charAt(i) < 0x80;
        }
        code('u');
        if (ascii) {
            int32(n);
            room(n);
            for (int i = 0; i < n; i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int32(b.length);
        drain();
        out.write(b);
    }

    private void int32(int v) throws IOException {
        room(4);
        buf[pos++] = (byte) v;
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 24);
    }
}
