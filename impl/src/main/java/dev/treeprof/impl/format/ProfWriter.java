package dev.treeprof.impl.format;

import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.impl.stats.StatsTable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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

    private final OutputStream out;
    private final byte[] buf = new byte[9];

    private ProfWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes the stats.
     *
     * @throws IllegalArgumentException when there is no row (pstats refuses an empty dict) or a
     *     time is not finite
     */
    static void write(StatsTable stats, OutputStream out) throws IOException {
        List<StatsRow> rows = stats.sortStats().rows();
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no functions to write: pstats cannot load an empty profile");
        }
        Set<ScopeName> keys = new LinkedHashSet<>();
        for (StatsRow r : rows) {
            keys.add(r.function());
            checkFinite(r.tottime(), r);
            checkFinite(r.cumtime(), r);
            for (CallStats c : r.callers().values()) {
                checkFinite(c.tottime(), r);
                checkFinite(c.cumtime(), r);
            }
        }
        // snakeviz fails on a caller that is not itself a key (pstats tolerates it): give every
        // such caller an empty entry of its own
        Set<ScopeName> orphans = new LinkedHashSet<>();
        for (StatsRow r : rows) {
            for (ScopeName caller : r.callers().keySet()) {
                if (!keys.contains(caller)) {
                    orphans.add(caller);
                }
            }
        }
        ProfWriter w = new ProfWriter(out);
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
                if (stats.callerCounts()) {
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

    private void code(char c) throws IOException {
        out.write(c);
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
            out.write(d[i] & 0xFF);
            out.write(d[i] >>> 8);
        }
    }

    private void dbl(double v) throws IOException {
        code('g');
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) {
            buf[i] = (byte) (bits >>> (8 * i));
        }
        out.write(buf, 0, 8);
    }

    private void string(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        code('u');
        int32(b.length);
        out.write(b);
    }

    private void int32(int v) throws IOException {
        buf[0] = (byte) v;
        buf[1] = (byte) (v >>> 8);
        buf[2] = (byte) (v >>> 16);
        buf[3] = (byte) (v >>> 24);
        out.write(buf, 0, 4);
    }
}
