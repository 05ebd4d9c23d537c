package dev.treeprof.impl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.CallNode;
import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.ThreadTree;
import dev.treeprof.impl.record.TreeProfiler;
import dev.treeprof.impl.stats.StatsTable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The speedscope and Chrome trace exports as speedscope itself reads them: the {@code speedscope}
 * npm package (1.25.0), its own importer run by node. Every profile must import without a
 * warning, with one frame per function (no per-event extras in the frame's name), and with the
 * tree treeprof recorded, each event exactly where the layout puts it.
 *
 * <p>Needs node and the package, which {@code .ci/run} installs into {@code .ci/node} at the
 * repository root; when it is missing there the test installs it with npm first. The property
 * {@code treeprof.speedscope} may name another package directory. Without node, or without the
 * package and a way to install it, this test fails: it does not skip.
 */
class SpeedscopeImportTest {

    private static final String SPEEDSCOPE_VERSION = "1.25.0";
    private static final String[] NAMES = {"fib", "parse", "db.query", "render", "walk", "Shop.java:12(load)"};

    /** Random recursive work on two threads, on a clock advancing by odd nanosecond amounts. */
    private static StatsTable record(long seed) throws InterruptedException {
        Random rnd = new Random(seed);
        AtomicLong now = new AtomicLong(1_234_567_891L);
        TreeProfiler p = new TreeProfiler(now::get, 100_000);
        ScopeName[] names = new ScopeName[NAMES.length];
        for (int i = 0; i < names.length; i++) {
            names[i] = NAMES[i].contains(":") ? ScopeName.of("com/example/Shop.java", 12, "load") : ScopeName.of(NAMES[i]);
        }
        p.start();
        Runnable work = () -> {
            for (int i = 0; i < 12; i++) {
                call(names, rnd, now, 5);
            }
        };
        Thread t = new Thread(p.wrap(work), "worker-thread");
        t.start();
        t.join();
        Thread main = new Thread(p.wrap(work), "main-thread");
        main.start();
        main.join();
        p.disable();
        return (StatsTable) p.stats();
    }

    private static void call(ScopeName[] names, Random rnd, AtomicLong now, int depth) {
        try (Scope s = Profile.scope(names[rnd.nextInt(names.length)])) {
            // odd amounts of nanoseconds: their decimal microseconds do not add up exactly in doubles
            now.addAndGet(rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(3_000_000));
            int children = depth == 0 ? 0 : rnd.nextInt(3);
            for (int i = 0; i < children; i++) {
                call(names, rnd, now, depth - 1);
            }
            if (rnd.nextBoolean()) {
                now.addAndGet(1 + rnd.nextInt(900_000));
            }
        }
    }

    @Test
    void speedscopeImportsBothExportsWithoutWarningsAsTheRecordedTree(@TempDir Path dir) throws Exception {
        Path speedscope = speedscopePackage();
        List<Path> files = new ArrayList<>();
        List<StatsTable> recorded = new ArrayList<>();
        for (long seed = 1; seed <= 6; seed++) {
            StatsTable stats = record(seed);
            recorded.add(stats);
            Path trace = dir.resolve("p" + seed + ".trace.json");
            Path ss = dir.resolve("p" + seed + ".speedscope.json");
            Dumps.write(stats, trace);
            Dumps.write(stats, ss);
            files.add(trace);
            files.add(ss);
        }
        Map<String, List<String>> imported = importWithSpeedscope(dir, speedscope, files);
        int events = 0;
        for (int i = 0; i < recorded.size(); i++) {
            StatsTable stats = recorded.get(i);
            for (String kind : new String[] {"trace.json", "speedscope.json"}) {
                String file = "p" + (i + 1) + "." + kind;
                List<String> lines = imported.get(file);
                assertTrue(lines != null, "speedscope printed nothing for " + file);
                List<String> warnings = lines.stream().filter(l -> l.startsWith("WARN ")).toList();
                assertEquals(List.of(), warnings, file);
                boolean trace = kind.equals("trace.json");
                for (ThreadTree thread : stats.threads()) {
                    List<String> got = profileOf(lines, thread.threadName(), file);
                    List<String> want = expectedCalls(thread.root(), trace);
                    assertSameCalls(want, calls(got), file + ", thread " + thread.threadName());
                    assertEquals(expectedFrames(thread.root(), trace), frames(got), file + ": frames are the functions");
                    events += want.size();
                }
            }
        }
        assertTrue(events > 500, "enough nested events to matter: " + events);
    }

    /** Compares two event lists, reporting the first difference with its neighbours. */
    private static void assertSameCalls(List<String> want, List<String> got, String what) {
        int n = Math.min(want.size(), got.size());
        for (int i = 0; i < n; i++) {
            if (!want.get(i).equals(got.get(i))) {
                int from = Math.max(0, i - 3);
                throw new AssertionError(what + ": event " + i + " differs\nexpected " + want.subList(from,
                        Math.min(want.size(), i + 4)) + "\nbut was  " + got.subList(from, Math.min(got.size(), i + 4)));
            }
        }
        assertEquals(want.size(), got.size(), what + ": number of events");
    }

    /** The lines of the profile of one thread: speedscope names it after the thread. */
    private static List<String> profileOf(List<String> lines, String thread, String file) {
        List<String> out = null;
        for (String l : lines) {
            if (l.startsWith("PROFILE ")) {
                out = l.contains(thread + " (aggregated") ? new ArrayList<>() : null;
                if (out != null) {
                    List<String> found = out;
                    int from = lines.indexOf(l) + 1;
                    for (int k = from; k < lines.size() && !lines.get(k).startsWith("PROFILE "); k++) {
                        found.add(lines.get(k));
                    }
                    return found;
                }
            }
        }
        throw new AssertionError(file + ": no profile for thread " + thread + " in " + lines);
    }

    private static List<String> calls(List<String> profile) {
        return profile.stream().filter(l -> l.startsWith("OPEN ") || l.startsWith("CLOSE ")).toList();
    }

    private static Set<String> frames(List<String> profile) {
        Set<String> out = new LinkedHashSet<>();
        profile.stream().filter(l -> l.startsWith("FRAME ")).forEach(l -> out.add(l.substring(6)));
        return out;
    }

    /**
     * Where the layout puts each call path: its children end to end from its start, then its own time.
     * Trace times are in microseconds of 1/1024 steps, speedscope's in nanoseconds.
     */
    private static List<String> expectedCalls(CallNode root, boolean trace) {
        List<String> out = new ArrayList<>();
        long start = 0;
        for (CallNode c : root.children()) {
            start = layout(c, start, 0, trace, out);
        }
        return out;
    }

    private static long layout(CallNode n, long start, int depth, boolean trace, List<String> out) {
        long end = start + n.totalNanos();
        if (end == start || trace && Exports.traceUnits(end) == Exports.traceUnits(start)) {
            return end; // no width: speedscope draws nothing (the trace does not even hold it)
        }
        out.add("OPEN " + depth + " " + value(start, trace) + " " + frameName(n, trace));
        long cursor = start;
        for (CallNode c : n.children()) {
            cursor = layout(c, cursor, depth + 1, trace, out);
        }
        out.add("CLOSE " + depth + " " + value(end, trace) + " " + frameName(n, trace));
        return end;
    }

    private static Set<String> expectedFrames(CallNode root, boolean trace) {
        Set<String> names = new LinkedHashSet<>();
        for (String c : expectedCalls(root, trace)) {
            // "OPEN depth value name": the name is everything after the third field
            names.add(c.split(" ", 4)[3]);
        }
        return names;
    }

    /** speedscope's frame name: the label in a trace; in its own format, the function of a positioned name. */
    private static String frameName(CallNode n, boolean trace) {
        ScopeName name = n.name();
        return trace || ScopeName.NO_FILE.equals(name.file()) ? name.label() : name.function();
    }

    private static String value(long nanos, boolean trace) {
        // how node prints the number speedscope computed: JavaScript's shortest round-trip form
        double v = trace ? Exports.traceUnits(nanos) / (double) Exports.TRACE_UNITS_PER_MICRO : nanos;
        return js(v);
    }

    private static String js(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e21) {
            return Long.toString((long) v);
        }
        return Double.toString(v).replace("E", "e");
    }

    private static Map<String, List<String>> importWithSpeedscope(Path dir, Path speedscope, List<Path> files)
            throws IOException, InterruptedException {
        Path script = dir.resolve("import.js");
        try (InputStream in = SpeedscopeImportTest.class.getResourceAsStream("/speedscope/import.js")) {
            Files.copy(in, script);
        }
        List<String> cmd = new ArrayList<>(List.of("node", script.toString(), speedscope.toString()));
        files.forEach(f -> cmd.add(f.toString()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("node is needed to run speedscope's importer (.ci/run installs it): " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("node did not finish in 120 s");
        }
        assertEquals(0, p.exitValue(), "speedscope's importer failed:\n" + out);
        Map<String, List<String>> byFile = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("FILE ")) {
                current = new ArrayList<>();
                byFile.put(line.substring(5), current);
            } else if (current != null) {
                current.add(line);
            }
        }
        return byFile;
    }

    /**
     * The speedscope package: -Dtreeprof.speedscope, else .ci/node/node_modules/speedscope at the
     * repository root, installed there with npm on first use when missing (as .ci/run does).
     */
    private static Path speedscopePackage() throws IOException, InterruptedException {
        String configured = System.getProperty("treeprof.speedscope");
        if (configured != null) {
            return checked(Path.of(configured));
        }
        Path root = null;
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(".ci/run"))) {
                root = d;
                break;
            }
        }
        if (root == null) {
            throw new AssertionError("no repository root (.ci/run) above " + Path.of("").toAbsolutePath()
                    + "; set -Dtreeprof.speedscope to the speedscope package directory");
        }
        Path pkg = root.resolve(".ci/node/node_modules/speedscope");
        if (!Files.isDirectory(pkg)) {
            npmInstall(root.resolve(".ci/node"));
        }
        return checked(pkg);
    }

    private static void npmInstall(Path prefix) throws IOException, InterruptedException {
        List<String> cmd = List.of("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix",
                prefix.toString(), "speedscope@" + SPEEDSCOPE_VERSION);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("npm is needed to install speedscope for this test (.ci/run installs node, npm "
                    + "and the package): " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("npm install did not finish in 300 s");
        }
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
    }

    private static Path checked(Path dir) throws IOException {
        Path release = dir.resolve("dist/release");
        if (!Files.isDirectory(release)) {
            throw new AssertionError(dir + " is not the speedscope package (no dist/release)");
        }
        String manifest = Files.readString(dir.resolve("package.json"));
        if (!manifest.matches("(?s).*\"version\"\\s*:\\s*\"" + SPEEDSCOPE_VERSION.replace(".", "\\.") + "\".*")) {
            throw new AssertionError(dir + " is not speedscope " + SPEEDSCOPE_VERSION + ", the version this test reads");
        }
        return dir;
    }
}
