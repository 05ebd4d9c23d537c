package dev.treeprof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A row's callers and callees: compact, yet an ordinary unmodifiable map to its users. */
class StatsRowTest {

    private static Map<ScopeName, CallStats> pairs(int n) {
        Map<ScopeName, CallStats> m = new LinkedHashMap<>();
        for (int i = n; i > 0; i--) {
            m.put(ScopeName.of("f.py", i, "f" + i), new CallStats(i, i - 1, i * 0.001, i * 0.01));
        }
        return m;
    }

    @Test
    void pairsKeepTheirOrderNumbersAndLookups() {
        for (int n : new int[] {0, 1, 8, 9, 200}) {
            Map<ScopeName, CallStats> given = pairs(n);
            StatsRow r = new StatsRow(ScopeName.of("g"), 1, 1, 0.5, 0.5, given, given);
            assertEquals(given, r.callers());
            assertEquals(given.hashCode(), r.callers().hashCode());
            assertEquals(new ArrayList<>(given.keySet()), new ArrayList<>(r.callers().keySet()));
            assertEquals(new ArrayList<>(given.values()), new ArrayList<>(r.callees().values()));
            for (Map.Entry<ScopeName, CallStats> e : given.entrySet()) {
                assertEquals(e.getValue(), r.callers().get(e.getKey()));
                assertTrue(r.callers().containsKey(e.getKey()));
                assertTrue(r.callers().keySet().contains(e.getKey()));
            }
            assertNull(r.callers().get(ScopeName.of("absent")));
            assertFalse(r.callers().containsKey("not even a name"));
            assertEquals(n, r.callers().size());
        }
    }

    @Test
    void pairsAreUnmodifiableAndIndependentOfTheGivenMap() {
        Map<ScopeName, CallStats> given = pairs(3);
        StatsRow r = new StatsRow(ScopeName.of("g"), 1, 1, 0.5, 0.5, given, Map.of());
        given.clear();
        assertEquals(3, r.callers().size());
        assertThrows(UnsupportedOperationException.class, () -> r.callers().put(ScopeName.of("x"), null));
        assertThrows(UnsupportedOperationException.class, () -> r.callers().clear());
        List<ScopeName> keys = new ArrayList<>(r.callers().keySet());
        assertThrows(UnsupportedOperationException.class, () -> r.callers().keySet().remove(keys.get(0)));
        assertThrows(UnsupportedOperationException.class, () -> r.callers().entrySet().iterator().next().setValue(null));
    }
}
