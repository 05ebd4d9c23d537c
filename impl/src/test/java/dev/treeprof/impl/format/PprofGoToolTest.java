package dev.treeprof.impl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.treeprof.CallNode;
import dev.treeprof.StatsRow;
import dev.treeprof.ThreadTree;
import dev.treeprof.impl.stats.StatsTable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pprof files checked with the real tool, {@code go tool pprof} (Debian's golang-go, installed by
 * CI): it reads treeprof's files and shows the functions, calls and times treeprof's own table
 * shows; and profiles written by Go's {@code runtime/pprof} (a tiny Go program in the test
 * resources, built here) load in treeprof with the numbers {@code go tool pprof} shows for them.
 * Without {@code go} on the PATH these tests fail, they do not skip.
 */
class PprofGoToolTest {

    /** A {@code -top} row: flat, flat%, sum%, cum, cum%, then the name (which may hold spaces). */
    private static final Pattern TOP_ROW = Pattern.compile(
            "^\\s*(\\S+)\\s+\\S+%\\s+\\S+%\\s+(\\S+)\\s+\\S+%\\s+(.+)$");

    @TempDir
    Path dir;

    /** A recording with recursion, mutual recursion, two threads and request metadata. */
    private static StatsTable shop() throws InterruptedException {
        return Recordings.shop().withMetadata(Map.of("request.method", "GET", "request.route", "/orders/{id}",
                "request.path", "/orders/17", "request.status", "200", "host", "web-2"));
    }

    @Test
    void topShowsTreeprofsTable() throws Exception {
        StatsTable t = shop();
        Path f = dir.resolve("shop.pb.gz");
        Dumps.write(t, f);

        Map<String, long[]> wall = top(f, "wall");
        Map<String, long[]> calls = top(f, "calls");
        assertEquals(t.rows().size(), wall.size(), "one -top row per treeprof row: " + wall.keySet());
        for (StatsRow r : t.rows()) {
            String name = r.function().function();
            long[] w = wall.get(name);
            assertNotNull(w, name + " in go tool pprof -top: " + wall.keySet());
            assertEquals(Math.round(r.tottime() * 1e9), w[0], name + " own time (tottime = flat)");
            assertEquals(Math.round(r.cumtime() * 1e9), w[1], name + " cumulative time (cumtime = cum)");
            assertEquals(r.totalCalls(), calls.get(name)[0], name + " calls (ncalls = flat calls)");
        }
    }

    @Test
    void tracesShowEveryCallPathOfEveryThread() throws Exception {
        StatsTable t = shop();
        Path f = dir.resolve("shop.pb.gz");
        Dumps.write(t, f);

        Map<String, Long> expectedTime = new TreeMap<>();
        Map<String, Long> expectedCalls = new TreeMap<>();
        for (ThreadTree th : t.threads()) {
            paths(th.threadName(), th.root(), expectedTime, expectedCalls);
        }
        assertEquals(expectedTime, traces(f, "wall"));
        assertEquals(expectedCalls, traces(f, "calls"));
        String text = run(List.of("go", "tool", "pprof", "-traces", f.toString()));
        for (String label : new String[] {"route:  /orders/{id}", "method:  GET", "status:  200", "host:  web-2",
                "path:  /orders/17"}) {
            assertTrue(text.contains(label), label + " in\n" + text);
        }
    }

