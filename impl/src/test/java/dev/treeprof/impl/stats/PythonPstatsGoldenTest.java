package dev.treeprof.impl.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.impl.Python3;
import dev.treeprof.impl.record.FakeClock;
import dev.treeprof.impl.record.TreeProfiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a program under the machine's real cProfile with a fake clock, prints it with pstats, and
 * compares every line with what treeprof prints for the same calls: sorting, restrictions,
 * callers and callees, mutual recursion. Needs python3 (CI installs it); fails without it.
 */
class PythonPstatsGoldenTest {

    private static final String PROGRAM = String.join("\n",
            "import cProfile, pstats, sys",
            "clock = [0]",
            "def advance(ns):",
            "    clock[0] += ns",
            "def leaf():",
            "    advance(1300000)",
            "def even(n):",
            "    leaf()",
            "    if n > 0: odd(n - 1)",
            "def odd(n):",
            "    advance(250000)",
            "    leaf()",
            "    if n > 0: even(n - 1)",
            "def main():",
            "    for _ in range(3): even(4)",
            "    leaf()",
            "pr = cProfile.Profile(lambda: clock[0], 1e-9)",
            "pr.enable(); main(); pr.disable()",
            "s = pstats.Stats(pr, stream=sys.stdout)",
            "s.strip_dirs()",
            "s.sort_stats('cumulative', 'name').print_stats()",
            "s.sort_stats('tottime', 'name').print_stats('even|odd', 1)",
            "s.sort_stats('ncalls', 'name').print_stats(0.5)",
            "s.sort_stats('pcalls', 'nfl').print_stats('[', 'e')",
            "s.sort_stats('stdname').print_stats(0, 'x')",
            "s.sort_stats('cumulative', 'name').print_callers('leaf|even')",
            "s.sort_stats('cumulative', 'name').print_callees('main|odd')",
            "s.sort_stats('cumulative', 'name').print_callers()",
            "s.sort_stats('line').print_callees()",
            "");

    private static final ScopeName ADVANCE = ScopeName.of("callers.py", 3, "advance");
    private static final ScopeName LEAF = ScopeName.of("callers.py", 5, "leaf");
    private static final ScopeName EVEN = ScopeName.of("callers.py", 7, "even");
    private static final ScopeName ODD = ScopeName.of("callers.py", 10, "odd");
    private static final ScopeName MAIN = ScopeName.of("callers.py", 14, "main");
    private static final ScopeName DISABLE = ScopeName.of("<method 'disable' of '_lsprof.Profiler' objects>");

    private FakeClock clock;

    private void advance(long ns) {
        try (Scope s = Profile.scope(ADVANCE)) {
            clock.advanceNanos(ns);
        }
    }

    private void leaf() {
        try (Scope s = Profile.scope(LEAF)) {
            advance(1_300_000);
        }
    }

    private void even(int n) {
        try (Scope s = Profile.scope(EVEN)) {
            leaf();
            if (n > 0) {
                odd(n - 1);
            }
        }
    }

    private void odd(int n) {
        try (Scope s = Profile.scope(ODD)) {
            advance(250_000);
            leaf();
            if (n > 0) {
                even(n - 1);
            }
        }
    }

    private void main() {
        try (Scope s = Profile.scope(MAIN)) {
            for (int i = 0; i < 3; i++) {
                even(4);
            }
            leaf();
        }
        try (Scope s = Profile.scope(DISABLE)) {
            clock.advanceNanos(0);
        }
    }

    static String runPython(Path dir, String fileName, String program) throws IOException, InterruptedException {
        Files.writeString(dir.resolve(fileName), program);
        return Python3.run(dir, 60, fileName);
    }

    @Test
    void everyPrintedLineMatchesPstats(@TempDir Path dir) throws Exception {
        String expected = runPython(dir, "callers.py", PROGRAM);

        clock = new FakeClock();
        TreeProfiler p = new TreeProfiler(clock, 1000);
        p.enable();
        main();
        p.disable();
        Stats s = p.stats();
        String actual = s.sortStats("cumulative", "name").formatStats()
                + s.sortStats("tottime", "name").formatStats("even|odd", 1)
                + s.sortStats("ncalls", "name").formatStats(0.5)
                + s.sortStats("pcalls", "nfl").formatStats("[", "e")
                + s.sortStats("stdname").formatStats(0, "x")
                + s.sortStats("cumulative", "name").formatCallers("leaf|even")
                + s.sortStats("cumulative", "name").formatCallees("main|odd")
                + s.sortStats("cumulative", "name").formatCallers()
                + s.sortStats("line").formatCallees();
        assertEquals(List.of(expected.split("\n", -1)), List.of(actual.split("\n", -1)));
    }
}
