package dev.treeprof.impl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Stats;
import dev.treeprof.impl.Python3;
import dev.treeprof.impl.stats.StatsTable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real pstats dumps made by the machine's python3 (cProfile on the real clock and on a tick clock,
 * and the pure-Python {@code profile} module, whose callers are bare call counts): treeprof prints
 * them as pstats does, and a round trip through treeprof ({@code load} then {@code dumpStats} to
 * {@code .prof}) loses nothing pstats prints, for every sort key. Needs python3 (CI installs it):
 * without it these tests fail, they do not skip.
 */
class PstatsFidelityTest {

    private static final String[] SORT_KEYS = {"calls", "cumulative", "cumtime", "file", "filename", "module",
            "ncalls", "pcalls", "line", "name", "nfl", "stdname", "time", "tottime"};
    private static final String[] DUMPS = {"cprofile-real.prof", "cprofile-ticks.prof", "profile-module.prof",
            "merged-stripped.prof"};
    private static final String[] MODES = {"stats", "callers", "callees"};

    @TempDir
    static Path dir;
    private static Path script;

    @BeforeAll
    static void makeDumps() throws Exception {
        script = dir.resolve("pstats_fixtures.py");
        try (InputStream in = PstatsFidelityTest.class.getResourceAsStream("/roundtrip/pstats_fixtures.py")) {
            Files.copy(in, script);
        }
        python("make", dir.toString());
    }

    @Test
    void bareCallerCountsOfTheProfileModulePrintAsInPstats() throws Exception {
        Path file = dir.resolve("profile-module.prof");
        StatsTable loaded = Dumps.parse(Files.readAllBytes(file), file.toString());
        List<Map<String, Object>> cases = new ArrayList<>();
        List<String> ours = new ArrayList<>();
        for (String sort : new String[] {null, "cumulative", "stdname", "calls"}) {
            for (String mode : MODES) {
                cases.add(pstatsCase(file, sort, mode));
                Stats s = sort == null ? loaded : loaded.sortStats(sort);
                ours.add(mode.equals("stats") ? s.formatStats() : mode.equals("callers") ? s.formatCallers()
                        : s.formatCallees());
            }
        }
        List<String> theirs = printWithPstats(cases);
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(theirs.get(i), ours.get(i), "case " + cases.get(i));
        }
        assertTrue(ours.get(1).contains("(464)"), "fib's recursive callers are a bare count: " + ours.get(1));
        // and treeprof's lossless JSON keeps the form too
        Path json = dir.resolve("profile-module.json");
        Dumps.write(loaded, json);
        StatsTable back = Dumps.load(json).withFileHeaders(List.of());
        assertEquals(loaded.sortStats("cumulative").formatCallers(), back.sortStats("cumulative").formatCallers());
        assertEquals(loaded.formatCallees(), back.formatCallees());
    }

    @Test
    void aRoundTripThroughTreeprofLosesNothingPstatsPrints() throws Exception {
        List<Map<String, Object>> cases = new ArrayList<>();
        for (String dump : DUMPS) {
            Path original = dir.resolve(dump);
            Path copy = dir.resolve("copy-" + dump);
            Dumps.write(Dumps.load(original), copy);
            for (String sort : SORT_KEYS) {
                for (String mode : MODES) {
                    cases.add(pstatsCase(original, sort, mode));
                    cases.add(pstatsCase(copy, sort, mode));
                }
            }
        }
        List<String> printed = printWithPstats(cases);
        for (int i = 0; i < cases.size(); i += 2) {
            assertEquals(printed.get(i), printed.get(i + 1), "pstats prints the copy as the original: " + cases.get(i));
        }
    }

    private static Map<String, Object> pstatsCase(Path file, String sort, String mode) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("file", file.toString());
        c.put("sort", sort == null ? List.of() : List.of(sort));
        c.put("mode", mode);
        c.put("restrict", List.of());
        return c;
    }

    /** What pstats prints for each case, without the file header line. */
    private static List<String> printWithPstats(List<Map<String, Object>> cases) throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (Map<String, Object> c : cases) {
            json.append(json.length() > 1 ? "," : "").append("{\"file\":").append(quote((String) c.get("file")))
                    .append(",\"mode\":").append(quote((String) c.get("mode"))).append(",\"sort\":[");
            @SuppressWarnings("unchecked")
            List<String> sort = (List<String>) c.get("sort");
            for (int i = 0; i < sort.size(); i++) {
                json.append(i == 0 ? "" : ",").append(quote(sort.get(i)));
            }
            json.append("],\"restrict\":[]}");
        }
        Path casesFile = Files.writeString(dir.resolve("cases.json"), json.append(']'));
        String out = python("print", casesFile.toString());
        List<String> reports = new ArrayList<>();
        StringBuilder current = null;
        for (String line : out.split("\n", -1)) {
            if (line.startsWith("=====CASE ")) {
                if (current != null) {
                    reports.add(current.toString());
                }
                current = new StringBuilder();
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (current != null) {
            reports.add(current.substring(0, current.length() - 1));
        }
        assertEquals(cases.size(), reports.size(), out);
        return reports;
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String python(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(script.toString()));
        cmd.addAll(List.of(args));
        return Python3.run(dir, cmd.toArray(String[]::new));
    }
}