    @Test
    void goRuntimeProfilesLoadWithGoToolsNumbers() throws Exception {
        Path src = dir.resolve("gowriter/main.go");
        Files.createDirectories(src.getParent());
        try (InputStream in = PprofGoToolTest.class.getResourceAsStream("/pprof/gowriter.go.txt")) {
            assertNotNull(in, "test resource /pprof/gowriter.go.txt");
            Files.write(src, in.readAllBytes());
        }
        Path exe = dir.resolve("gowriter/gowriter");
        run(List.of("go", "build", "-o", exe.toString(), "main.go"), src.getParent());
        Path cpu = dir.resolve("cpu.pb.gz");
        Path heap = dir.resolve("heap.pb.gz");
        run(List.of(exe.toString(), cpu.toString(), heap.toString()), dir);

        StatsTable c = Dumps.read(cpu);
        assertEquals("samples/count, cpu/nanoseconds", c.metadata().get("pprof.sampleTypes"));
        Map<String, long[]> goTop = top(cpu, "cpu");
        Map<String, double[]> ours = byFunctionName(c);
        assertTrue(goTop.containsKey("main.spinTreeprof"), goTop.keySet().toString());
        assertTrue(ours.get("main.spinTreeprof")[2] > 0, "the spinning function has CPU time");
        assertEquals(goTop.keySet(), ours.keySet());
        goTop.forEach((name, v) -> {
            assertEquals(v[0], Math.round(ours.get(name)[0] * 1e9), name + " flat = tottime");
            if (v[1] >= 0) {
                assertEquals(v[1], Math.round(ours.get(name)[1] * 1e9), name + " cum = cumtime");
            }
        });
        Map<String, long[]> samples = top(cpu, "samples");
        samples.forEach((name, v) -> assertEquals(v[0], (long) ours.get(name)[2], name + " samples = ncalls"));

        StatsTable h = Dumps.read(heap);
        assertTrue(h.metadata().get("pprof.sampleTypes").startsWith("alloc_objects/count, alloc_space/bytes"),
                h.metadata().toString());
        assertEquals(0.0, h.totalTime(), "a heap profile has no time");
        Map<String, long[]> objects = top(heap, "alloc_objects");
        Map<String, double[]> ourObjects = byFunctionName(h);
        assertTrue(objects.get("main.allocTreeprof")[0] >= 64, "64 allocations sampled at rate 1");
        // pprof leaves out samples whose value is 0 (objects allocated before the rate was set
        // and freed): the functions only they reach have no objects in treeprof either
        ourObjects.forEach((name, v) -> assertTrue(objects.containsKey(name) || v[2] == 0, name));
        objects.forEach((name, v) -> {
            assertTrue(ourObjects.containsKey(name), name + " of " + objects.keySet() + " in " + ourObjects.keySet());
            assertEquals(v[0], (long) ourObjects.get(name)[2], name + " alloc_objects = ncalls");
        });
    }

    /** treeprof's rows summed by bare function name, as pprof's -top lists them: tottime, cumtime, ncalls. */
    private static Map<String, double[]> byFunctionName(StatsTable t) {
        Map<String, double[]> m = new HashMap<>();
        for (StatsRow r : t.rows()) {
            double[] v = m.computeIfAbsent(r.function().function(), k -> new double[3]);
            v[0] += r.tottime();
            v[1] += r.cumtime();
            v[2] += r.totalCalls();
        }
        return m;
    }

    /** Each path below the root as "thread;root frame;...;leaf" with its own time and calls. */
    private static void paths(String thread, CallNode root, Map<String, Long> time, Map<String, Long> calls) {
        List<Object[]> todo = new ArrayList<>();
        todo.add(new Object[] {root, thread});
        while (!todo.isEmpty()) {
            Object[] e = todo.remove(todo.size() - 1);
            CallNode n = (CallNode) e[0];
            for (CallNode k : n.children()) {
                String key = e[1] + ";" + k.name().function();
                time.merge(key, k.ownNanos(), Long::sum);
                calls.merge(key, k.calls(), Long::sum);
                todo.add(new Object[] {k, key});
            }
        }
    }

