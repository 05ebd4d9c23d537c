package dev.treeprof.impl.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.treeprof.CallStats;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import dev.treeprof.impl.record.FakeClock;
import dev.treeprof.impl.record.TreeProfiler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The recorder and stats against cProfile's own output for the same calls (fake clock, exact). */
class CProfileGoldenTest {

    static String resource(String name) throws IOException {
        try (InputStream in = CProfileGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /golden/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Stats recordDet() {
        FakeClock clock = new FakeClock();
        TreeProfiler p = new TreeProfiler(clock, 1000);
        p.enable();
        new DetProgram(clock).main();
        p.disable();
        return p.stats();
    }

    @Test
    void printStatsAndCallersMatchCProfileByteForByte() throws IOException {
        Stats s = recordDet().sortStats("cumulative", "name");
        assertEquals(resource("det-cumulative-name.out"), s.formatStats() + s.formatCallers());
    }

    @Test
    void recursionNumbersFollowCProfileRules() {
        Stats s = recordDet();
        StatsRow rec = s.row("/src/pa/det.py:6(recurse_and_sleep)");
        assertEquals(6, rec.totalCalls());
        assertEquals(2, rec.primitiveCalls());
        assertEquals("6/2", rec.ncalls());
        // cumtime counts the outermost activations only: 44 + 22 ms
        assertEquals(66_000_000L, rec.cumtimeNanos());
        CallStats self = rec.callers().get(DetProgram.RECURSE);
        assertEquals(4, self.totalCalls());
        assertEquals(2, self.primitiveCalls());
        assertEquals(0.044, self.cumtime(), 1e-12);

        // mutual recursion a4 -> b3 -> a2 -> b1 -> a0
        StatsRow a = s.row("/src/pa/det.py:11(a)");
        assertEquals("3/1", a.ncalls());
        assertEquals(12_000_000L, a.cumtimeNanos());
        CallStats bToA = a.callers().get(DetProgram.B);
        assertEquals(2, bToA.totalCalls());
        assertEquals(1, bToA.primitiveCalls());
        assertEquals(0.007, bToA.cumtime(), 1e-12);
        StatsRow b = s.row("/src/pa/det.py:14(b)");
        assertEquals("2/1", b.ncalls());
        assertEquals(0.010, b.callers().get(DetProgram.A).cumtime(), 1e-12);
        assertEquals(a.callees().get(DetProgram.B), b.callers().get(DetProgram.A));

        assertEquals(30, s.totalCalls());
        assertEquals(23, s.primitiveCalls());
        assertEquals(0.078, s.totalTime(), 1e-12);
        StatsRow work = s.row("/src/pa/det.py:4(work)");
        assertEquals(78_000_000L, work.tottimeNanos());
        assertEquals(0, s.row("/src/pa/det.py:17(main)").tottimeNanos());
    }

    @Test
    void calleesAreTheInvertedCallers() {
        Stats s = recordDet().sortStats("cumulative", "name");
        String callees = s.formatCallees("main|recurse");
        assertEquals(String.join("\n",
                "   Ordered by: cumulative time, function name",
                "   List reduced from 6 to 2 due to restriction <'main|recurse'>",
                "",
                "Function                             called...",
                "                                         ncalls  tottime  cumtime",
                "/src/pa/det.py:17(main)              ->       2    0.000    0.066  /src/pa/det.py:6(recurse_and_sleep)",
                "                                              1    0.000    0.012  /src/pa/det.py:11(a)",
                "/src/pa/det.py:6(recurse_and_sleep)  ->      12    0.066    0.066  /src/pa/det.py:4(work)",
                "                                            4/2    0.000    0.044  /src/pa/det.py:6(recurse_and_sleep)",
                "", "", ""), callees);
    }
}
