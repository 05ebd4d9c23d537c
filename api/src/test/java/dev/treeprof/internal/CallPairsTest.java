package dev.treeprof.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Views over arrays a whole table shares, as the implementation builds them: each row sees its own
 * slice, in the slice's order, with the names and numbers of the pairs it points at.
 */
class CallPairsTest {

    private static final int PAIRS = 30;

    /** Names f0..f(PAIRS-1); pair p points at name (p * 7) % PAIRS and has numbers derived from p. */
    private final ScopeName[] names = new ScopeName[PAIRS];
    private final int[] nameOf = new int[PAIRS];
    private final long[] numbers = new long[4 * PAIRS];
    /** The pairs in reverse order: position k is pair PAIRS - 1 - k. */
    private final int[] reversed = new int[PAIRS];

    CallPairsTest() {
        for (int p = 0; p < PAIRS; p++) {
            names[p] = ScopeName.of("f.py", p, "f" + p);
            nameOf[p] = (p * 7) % PAIRS;
            numbers[4 * p] = 10 + p;
            numbers[4 * p + 1] = p;
            numbers[4 * p + 2] = Double.doubleToRawLongBits(p * 0.5);
            numbers[4 * p + 3] = Double.doubleToRawLongBits(p * 1.5);
            reversed[p] = PAIRS - 1 - p;
        }
    }

    /** What the slice from..to of the reversed order must read as. */
    private Map<ScopeName, CallStats> expected(int from, int to) {
        Map<ScopeName, CallStats> m = new LinkedHashMap<>();
        for (int k = from; k < to; k++) {
            int p = reversed[k];
            m.put(names[nameOf[p]], new CallStats(10 + p, p, p * 0.5, p * 1.5));
        }
        return m;
    }

    @Test
    void aSliceReadsThePairsItPointsAtInItsOrder() {
        // 3 pairs are scanned, 20 go through the index made on first lookup
        for (int[] slice : new int[][] {{4, 7}, {5, 25}, {0, PAIRS}}) {
            Map<ScopeName, CallStats> want = expected(slice[0], slice[1]);
            CallPairs view = new CallPairs(names, nameOf, numbers, reversed, slice[0], slice[1]);
            assertEquals(want, view);
            assertEquals(want.hashCode(), view.hashCode());
            assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(view.keySet()));
            assertEquals(new ArrayList<>(want.values()), new ArrayList<>(view.values()));
            for (Map.Entry<ScopeName, CallStats> e : want.entrySet()) {
                assertEquals(e.getValue(), view.get(e.getKey()));
                assertTrue(view.containsKey(e.getKey()));
            }
            // a name of the table outside the slice is not in it
            ScopeName outside = names[nameOf[reversed[slice[0] == 0 ? slice[1] - 1 : 0]]];
            assertEquals(want.containsKey(outside), view.containsKey(outside));
            assertNull(view.get(ScopeName.of("absent")));
        }
    }

    @Test
    void withoutOrderOrNamesThePositionIsThePairAndItsName() {
        CallPairs view = new CallPairs(names, null, numbers, null, 2, 4);
        assertEquals(List.of(names[2], names[3]), new ArrayList<>(view.keySet()));
        assertEquals(new CallStats(13, 3, 1.5, 4.5), view.get(names[3]));
    }

    @Test
    void aRowAdoptsAViewAndCopiesAnyOtherMap() {
        CallPairs view = new CallPairs(names, nameOf, numbers, reversed, 0, 3);
        StatsRow row = new StatsRow(ScopeName.of("g"), 1, 1, 0.5, 0.5, view, Map.of());
        assertSame(view, row.callers());
        Map<ScopeName, CallStats> plain = expected(0, 3);
        StatsRow copied = new StatsRow(ScopeName.of("g"), 1, 1, 0.5, 0.5, plain, Map.of());
        assertTrue(copied.callers() instanceof CallPairs);
        assertEquals(view, copied.callers());
    }

    @Test
    void viewsAreUnmodifiableAndBadPositionsAreRefused() {
        CallPairs view = new CallPairs(names, nameOf, numbers, reversed, 0, 3);
        assertThrows(UnsupportedOperationException.class, () -> view.put(names[0], null));
        assertThrows(UnsupportedOperationException.class, () -> view.entrySet().iterator().next().setValue(null));
        assertThrows(IllegalArgumentException.class, () -> new CallPairs(names, nameOf, numbers, reversed, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> new CallPairs(names, nameOf, numbers, reversed, -1, 2));
        assertFalse(new CallPairs(names, nameOf, numbers, reversed, 3, 3).containsKey(names[0]));
    }
}