    /** {@code go tool pprof -top} rows by name: flat and cum, in nanoseconds for time types. */
    private static Map<String, long[]> top(Path f, String sampleIndex) throws IOException, InterruptedException {
        String text = run(List.of("go", "tool", "pprof", "-top", "-nodecount=1000000", "-nodefraction=0",
                "-edgefraction=0", "-unit=ns", "-sample_index=" + sampleIndex, f.toString()));
        Map<String, long[]> rows = new HashMap<>();
        boolean header = false;
        for (String line : text.split("\n")) {
            if (!header) {
                header = line.trim().startsWith("flat  flat%");
                continue;
            }
            Matcher m = TOP_ROW.matcher(line);
            assertTrue(m.matches(), "a -top row: " + line);
            // pprof lists a function's inlined calls apart, "(inline)" after the name; treeprof
            // names a scope by its function, so both are one row: flat times add up, and the
            // cumulative time of the pair is unknown here (-1)
            String name = m.group(3).trim();
            boolean inline = name.endsWith(" (inline)");
            name = inline ? name.substring(0, name.length() - " (inline)".length()) : name;
            long[] row = {number(m.group(1)), number(m.group(2))};
            rows.merge(name, row, (a, b) -> new long[] {a[0] + b[0], -1});
        }
        assertTrue(header, "no -top table in:\n" + text);
        return rows;
    }

    /** {@code go tool pprof -traces}: "thread;root;...;leaf" to the sample's value. */
    private static Map<String, Long> traces(Path f, String sampleIndex) throws IOException, InterruptedException {
        String text = run(List.of("go", "tool", "pprof", "-traces", "-unit=ns", "-sample_index=" + sampleIndex,
                f.toString()));
        Map<String, Long> out = new TreeMap<>();
        String[] blocks = text.split("-----------\\+-+\n");
        for (int b = 1; b < blocks.length; b++) {
            String thread = null;
            Long value = null;
            List<String> frames = new ArrayList<>();
            for (String line : blocks[b].split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                Matcher label = Pattern.compile("^\\s*(\\w+):\\s+(.*)$").matcher(line);
                if (value == null && label.matches()) {
                    if (label.group(1).equals("thread")) {
                        thread = label.group(2).trim();
                    }
                    continue;
                }
                if (value == null) {
                    Matcher m = Pattern.compile("^\\s*(\\S+)\\s+(.+)$").matcher(line);
                    assertTrue(m.matches(), line);
                    value = number(m.group(1));
                    frames.add(m.group(2).trim());
                } else {
                    frames.add(line.trim());
                }
            }
            assertNotNull(thread, "a thread label in\n" + blocks[b]);
            StringBuilder key = new StringBuilder(thread);
            for (int i = frames.size() - 1; i >= 0; i--) {
                key.append(';').append(frames.get(i));
            }
            assertFalse(out.containsKey(key.toString()), "one sample per path: " + key);
            out.put(key.toString(), value);
        }
        return out;
    }

    private static long number(String s) {
        String digits = s.endsWith("ns") ? s.substring(0, s.length() - 2) : s;
        return Long.parseLong(digits);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        return run(command, null);
    }

    /** Runs a command offline with its own Go caches; fails the test when it cannot run or fails. */
    private static String run(List<String> command, Path workDir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Path goHome = Path.of("target", "go-home").toAbsolutePath();
        Files.createDirectories(goHome);
        Map<String, String> env = pb.environment();
        env.put("HOME", goHome.toString());
        env.put("GOCACHE", goHome.resolve("cache").toString());
        env.put("GOPATH", goHome.resolve("gopath").toString());
        env.put("GOTOOLCHAIN", "local");
        env.put("GOPROXY", "off");
        env.put("GOFLAGS", "");
        env.put("GO111MODULE", "auto");
        // the profiles' paths are local files: never try a symbolization server
        env.put("PPROF_BINARY_PATH", goHome.toString());
        Path err = Files.createTempFile("pprof-test", ".err");
        pb.redirectError(err.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            fail("cannot run " + command.get(0) + " (install Debian's golang-go, as .ci/run does): " + e.getMessage());
            throw e;
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not finish in 120 s");
        }
        String stderr = Files.readString(err);
        Files.delete(err);
        assertEquals(0, p.exitValue(), command + " failed:\n" + stderr);
        return new String(out, StandardCharsets.UTF_8);
    }
}
