package dev.treeprof.internal;

import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * A row's callers or callees, compact: an immutable map read from arrays, with each {@link CallStats}
 * made on access. Not API: this package is exported to treeprof's implementation only, which builds
 * the views of a whole table over arrays every row shares; {@code StatsRow} adopts a {@code CallPairs}
 * as is and copies any other map into one.
 *
 * <p>Why: a profile of 100,000 functions has about as many caller and callee pairs, and a map entry
 * plus a {@code CallStats} per pair, or even two small arrays per row, cost several times the
 * numbers themselves (see benchmarks/FINDINGS.md).
 *
 * <p>The pairs are positions {@code from} (inclusive) to {@code to} (exclusive); position {@code k}
 * is pair {@code order[k]} ({@code k} itself when {@code order} is null); pair {@code p}'s key is
 * {@code names[nameOf[p]]} ({@code names[p]} when {@code nameOf} is null) and its numbers are
 * {@code numbers[4p .. 4p+3]}: total calls, primitive calls, and the raw bits of tottime and cumtime
 * in seconds ({@link Double#doubleToRawLongBits}). The arrays are adopted, not copied: whoever makes
 * a view must never change them afterwards, since rows hand the view out as an immutable map. A
 * view keeps its table's shared arrays alive for as long as it lives.
 */
public final class CallPairs extends AbstractMap<ScopeName, CallStats> {

    private static final CallPairs EMPTY = new CallPairs(new ScopeName[0], null, new long[0], null, 0, 0);
    /** Up to this many pairs a lookup scans; past it, it uses an index made on first lookup. */
    private static final int SCAN_LIMIT = 8;

    private final ScopeName[] names;
    private final int[] nameOf;
    private final long[] numbers;
    private final int[] order;
    private final int from;
    private final int to;
    private volatile Map<ScopeName, Integer> index;

    /** A view of shared arrays, as described above; adopts them. */
    public CallPairs(ScopeName[] names, int[] nameOf, long[] numbers, int[] order, int from, int to) {
        if (from < 0 || from > to) {
            throw new IllegalArgumentException("positions " + from + " to " + to);
        }
        this.names = Objects.requireNonNull(names, "names");
        this.nameOf = nameOf;
        this.numbers = Objects.requireNonNull(numbers, "numbers");
        this.order = order;
        this.from = from;
        this.to = to;
    }

    /** {@code map} itself when it is a {@code CallPairs}, else a compact copy in its iteration order. */
    public static CallPairs of(Map<ScopeName, CallStats> map) {
        int n = map.size();
        if (n == 0) {
            return EMPTY; // not even an empty view: it would keep its table's arrays alive
        }
        if (map instanceof CallPairs) {
            return (CallPairs) map;
        }
        ScopeName[] keys = new ScopeName[n];
        long[] numbers = new long[4 * n];
        int i = 0;
        for (Map.Entry<ScopeName, CallStats> e : map.entrySet()) {
            keys[i] = Objects.requireNonNull(e.getKey(), "caller or callee");
            put(numbers, i++, e.getValue());
        }
        return new CallPairs(keys, null, numbers, null, 0, n);
    }

    /** Stores a pair's numbers at {@code pair} in the layout the views read. */
    public static void put(long[] numbers, int pair, CallStats stats) {
        int at = 4 * pair;
        numbers[at] = stats.totalCalls();
        numbers[at + 1] = stats.primitiveCalls();
        numbers[at + 2] = Double.doubleToRawLongBits(stats.tottime());
        numbers[at + 3] = Double.doubleToRawLongBits(stats.cumtime());
    }

    private int pair(int i) {
        return order == null ? from + i : order[from + i];
    }

    private ScopeName key(int i) {
        int p = pair(i);
        return names[nameOf == null ? p : nameOf[p]];
    }

    private CallStats value(int i) {
        int at = 4 * pair(i);
        return new CallStats(numbers[at], numbers[at + 1], Double.longBitsToDouble(numbers[at + 2]),
                Double.longBitsToDouble(numbers[at + 3]));
    }

    private int indexOf(Object key) {
        int n = size();
        if (n <= SCAN_LIMIT) {
            for (int i = 0; i < n; i++) {
                if (key(i).equals(key)) {
                    return i;
                }
            }
            return -1;
        }
        Map<ScopeName, Integer> idx = index;
        if (idx == null) {
            idx = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                idx.put(key(i), i);
            }
            index = idx;
        }
        Integer i = idx.get(key);
        return i == null ? -1 : i;
    }

    @Override
    public int size() {
        return to - from;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public CallStats get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : value(i);
    }

    @Override
    public Set<ScopeName> keySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<ScopeName> iterator() {
                return positions(CallPairs.this::key);
            }

            @Override
            public int size() {
                return CallPairs.this.size();
            }

            @Override
            public boolean contains(Object o) {
                return indexOf(o) >= 0;
            }
        };
    }

    @Override
    public Set<Map.Entry<ScopeName, CallStats>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<ScopeName, CallStats>> iterator() {
                return positions(i -> new SimpleImmutableEntry<>(key(i), value(i)));
            }

            @Override
            public int size() {
                return CallPairs.this.size();
            }
        };
    }

    private <T> Iterator<T> positions(IntFunction<T> at) {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size();
            }

            @Override
            public T next() {
                if (next >= size()) {
                    throw new NoSuchElementException();
                }
                return at.apply(next++);
            }
        };
    }
}
