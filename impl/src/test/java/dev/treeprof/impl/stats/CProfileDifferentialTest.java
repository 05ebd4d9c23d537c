package dev.treeprof.impl.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.impl.Python3;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same random programs under python3's cProfile and under treeprof, on the same integer tick
 * clock (cProfile's {@code Profile(timer, 1e-9)}, treeprof's {@code newProfiler(timer, 1e-9)}):
 * every {@code print_stats}, {@code print_callers} and {@code print_callees} report must be
 * identical, for several sort keys and restrictions. Time advances in half milliseconds, so many
 * figures sit exactly halfway between two printed digits, where summing rounded doubles instead
 * of integer nanoseconds prints a different last digit. All programs run in one python3 process.
 * Needs python3 (CI installs it): without it this test fails, it does not skip.
 */
class CProfileDifferentialTest {

    private static final int PROGRAMS = 240;
    private static final long SEED = 20261127L;
    private static final long UNIT_NANOS = 500_000;
    /** Few names for up to eight functions: the same name at different lines is common. */
    private static final String[] NAMES = {"work", "helper", "f", "fib", "walk"};
    /** Sort key lists that order every row (the last key is unique per function). */
    private static final String[][] SORTS = {
            {"cumulative", "stdname"}, {"tottime", "nfl"}, {"calls", "stdname"}, {"pcalls", "name", "line"},
            {"stdname"}, {"nfl"}, {"time", "calls", "line"}, {"cumtime", "tottime", "line"},
    };
    private static final Object[][] RESTRICTIONS = {
            {}, {5}, {"work"}, {0.5}, {"f", 3}, {2, "i"}, {"walk|helper"}, {0.9, "fib"},
    };
    private static final String[] MODES = {"stats", "callers", "callees"};

    /** One statement of a function body: advance the clock, or call a function when depth remains. */
    private static final class Statement {
        final long advanceUnits;
        final int callee;

        Statement(long advanceUnits, int callee) {
            this.advanceUnits = advanceUnits;
            this.callee = callee;
        }
    }

    private static final class Function {
        final String name;
        final List<Statement> body = new ArrayList<>();
        int line;
        ScopeName key;

        Function(String name) {
            this.name = name;
        }
    }

    private static final class Report {
        final String[] sort;
        final String mode;
        final Object[] restrict;

        Report(String[] sort, String mode, Object[] restrict) {
            this.sort = sort;
            this.mode = mode;
            this.restrict = restrict;
        }
    }

    /** A generated program: functions with direct and mutual recursion, shared callees, round times. */
    private static final class Program {
        final String file;
        final List<Function> functions = new ArrayList<>();
        final List<int[]> entries = new ArrayList<>();
        final List<Report> reports = new ArrayList<>();
        String source;

        Program(int id, Random rnd) {
            file = "prog" + id + ".py";
            int n = 2 + rnd.nextInt(7);
            for (int i = 0; i < n; i++) {
                functions.add(new Function(NAMES[rnd.nextInt(NAMES.length)]));
            }
            for (Function f : functions) {
                int statements = 1 + rnd.nextInt(4);
                for (int s = 0; s < statements; s++) {
                    f.body.add(rnd.nextInt(5) < 2 ? new Statement(rnd.nextInt(30), -1)
                            : new Statement(0, rnd.nextInt(n)));
                }
            }
            int calls = 1 + rnd.nextInt(3);
            for (int i = 0; i < calls; i++) {
                entries.add(new int[] {rnd.nextInt(n), 1 + rnd.nextInt(4)});
            }
            StringBuilder src = new StringBuilder();
            int line = 1;
            for (int i = 0; i < n; i++) {
                Function f = functions.get(i);
                f.line = line;
                f.key = ScopeName.of(file, line, f.name);
                src.append("def ").append(f.name).append("(d):\n");
                line++;
                for (Statement s : f.body) {
                    if (s.callee < 0) {
                        src.append("    clock[0] += ").append(s.advanceUnits * UNIT_NANOS).append('\n');
                    } else {
                        src.append("    if d > 0: _f").append(s.callee).append("(d - 1)\n");
                    }
                    line++;
                }
                src.append("_f").append(i).append(" = ").append(f.name).append('\n');
                line++;
            }
            source = src.toString();
            for (int r = 0; r < 3; r++) {
                String[] sort = SORTS[rnd.nextInt(SORTS.length)];
                for (String mode : MODES) {
                    reports.add(new Report(sort, mode, RESTRICTIONS[rnd.nextInt(RESTRICTIONS.length)]));
                }
            }
        }

        /** The program under treeprof: each function's body inside a scope of its (file, line, name). */
        Stats runUnderTreeprof() {
            AtomicLong clock = new AtomicLong();
            Profiler pr = Profile.newProfiler(clock::get, 1e-9);
            pr.enable();
            try {
                for (int[] e : entries) {
                    call(e[0], e[1], clock);
                }
            } finally {
                pr.disable();
            }
            return pr.stats();
        }

