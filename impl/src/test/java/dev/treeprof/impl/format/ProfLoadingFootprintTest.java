package dev.treeprof.impl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.impl.stats.StatsTable;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What keeps a loaded {@code .prof} small (a 100,000-function file must load at pstats' memory
 * level): each function is one {@link ScopeName} however many caller entries repeat its key
 * (cProfile writes a fresh tuple for each), and the rows' callers and callees maps are shared
 * between a row and the rows built from it rather than copied. The peak memory itself is measured
 * by {@code benchmarks/prof-load-memory.sh}, not here.
 */
class ProfLoadingFootprintTest {

    @Test
    void everyOccurrenceOfAFunctionKeyIsOneInstance() throws Exception {
        StatsTable t = Dumps.parse(ProfFormatTest.resource("cprofile-fixture.prof"), "fixture");
        Map<ScopeName, ScopeName> functions = new HashMap<>();
        for (StatsRow r : t.rows()) {
            functions.put(r.function(), r.function());
        }
        int pairs = 0;
        for (StatsRow r : t.rows()) {
            for (ScopeName caller : r.callers().keySet()) {
                if (functions.containsKey(caller)) {
                    assertSame(functions.get(caller), caller, "caller " + caller.label() + " of " + r.label());
                    pairs++;
                }
            }
            for (ScopeName callee : r.callees().keySet()) {
                assertSame(functions.get(callee), callee, "callee " + callee.label() + " of " + r.label());
            }
        }
        assertTrue(pairs >= 5, "the fixture has callers: " + pairs);
    }

    @Test
    void aRowMadeFromAnotherRowsMapsSharesThem() throws Exception {
        StatsTable t = Dumps.parse(ProfFormatTest.resource("cprofile-fixture.prof"), "fixture");
        StatsRow withBoth = null;
        for (StatsRow r : t.rows()) {
            if (!r.callers().isEmpty() && !r.callees().isEmpty()) {
                withBoth = r;
                break;
            }
        }
        assertTrue(withBoth != null);
        StatsRow copy = new StatsRow(withBoth.function(), withBoth.totalCalls(), withBoth.primitiveCalls(),
                withBoth.tottime(), withBoth.cumtime(), withBoth.callers(), withBoth.callees());
        assertSame(withBoth.callers(), copy.callers());
        assertSame(withBoth.callees(), copy.callees());
        assertEquals(withBoth.callers(), new HashMap<>(copy.callers()));
    }
}
