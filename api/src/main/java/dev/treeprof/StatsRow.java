package dev.treeprof;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * One row of a stats table: one function (scope name) with cProfile's numbers. Times are in
 * seconds as doubles, exactly as a {@code .prof} file holds them; {@link #tottimeNanos()} and
 * {@link #cumtimeNanos()} give them rounded to nanoseconds.
 */
public final class StatsRow {

    private final ScopeName function;
    private final long totalCalls;
    private final long primitiveCalls;
    private final double tottime;
    private final double cumtime;
    private final Map<ScopeName, CallStats> callers;
    private final Map<ScopeName, CallStats> callees;

    /**
     * Made by implementations of the SPI, by loaders and by tests; applications get rows from
     * {@link Stats}. Public because implementations live in other packages.
     */
    public StatsRow(ScopeName function, long totalCalls, long primitiveCalls, double tottime, double cumtime,
                    Map<ScopeName, CallStats> callers, Map<ScopeName, CallStats> callees) {
        this.function = function;
        this.totalCalls = totalCalls;
        this.primitiveCalls = primitiveCalls;
        this.tottime = tottime;
        this.cumtime = cumtime;
        this.callers = Pairs.of(callers);
        this.callees = Pairs.of(callees);
    }

    /** The function key. */
    public ScopeName function() {
        return function;
    }

    /** The label pstats prints, e.g. {@code let_me_sleep} or {@code App.java:42(getHello)}. */
    public String label() {
        return function.label();
    }

    /** Every call ({@code ncalls} before the slash). */
    public long totalCalls() {
        return totalCalls;
    }

    /** Calls not made while the function was already active ({@code ncalls} after the slash). */
    public long primitiveCalls() {
        return primitiveCalls;
    }

    /** The ncalls column as pstats prints it: {@code 7/1} under recursion, else {@code 7}. */
    public String ncalls() {
        return totalCalls == primitiveCalls ? Long.toString(totalCalls) : totalCalls + "/" + primitiveCalls;
    }

    /** Time in the function itself, children excluded, in seconds. */
    public double tottime() {
        return tottime;
    }

    /** Time from entry to exit of the outermost activations, children included, in seconds. */
    public double cumtime() {
        return cumtime;
    }

    public long tottimeNanos() {
        return Math.round(tottime * 1e9);
    }

    public long cumtimeNanos() {
        return Math.round(cumtime * 1e9);
    }

    /** The first percall column: tottime / total calls, or NaN without calls. */
    public double tottimePerCall() {
        return totalCalls == 0 ? Double.NaN : tottime / totalCalls;
    }

    /** The second percall column: cumtime / primitive calls, or NaN without primitive calls. */
    public double cumtimePerCall() {
        return primitiveCalls == 0 ? Double.NaN : cumtime / primitiveCalls;
    }

    /**
     * Who called this function, with the numbers of each pair, in the order given. Empty for a
     * root. Unmodifiable.
     */
    public Map<ScopeName, CallStats> callers() {
        return callers;
    }

    /** What this function called, with the numbers of each pair, in the order given. Unmodifiable. */
    public Map<ScopeName, CallStats> callees() {
        return callees;
    }

    @Override
    public String toString() {
        return "StatsRow[" + ncalls() + " " + tottime + " " + cumtime + " " + label() + "]";
    }

    /**
     * The pairs of a row, compact: a profile of 100,000 functions holds about as many caller and
     * callee pairs each, and a map entry plus a {@link CallStats} per pair costs more than twice
     * these arrays. Immutable, in the order given; values are made on access. A row made from
     * another row's map shares it instead of copying.
     */
    private static final class Pairs extends AbstractMap<ScopeName, CallStats> {

        private static final Pairs EMPTY = new Pairs(new ScopeName[0], new long[0]);
        /** Up to this many pairs a lookup scans; beyond, it builds a hash index once. */
        private static final int SCAN_LIMIT = 8;

        private final ScopeName[] keys;
        /** Per pair: total calls, primitive calls, tottime and cumtime as raw double bits. */
        private final long[] numbers;
        private volatile Map<ScopeName, Integer> index;

        private Pairs(ScopeName[] keys, long[] numbers) {
            this.keys = keys;
            this.numbers = numbers;
        }

        static Pairs of(Map<ScopeName, CallStats> map) {
            if (map instanceof Pairs) {
                return (Pairs) map;
            }
            int n = map.size();
            if (n == 0) {
                return EMPTY;
            }
            ScopeName[] keys = new ScopeName[n];
            long[] numbers = new long[4 * n];
            int i = 0;
            for (Map.Entry<ScopeName, CallStats> e : map.entrySet()) {
                CallStats c = e.getValue();
                keys[i] = java.util.Objects.requireNonNull(e.getKey(), "caller or callee");
                numbers[4 * i] = c.totalCalls();
                numbers[4 * i + 1] = c.primitiveCalls();
                numbers[4 * i + 2] = Double.doubleToRawLongBits(c.tottime());
                numbers[4 * i + 3] = Double.doubleToRawLongBits(c.cumtime());
                i++;
            }
            return new Pairs(keys, numbers);
        }

        private CallStats value(int i) {
            return new CallStats(numbers[4 * i], numbers[4 * i + 1], Double.longBitsToDouble(numbers[4 * i + 2]),
                    Double.longBitsToDouble(numbers[4 * i + 3]));
        }

        private int indexOf(Object key) {
            if (keys.length <= SCAN_LIMIT) {
                for (int i = 0; i < keys.length; i++) {
                    if (keys[i].equals(key)) {
                        return i;
                    }
                }
                return -1;
            }
            Map<ScopeName, Integer> idx = index;
            if (idx == null) {
                idx = new HashMap<>(keys.length * 2);
                for (int i = 0; i < keys.length; i++) {
                    idx.put(keys[i], i);
                }
                index = idx;
            }
            Integer i = idx.get(key);
            return i == null ? -1 : i;
        }

        @Override
        public int size() {
            return keys.length;
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

        /** Not cached: 100,000 rows would each keep a view object alive. */
        @Override
        public Set<ScopeName> keySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<ScopeName> iterator() {
                    return indexes(i -> keys[i]);
                }

                @Override
                public int size() {
                    return keys.length;
                }

                @Override
                public boolean contains(Object o) {
                    return indexOf(o) >= 0;
                }
            };
        }

        /** Not cached, like {@link #keySet()}. */
        @Override
        public Set<Map.Entry<ScopeName, CallStats>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<ScopeName, CallStats>> iterator() {
                    return indexes(i -> new SimpleImmutableEntry<>(keys[i], value(i)));
                }

                @Override
                public int size() {
                    return keys.length;
                }
            };
        }

        /** The pairs in order, each as {@code at} makes it from its index. */
        private <T> Iterator<T> indexes(IntFunction<T> at) {
            return new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < keys.length;
                }

                @Override
                public T next() {
                    if (next >= keys.length) {
                        throw new NoSuchElementException();
                    }
                    return at.apply(next++);
                }
            };
        }
    }
}
