package dev.treeprof.impl.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SortAndRestrictTest {

    private static StatsRow row(ScopeName n, long calls, double tt, double ct) {
        return new StatsRow(n, calls, calls, tt, ct, Map.of(), Map.of());
    }

    /** The five entries of pstats' own sort example, in the insertion order its verified tie orders imply. */
    private static Stats five() {
        return StatsTable.fromRows(List.of(
                row(ScopeName.of("<built-in method x>"), 5, 0.5, 0.2),
                row(ScopeName.of("Zscope"), 1, 0.1, 0.1),
                row(ScopeName.of("a.py", 10, "alpha"), 2, 0.2, 0.5),
                row(ScopeName.of("b.py", 9, "zeta"), 4, 0.4, 0.3),
                row(ScopeName.of("a.py", 9, "alpha"), 3, 0.3, 0.4)), List.of());
    }

    private static String order(Stats s) {
        return s.rows().stream().map(StatsRow::label).collect(Collectors.joining(" | "));
    }

    @Test
    void ordersMatchPstats() {
        Stats s = five();
        assertEquals("Zscope | a.py:10(alpha) | a.py:9(alpha) | b.py:9(zeta) | {built-in method x}",
                order(s.sortStats("stdname")));
        assertEquals("{built-in method x} | Zscope | a.py:9(alpha) | a.py:10(alpha) | b.py:9(zeta)",
                order(s.sortStats("nfl")));
        assertEquals("{built-in method x} | Zscope | a.py:10(alpha) | a.py:9(alpha) | b.py:9(zeta)",
                order(s.sortStats("name")));
        assertEquals("{built-in method x} | Zscope | b.py:9(zeta) | a.py:9(alpha) | a.py:10(alpha)",
                order(s.sortStats("line")));
        assertEquals("a.py:10(alpha) | a.py:9(alpha) | b.py:9(zeta) | {built-in method x} | Zscope",
                order(s.sortStats("filename")));
        assertEquals("{built-in method x} | b.py:9(zeta) | a.py:9(alpha) | a.py:10(alpha) | Zscope",
                order(s.sortStats("calls")));
        assertEquals("a.py:10(alpha) | a.py:9(alpha) | b.py:9(zeta) | {built-in method x} | Zscope",
                order(s.sortStats("cumulative")));
        assertEquals("Zscope | a.py:10(alpha) | a.py:9(alpha) | b.py:9(zeta) | {built-in method x}",
                order(s.sortStats("calls").reverseOrder()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ca", "cal", "nc", "cu", "cumt", "cumu", "f", "m", "l", "na", "nf", "p", "s", "ti", "to", "tot"})
    void acceptsUnambiguousPrefixes(String key) {
        five().sortStats(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"c", "cum", "n", "t", "", "bogus", "CALLS"})
    void rejectsUnknownAndAmbiguousKeys(String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> five().sortStats(key));
        assertTrue(e.getMessage().contains("unknown sort key"), e.getMessage());
    }

    @Test
    void orderedByNamesEveryKey() {
        assertTrue(five().sortStats("time", "calls").formatStats().contains("   Ordered by: internal time, call count\n"));
        assertTrue(five().formatStats().contains("   Random listing order was used\n"));
    }

    @Test
    void restrictionEdgeCasesMatchPstats() {
        Stats s = five().sortStats("cumulative");
        assertEquals("         15 function calls in 1.500 seconds\n\n", s.formatStats("nomatch"));
        assertEquals("         15 function calls in 1.500 seconds\n\n", s.formatStats(0));
        assertEquals("         15 function calls in 1.500 seconds\n\n", s.formatStats(0.0));
        for (Object noop : new Object[] {1.0, 5, -1, 7L}) {
            String out = s.formatStats(noop);
            assertTrue(!out.contains("List reduced") && out.contains("Zscope"), out);
        }
        String invalid = s.formatStats("[");
        assertTrue(invalid.contains("   <Invalid regular expression '['>\n"), invalid);
        assertEquals(5, s.rows("[").size());
        assertTrue(s.formatStats(0.5).contains("   List reduced from 5 to 3 due to restriction <0.5>\n"));
        String chained = s.formatStats("alpha", "10");
        assertTrue(chained.contains("   List reduced from 5 to 2 due to restriction <'alpha'>\n"
                + "   List reduced from 2 to 1 due to restriction <'10'>\n"), chained);
        assertEquals(1, s.rows("alpha$|zeta", 1).size());
        assertEquals(List.of("a.py:10(alpha)"), s.rows(true).stream().map(StatsRow::label).collect(Collectors.toList()));
        assertTrue(s.formatStats("(?P<n>alpha)").contains("List reduced from 5 to 2"));
        assertThrows(IllegalArgumentException.class, () -> s.formatStats(new Object()));
    }

    @Test
    void rowLayoutHasPstatsColumnsAndBlankPercallForZeroCalls() {
        Stats s = StatsTable.fromRows(List.of(
                new StatsRow(ScopeName.of("x.py", 1, "f"), 3000000000L, 0, 0.4, 1.2, Map.of(), Map.of()),
                new StatsRow(ScopeName.of("g"), 0, 0, 0, 0, Map.of(), Map.of())), List.of());
        String out = s.formatStats();
        assertTrue(out.contains("3000000000/0    0.400    0.000    1.200          x.py:1(f)\n"), out);
        assertTrue(out.contains("        0    0.000             0.000          g\n"), out);
        assertTrue(out.startsWith("         3000000000 function calls (0 primitive calls) in 0.400 seconds\n\n"), out);
    }

    @Test
    void addSumsRowsAndPairsAndStripDirsMergesCollisions() {
        ScopeName f1 = ScopeName.of("/a/x.py", 1, "f");
        ScopeName f2 = ScopeName.of("/b/x.py", 1, "f");
        ScopeName g = ScopeName.of("/a/g.py", 2, "g");
        Stats a = StatsTable.fromRows(List.of(row(g, 1, 0.1, 0.3),
                new StatsRow(f1, 2, 2, 0.2, 0.2, Map.of(g, new dev.treeprof.CallStats(2, 2, 0.2, 0.2)), Map.of())), List.of());
        Stats b = StatsTable.fromRows(List.of(row(f2, 3, 0.3, 0.3)), List.of());
        Stats sum = a.add(b, a);
        assertEquals(3, sum.rows().size());
        assertEquals(4, sum.row("/a/x.py:1(f)").totalCalls());
        assertEquals(4, sum.row("/a/x.py:1(f)").callers().get(g).totalCalls());
        Stats stripped = sum.stripDirs();
        assertEquals(2, stripped.rows().size());
        assertEquals(7, stripped.row("x.py:1(f)").totalCalls());
        assertEquals(0.7, stripped.row("x.py:1(f)").tottime(), 1e-12);
        assertEquals(4, stripped.row("x.py:1(f)").callers().get(ScopeName.of("g.py", 2, "g")).totalCalls());
    }

    @Test
    void totalTimeIsPstatsTotalTtThroughAddAndStripDirs() {
        // pstats sums tottime once per loaded table, then add() adds the totals and strip_dirs()
        // keeps them: summing the merged rows again rounds differently for these figures
        ScopeName f = ScopeName.of("/a/f.py", 1, "f");
        ScopeName g = ScopeName.of("/a/g.py", 1, "g");
        Stats a = StatsTable.fromRows(List.of(row(f, 1, 0.255, 0.255), row(g, 1, 0.495, 0.495)), List.of());
        Stats b = StatsTable.fromRows(List.of(row(f, 1, 0.449, 0.449)), List.of());
        double pstatsTotal = (0.255 + 0.495) + 0.449;
        assertTrue(pstatsTotal != (0.255 + 0.449) + 0.495, "the figures must tell the two sums apart");
        Stats sum = a.add(b);
        assertEquals(pstatsTotal, sum.totalTime());
        assertEquals(pstatsTotal, sum.stripDirs().totalTime());
        assertEquals(pstatsTotal, sum.sortStats("cumulative").totalTime());
    }
}