        private void call(int index, int depth, AtomicLong clock) {
            Function f = functions.get(index);
            try (Scope s = Profile.scope(f.key)) {
                for (Statement st : f.body) {
                    if (st.callee < 0) {
                        clock.addAndGet(st.advanceUnits * UNIT_NANOS);
                    } else if (depth > 0) {
                        call(st.callee, depth - 1, clock);
                    }
                }
            }
        }

        String report(Stats stats, Report r) {
            Stats sorted = stats.sortStats(r.sort);
            switch (r.mode) {
                case "stats":
                    return sorted.formatStats(r.restrict);
                case "callers":
                    return sorted.formatCallers(r.restrict);
                default:
                    return sorted.formatCallees(r.restrict);
            }
        }

        void appendJson(StringBuilder b) {
            b.append("{\"file\":").append(json(file)).append(",\"source\":").append(json(source)).append(",\"entries\":[");
            for (int i = 0; i < entries.size(); i++) {
                b.append(i == 0 ? "" : ",").append('[').append(entries.get(i)[0]).append(',').append(entries.get(i)[1]).append(']');
            }
            b.append("],\"cases\":[");
            for (int i = 0; i < reports.size(); i++) {
                Report r = reports.get(i);
                b.append(i == 0 ? "" : ",").append("{\"mode\":").append(json(r.mode)).append(",\"sort\":[");
                for (int k = 0; k < r.sort.length; k++) {
                    b.append(k == 0 ? "" : ",").append(json(r.sort[k]));
                }
                b.append("],\"restrict\":[");
                for (int k = 0; k < r.restrict.length; k++) {
                    Object o = r.restrict[k];
                    b.append(k == 0 ? "" : ",").append(o instanceof String ? json((String) o) : o.toString());
                }
                b.append("]}");
            }
            b.append("]}");
        }
    }

    private static String json(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    @Test
    void randomProgramsPrintExactlyAsUnderCProfile(@TempDir Path dir) throws Exception {
        Random rnd = new Random(SEED);
        List<Program> programs = new ArrayList<>();
        StringBuilder input = new StringBuilder("[");
        for (int i = 0; i < PROGRAMS; i++) {
            Program p = new Program(i, rnd);
            programs.add(p);
            input.append(i == 0 ? "" : ",\n");
            p.appendJson(input);
        }
        input.append("]\n");
        Path programsFile = Files.writeString(dir.resolve("programs.json"), input);
        Path script = dir.resolve("run_under_cprofile.py");
        try (InputStream in = CProfileDifferentialTest.class.getResourceAsStream("/differential/run_under_cprofile.py")) {
            Files.copy(in, script);
        }
        Map<String, String> expected = split(python(dir, script.toString(), programsFile.toString()));

        int compared = 0;
        int ties = 0;
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) {
            Program p = programs.get(i);
            Stats stats = p.runUnderTreeprof();
            ties += halfwayFigures(stats);
            for (int c = 0; c < p.reports.size(); c++) {
                String want = expected.get("P" + i + " C" + c);
                if (want == null) {
                    fail("python3 printed no report P" + i + " C" + c);
                }
                String got = p.report(stats, p.reports.get(c));
                compared++;
                if (!want.equals(got) && mismatches.size() < 3) {
                    Report r = p.reports.get(c);
                    mismatches.add("program " + i + " (" + String.join(",", r.sort) + ", " + r.mode + ", "
                            + java.util.Arrays.toString(r.restrict) + ")\n" + p.source + "--- pstats:\n" + want
                            + "--- treeprof:\n" + got);
                }
            }
        }
        assertEquals(PROGRAMS * 9, compared);
        assertTrue(ties > PROGRAMS, "the programs must produce halfway figures to test rounding: " + ties);
        assertTrue(mismatches.isEmpty(), String.join("\n\n", mismatches));
    }

    /** How many tottime/cumtime figures sit exactly halfway between two printed digits. */
    private static int halfwayFigures(Stats stats) {
        int n = 0;
        for (var r : stats.rows()) {
            n += r.tottimeNanos() % 1_000_000 == 500_000 ? 1 : 0;
            n += r.cumtimeNanos() % 1_000_000 == 500_000 ? 1 : 0;
        }
        return n;
    }

    private static Map<String, String> split(String out) {
        Map<String, String> reports = new LinkedHashMap<>();
        String key = null;
        StringBuilder text = new StringBuilder();
        for (String line : out.split("\n", -1)) {
            if (line.startsWith("=====P") && line.endsWith("=====")) {
                if (key != null) {
                    reports.put(key, text.toString());
                }
                key = line.substring(5, line.length() - 5);
                text.setLength(0);
            } else if (key != null) {
                text.append(line).append('\n');
            }
        }
        if (key != null) {
            // the output's last newline ends the last report
            reports.put(key, text.substring(0, text.length() - 1));
        }
        return reports;
    }

    private static String python(Path dir, String... args) throws IOException, InterruptedException {
        return Python3.run(dir, args);
    }
}
