package dev.treeprof.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Binding;
import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class RequestProfilingTest {

    // The names in flask-restrict.out, made by flaskapp.py (both in this test's resources).
    private static final ScopeName WSGI_APP = ScopeName.of("/usr/lib/python3.11/site-packages/flask/app.py", 1479, "wsgi_app");
    private static final ScopeName GET_HELLO = ScopeName.of("flaskapp.py", 15, "get_hello");
    private static final ScopeName RECURSE = ScopeName.of("flaskapp.py", 20, "recurse_and_sleep");
    private static final ScopeName SLEEP = ScopeName.of("<built-in method time.sleep>");
    private static final ScopeName HANDLER = ScopeName.of("/src/pa/wz2.py", 3, "handler");
    private static final ScopeName APP = ScopeName.of("/src/pa/wz2.py", 5, "app");

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RequestProfilingTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void sleep(long millis) {
        try (Scope s = Profile.scope(SLEEP)) {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void recurseAndSleep(int count) {
        try (Scope s = Profile.scope(RECURSE)) {
            if (count == 6) {
                return;
            }
            sleep(1);
            recurseAndSleep(count + 1);
        }
    }

    /** flaskapp.py's get_hello, with a sleep of its own so that it clearly outlasts the recursion. */
    private static void flaskRequest() {
        try (Scope a = Profile.scope(WSGI_APP); Scope b = Profile.scope(GET_HELLO)) {
            sleep(2);
            recurseAndSleep(0);
        }
    }

    private static RequestProfile await(CompletionStage<RequestProfile> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Runs one request through the lifecycle, as a framework module would. */
    private static RequestProfile serve(RequestProfiling profiling, String method, String path, Runnable work)
            throws Exception {
        ProfiledRequest req = profiling.begin(method, path);
        try (Binding b = req.attach()) {
            work.run();
        }
        return await(req.finish(200));
    }

    /** Hides what varies between runs: times and the totals of calls and rows. */
    private static String maskNumbers(String report) {
        return report.replaceAll("\\d+\\.\\d{3}", "#.###")
                .replaceAll("\\d+ function calls \\(\\d+ primitive calls\\)", "N function calls (P primitive calls)")
                .replaceAll("\\d+ function calls in", "N function calls in")
                .replaceAll("List reduced from \\d+ to", "List reduced from N to");
    }

    @Test
    void reportHasWerkzeugsExactLayout() throws Exception {
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().stream(out)
                .sortBy("cumtime", "ncalls").restrictions("flaskapp.py").build());
        RequestProfile p = serve(profiling, "GET", "/", RequestProfilingTest::flaskRequest);
        assertNotNull(p);
        // The golden was made by werkzeug 3.1.8 with sort_by=('cumtime', 'ncalls'), restrictions=('flaskapp.py',).
        assertEquals(maskNumbers(resource("flask-restrict.out")), maskNumbers(printed()));
        assertEquals(7, p.stats().row(RECURSE.label()).totalCalls());
    }

    /** Line kinds of a report, rows collapsed: the structure of werkzeug's output, whatever the rows. */
    private static List<String> shape(String report) {
        Pattern row = Pattern.compile(" *\\d+(/\\d+)? +#\\.### +(#\\.###| {8}) +#\\.### +(#\\.###| {8}) \\S.*");
        List<String> kinds = new ArrayList<>();
        for (String line : maskNumbers(report).split("\n", -1)) {
            String kind = row.matcher(line).matches() ? "ROW" : line.startsWith("PATH: ") ? "PATH: <repr>" : line;
            if (!(kind.equals("ROW") && !kinds.isEmpty() && kinds.get(kinds.size() - 1).equals("ROW"))) {
                kinds.add(kind);
            }
        }
        return kinds;
    }

    @Test
    void defaultReportHasTheShapeOfWerkzeugsExample() throws Exception {
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().stream(out).build());
        serve(profiling, "GET", "/hello/world", () -> {
            try (Scope a = Profile.scope(APP); Scope h = Profile.scope(HANDLER)) {
                // long enough that no pause of the test JVM (GC, JIT) inside APP outside the
                // sleep outweighs it: the order asserted below is by tottime
                sleep(50);
            }
        });
        String golden = resource("werkzeug-default.out");
        List<String> expected = shape(golden);
        assertTrue(expected.contains("ROW") && expected.contains("   Ordered by: internal time, call count"), expected.toString());
        assertEquals(expected, shape(printed()));
        assertTrue(printed().startsWith("-".repeat(80) + "\nPATH: '/hello/world'\n"), printed());
        assertTrue(printed().endsWith("\n\n" + "-".repeat(80) + "\n\n"), printed());
        // Sorted by tottime: the sleep comes first, as time.sleep does in werkzeug's example.
        List<String> lines = List.of(printed().split("\n"));
        int header = lines.indexOf("   ncalls  tottime  percall  cumtime  percall filename:lineno(function)");
        assertTrue(lines.get(header + 1).endsWith(" {built-in method time.sleep}"), lines.get(header + 1));
    }

    @Test
    void endAttributesAreCopiedInOrderWithoutNulls() throws Exception {
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().noOutput().build());
        Map<String, String> one = new java.util.HashMap<>();
        one.put("route", "/orders/:id");
        ProfiledRequest a = profiling.begin("GET", "/a");
        CompletionStage<RequestProfile> doneA;
        try (Binding work = a.enter()) { // work still in flight: the profile ends when it leaves
            doneA = a.finish(200, one);
            one.put("route", "changed after the end"); // the caller's map is the caller's
            one.put("late", "x");
        }
        assertEquals(Map.of("route", "/orders/:id"), await(doneA).request().attributes());

        Map<String, String> nullValue = new java.util.HashMap<>();
        nullValue.put("error", null);
        assertEquals(Map.of(), await(profiling.begin("GET", "/b").finish(200, nullValue)).request().attributes());
        Map<String, String> nullKey = new java.util.HashMap<>();
        nullKey.put(null, "x");
        assertEquals(Map.of(), await(profiling.begin("GET", "/b").finish(200, nullKey)).request().attributes());

        Map<String, String> several = new java.util.LinkedHashMap<>();
        several.put("z", "1");
        several.put("skipped", null);
        several.put("a", "2");
        assertEquals(List.of("z", "a"),
                List.copyOf(await(profiling.begin("GET", "/c").finish(200, several)).request().attributes().keySet()));
    }

    @Test
    void finishedProfileCarriesRequestThreadsAndMetadata() throws Exception {
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().stream(out).build());
        ProfiledRequest req = profiling.begin(RequestInfo.of("POST", "/it's/caf\u00e9?secret=1").withAttribute("route", "/x"));
        assertTrue(req.isProfiled());
        assertNotNull(req.profiler());
        try (Binding b = req.attach()) {
            try (Scope s = Profile.scope(HANDLER)) {
                Thread worker = new Thread(req.wrap(() -> sleep(1)), "test-worker");
                worker.start();
                worker.join(30_000);
            }
        }
        RequestProfile p = await(req.finish(201, Map.of("error", "none")));
        assertTrue(req.isFinished());
        RequestInfo done = p.request();
        assertEquals(201, done.status());
        assertEquals("/it's/caf\u00e9", done.path());
        assertTrue(done.elapsedNanos() > 0);
        assertEquals(Set.of(Thread.currentThread().getName(), "test-worker"), Set.copyOf(done.threadNames()));
        Map<String, String> meta = p.stats().metadata();
        assertEquals("201", meta.get(RequestInfo.META_STATUS));
        assertEquals("POST", meta.get(RequestInfo.META_METHOD));
        assertEquals("/x", meta.get("route"));
        assertEquals("none", meta.get("error"));
        assertEquals(1, p.stats().row(HANDLER.label()).totalCalls());
        assertEquals(1, p.stats().row(SLEEP.label()).totalCalls());
        assertTrue(printed().contains("\nPATH: \"/it's/caf\u00e9\"\n"), printed());
        assertSame(p, profiling.recent().get(p.id()).orElseThrow());
        assertEquals(List.of(p), profiling.recent().list());
        assertTrue(p.file().isEmpty() && p.fileError().isEmpty());
        // Recording stopped at finish: scopes after it are not counted.
        try (Binding b = req.attach(); Scope s = Profile.scope(HANDLER)) {
            assertFalse(req.profiler().isEnabled());
        }
        assertEquals(1, ((Stats) req.profiler().stats()).row(HANDLER.label()).totalCalls());
    }

    @Test
    void finishCountsOnceEvenWhenSignalledTwiceFromTwoThreads() throws Exception {
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().stream(out).build());
        for (int round = 0; round < 20; round++) {
            ProfiledRequest req = profiling.begin("GET", "/twice");
            try (Binding b = req.attach(); Scope s = Profile.scope(HANDLER)) {
                Thread.onSpinWait();
            }
            CountDownLatch go = new CountDownLatch(1);
            List<CompletionStage<RequestProfile>> stages = Collections.synchronizedList(new ArrayList<>());
            Thread other = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                stages.add(req.finish(200));
            });
            other.start();
            go.countDown();
            stages.add(req.finish(500));
            other.join(30_000);
            assertEquals(2, stages.size());
            assertSame(stages.get(0), stages.get(1));
            assertSame(stages.get(0), req.finish(404));
            assertNotNull(await(stages.get(0)));
        }
        assertEquals(20, count(printed(), "PATH: '/twice'"));
        assertEquals(20, profiling.recent().size());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void unselectedRequestsCostNothingAndPrintNothing() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        RequestProfiling onlyApi = new RequestProfiling(ProfilerOptions.builder().stream(out)
                .profileIf(r -> { asked.incrementAndGet(); return r.path().startsWith("/api/"); }).build());
        ProfiledRequest skipped = onlyApi.begin("GET", "/static/app.js");
        assertSame(ProfiledRequest.notProfiled(), skipped);
        assertFalse(skipped.isProfiled());
        assertNull(skipped.profiler());
        assertSame(Binding.noop(), skipped.attach());
        Runnable task = () -> { };
        assertSame(task, skipped.wrap(task));
        assertNull(await(skipped.finish(200)));
        assertTrue(onlyApi.begin("GET", "/api/x").isProfiled());
        assertEquals(2, asked.get());
        assertEquals("", printed());
        assertEquals(0, onlyApi.recent().size());

        RequestProfiling never = new RequestProfiling(ProfilerOptions.builder().sampleRate(0).build());
        assertFalse(never.begin("GET", "/").isProfiled());

        double[] draws = {0.2, 0.7, 0.29, 0.3};
        AtomicInteger i = new AtomicInteger();
        RequestProfiling sampled = new RequestProfiling(ProfilerOptions.builder().noOutput().sampleRate(0.3)
                .random(() -> draws[i.getAndIncrement()]).build());
        List<Boolean> chosen = new ArrayList<>();
        for (int k = 0; k < draws.length; k++) {
            chosen.add(sampled.begin("GET", "/").isProfiled());
        }
        assertEquals(List.of(true, false, true, false), chosen);
        // The server's own start time: one draw per request, whichever begin is called.
        double[] more = {0.1, 0.9};
        AtomicInteger j = new AtomicInteger();
        RequestProfiling timed = new RequestProfiling(ProfilerOptions.builder().noOutput().sampleRate(0.3)
                .random(() -> more[j.getAndIncrement()]).build());
        long start = System.nanoTime() - 2_000_000_000L;
        ProfiledRequest first = timed.begin("GET", "/t?q=1", start);
        assertTrue(first.isProfiled());
        assertEquals(start, first.request().startNanos());
        assertEquals("/t", first.request().path());
        assertFalse(timed.begin("GET", "/t", start).isProfiled());
        assertEquals(2, j.get());
        first.finish(200);

        RequestProfiling broken = new RequestProfiling(ProfilerOptions.builder()
                .profileIf(r -> { throw new IllegalStateException("predicate bug"); }).build());
        assertFalse(broken.begin("GET", "/").isProfiled());
        assertFalse(broken.begin(null).isProfiled());
    }

    /** A writer standing in for the dump formats: a fixed number of bytes per file. */
    private static ProfileWriter writerOf(int size, List<Path> seen) {
        return (stats, file) -> {
            seen.add(file);
            Files.write(file, new byte[size]);
        };
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void writesSafelyNamedFilesIntoACreatedDirectory() throws Exception {
        Path dir = tmp.resolve("profiles").resolve("nested");
        List<Path> seen = Collections.synchronizedList(new ArrayList<>());
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().noOutput().profileDir(dir)
                .profileWriter(writerOf(10, seen)).build());
        RequestProfile a = serve(profiling, "GET", "/a/b", () -> sleep(1));
        RequestProfile evil = serve(profiling, "GET", "/../../etc/passwd", () -> sleep(1));
        RequestProfile evil2 = serve(profiling, "/../..", "/..%2F..%2Fetc", () -> sleep(1));
        assertTrue(Files.isDirectory(dir));
        Path base = dir.toAbsolutePath().normalize();
        for (RequestProfile p : List.of(a, evil, evil2)) {
            Path f = p.file().orElseThrow();
            assertEquals(base, f.getParent());
            assertTrue(Files.isRegularFile(f));
            assertEquals(10, Files.size(f));
        }
        String end = FileNameFormat.fixed(a.request().endEpochMillis() / 1000.0, 0);
        assertTrue(a.file().orElseThrow().getFileName().toString().matches("GET\\.a\\.b\\.\\d+ms\\." + "\\d+\\.prof"),
                a.file().toString());
        assertTrue(a.file().orElseThrow().getFileName().toString().endsWith("." + end + ".prof"));
        assertTrue(evil.file().orElseThrow().getFileName().toString().startsWith("GET._._.etc.passwd."));
        assertTrue(evil2.file().orElseThrow().getFileName().toString().startsWith("_.._..._._.etc."));
        assertEquals(3, names(dir).size(), names(dir).toString());
        assertEquals(List.of("nested"), names(tmp.resolve("profiles")));
        // The writer saw temporary siblings that keep the extension; none is left behind.
        for (Path p : seen) {
            assertEquals(base, p.getParent());
            assertTrue(p.getFileName().toString().startsWith(".treeprof-") && p.toString().endsWith(".prof"), p.toString());
            assertFalse(Files.exists(p));
        }
    }

    @Test
    void retentionByCountDeletesOnlyOurOldestFiles() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("p"));
        Files.writeString(dir.resolve("notes.txt"), "keep me");
        Files.writeString(dir.resolve("data.prof"), "not ours by name");
        Files.createDirectory(dir.resolve("GET.sub.1ms.1.prof"));
        // Files of an earlier run, named by the same format: counted, and the oldest go first.
        Path old1 = dir.resolve("GET.old1.5ms.1600000000.prof");
        Path old2 = dir.resolve("GET.old2.5ms.1600000001.prof");
        Files.write(old1, new byte[3]);
        Files.write(old2, new byte[3]);
        Files.setLastModifiedTime(old1, FileTime.fromMillis(1_600_000_000_000L));
        Files.setLastModifiedTime(old2, FileTime.fromMillis(1_600_000_001_000L));
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().noOutput().profileDir(dir)
                .maxFiles(3).profileWriter(writerOf(5, new ArrayList<>())).build());
        List<Path> written = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            written.add(serve(profiling, "GET", "/n" + i, () -> { }).file().orElseThrow());
        }
        assertFalse(Files.exists(old1));
        assertTrue(Files.exists(old2));
        for (int i = 3; i <= 6; i++) {
            written.add(serve(profiling, "GET", "/n" + i, () -> { }).file().orElseThrow());
        }
        List<String> left = names(dir);
        List<String> expected = new ArrayList<>(List.of("notes.txt", "data.prof", "GET.sub.1ms.1.prof"));
        for (Path p : written.subList(3, 6)) {
            expected.add(p.getFileName().toString());
        }
        Collections.sort(expected);
        assertEquals(expected, left);
        assertEquals("keep me", Files.readString(dir.resolve("notes.txt")));
    }

    @Test
    void retentionByBytesKeepsTheNewestAlways() throws Exception {
        Path dir = tmp.resolve("bytes");
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().noOutput().profileDir(dir)
                .maxTotalBytes(2500).profileWriter(writerOf(1000, new ArrayList<>())).build());
        List<Path> written = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            written.add(serve(profiling, "GET", "/b" + i, () -> { }).file().orElseThrow());
        }
        assertEquals(Set.of(written.get(3).getFileName().toString(), written.get(4).getFileName().toString()),
                Set.copyOf(names(dir)));

        Path small = tmp.resolve("small");
        RequestProfiling tiny = new RequestProfiling(ProfilerOptions.builder().noOutput().profileDir(small)
                .maxTotalBytes(500).profileWriter(writerOf(1000, new ArrayList<>())).build());
        serve(tiny, "GET", "/x1", () -> { });
        Path newest = serve(tiny, "GET", "/x2", () -> { }).file().orElseThrow();
        assertEquals(List.of(newest.getFileName().toString()), names(small));
    }

    @Test
    void sameNameTwiceNeverReplacesAFileButAddsAUniqueSuffix() throws Exception {
        Path dir = tmp.resolve("same");
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().noOutput().profileDir(dir)
                .filenameFormat("{method}.{path}.prof").maxFiles(3).profileWriter(writerOf(7, new ArrayList<>())).build());
        RequestProfile first = serve(profiling, "GET", "/a", () -> { });
        RequestProfile second = serve(profiling, "GET", "/a", () -> { });
        serve(profiling, "GET", "/b", () -> { });
        List<String> names = names(dir);
        assertEquals(3, names.size(), names.toString());
        assertEquals(dir.resolve("GET.a.prof"), first.file().orElseThrow());
        assertTrue(second.file().orElseThrow().getFileName().toString().matches("GET\\.a-[0-9a-f]{6}\\.prof"),
                second.file().toString());
        assertTrue(names.contains("GET.b.prof"), names.toString());
        // Paths that clean to the same name (werkzeug overwrites one with the other) both keep their file.
        RequestProfiling sameSecond = new RequestProfiling(ProfilerOptions.builder().noOutput()
                .profileDir(tmp.resolve("clash")).build());
        List<String> paths = List.of("/caf\u00e9", "/caf%C3%A9", "/../../etc/passwd", "/..%5c..%5cetc%5cpasswd");
        for (String path : paths) {
            serve(sameSecond, "GET", path, () -> Profile.scope(HANDLER).close());
        }
        assertEquals(paths.size(), names(tmp.resolve("clash")).size(), names(tmp.resolve("clash")).toString());
    }

    @Test
    void unwritableDirectoriesAreReportedNeverThrown() throws Exception {
        Path regularFile = Files.writeString(tmp.resolve("i-am-a-file"), "x");
        List<ProfileWriter> writers = List.of(writerOf(1, new ArrayList<>()), (s, f) -> {
            Files.write(f, new byte[3]);
            throw new IOException("disk full");
        });
        for (Path dir : List.of(regularFile, regularFile.resolve("sub"))) {
            RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().stream(out).profileDir(dir)
                    .profileWriter(writers.get(0)).build());
            RequestProfile p = serve(profiling, "GET", "/f", () -> sleep(1));
            assertTrue(p.file().isEmpty());
            assertTrue(p.fileError().isPresent());
            assertEquals(p, profiling.recent().get(p.id()).orElseThrow());
        }
        assertEquals("x", Files.readString(regularFile));
        assertEquals(2, count(printed(), "PATH: '/f'"), "the report is printed even when the file fails");

        Path dir = tmp.resolve("full");
        RequestProfiling full = new RequestProfiling(ProfilerOptions.builder().noOutput().profileDir(dir)
                .profileWriter(writers.get(1)).build());
        for (int i = 0; i < 3; i++) {
            RequestProfile p = serve(full, "GET", "/g", () -> { });
            assertEquals("java.io.IOException: disk full", p.fileError().orElseThrow());
        }
        assertEquals(List.of(), names(dir), "no temporary file is left behind");
    }

    @Test
    void readOnlyDirectoryIsReportedNeverThrown() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("ro"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(dir), "the user can write anywhere (root)");
            RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().noOutput().profileDir(dir)
                    .profileWriter(writerOf(1, new ArrayList<>())).build());
            RequestProfile p = serve(profiling, "GET", "/ro", () -> { });
            assertTrue(p.fileError().isPresent());
            assertEquals(List.of(), names(dir));
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void defaultWriterFailureForAnUnknownExtensionIsContained() throws Exception {
        Path dir = tmp.resolve("ext");
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().noOutput().profileDir(dir)
                .filenameFormat("{method}.{path}.nosuchformat").build());
        RequestProfile p = serve(profiling, "GET", "/e", () -> sleep(1));
        assertNotNull(p);
        assertTrue(p.file().isEmpty());
        assertTrue(p.fileError().orElseThrow().contains("IllegalArgumentException"), p.fileError().toString());
        assertEquals(List.of(), names(dir));
    }

    /** Whether impl's Dumps writes and loads {@code .prof} yet (it is being written concurrently). */
    @Test
    void defaultWriterDumpsAProfFileThatLoadsBack() throws Exception {
        Path dir = tmp.resolve("prof");
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().noOutput().profileDir(dir).build());
        RequestProfile p = serve(profiling, "GET", "/", RequestProfilingTest::flaskRequest);
        Path file = p.file().orElseThrow(() -> new AssertionError(p.fileError()));
        assertTrue(file.getFileName().toString().matches("GET\\.root\\.\\d+ms\\.\\d+\\.prof"), file.toString());
        Stats loaded = Stats.load(file);
        for (StatsRow r : p.stats().rows()) {
            StatsRow back = loaded.row(r.label());
            assertNotNull(back, r.label());
            assertEquals(r.ncalls(), back.ncalls(), r.label());
        }
        assertEquals("7/1", loaded.row(RECURSE.label()).ncalls());
    }

    @Test
    void defaultWriterNeverOpensANameThatExistsNorFollowsALinkThere() throws Exception {
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().noOutput().build());
        Stats stats = serve(profiling, "GET", "/", RequestProfilingTest::flaskRequest).stats();
        Path existing = Files.writeString(tmp.resolve("existing.prof"), "keep");
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "keep too");
        Path link = Files.createSymbolicLink(tmp.resolve("link.prof"), victim);
        for (Path taken : List.of(existing, link)) {
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> ProfileWriter.dumpStats().write(stats, taken));
            assertTrue(e instanceof java.nio.file.FileAlreadyExistsException, e.toString());
        }
        assertEquals("keep", Files.readString(existing));
        assertEquals("keep too", Files.readString(victim));
    }

    @Test
    void retentionCountsTheBytesTheDefaultWriterPutOnDisk() throws Exception {
        Path probe = tmp.resolve("probe");
        RequestProfiling one = new RequestProfiling(ProfilerOptions.builder().noOutput().profileDir(probe).build());
        long size = Files.size(serve(one, "GET", "/s", () -> Profile.scope(HANDLER).close()).file().orElseThrow());
        // Room for two files of about that size (their metadata differs by a few digits), not three.
        Path dir = tmp.resolve("sized");
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().noOutput().profileDir(dir)
                .maxTotalBytes(size * 5 / 2).build());
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            written.add(serve(profiling, "GET", "/s", () -> Profile.scope(HANDLER).close()).file().orElseThrow());
        }
        assertEquals(Set.of(written.get(3).getFileName().toString(), written.get(4).getFileName().toString()),
                Set.copyOf(names(dir)));
    }

    @Test
    void aDirectoryThatStopsBeingOneIsReportedAndUsedAgainOnceBack() throws Exception {
        Path dir = tmp.resolve("flaky");
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().noOutput().profileDir(dir).build());
        RequestProfile first = serve(profiling, "GET", "/1", () -> Profile.scope(HANDLER).close());
        assertTrue(first.file().isPresent(), first.fileError().orElse(""));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.collect(Collectors.toList())) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
        Files.writeString(dir, "not a directory");
        RequestProfile failed = serve(profiling, "GET", "/2", () -> Profile.scope(HANDLER).close());
        assertTrue(failed.file().isEmpty());
        assertTrue(failed.fileError().orElseThrow().contains("not a directory"), failed.fileError().orElseThrow());
        assertEquals("not a directory", Files.readString(dir));
        Files.delete(dir);
        RequestProfile back = serve(profiling, "GET", "/3", () -> Profile.scope(HANDLER).close());
        assertTrue(Files.isRegularFile(back.file().orElseThrow()), back.fileError().orElse(""));
    }

    @Test
    void executorMovesTheWorkOffTheCallingThread() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "profile-writer"));
        try {
            List<String> reportThreads = Collections.synchronizedList(new ArrayList<>());
            RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().executor(executor)
                    .output(report -> reportThreads.add(Thread.currentThread().getName())).build());
            RequestProfile p = serve(profiling, "GET", "/async", () -> sleep(1));
            assertNotNull(p);
            assertEquals(List.of("profile-writer"), reportThreads);
            assertEquals(1, p.stats().row(SLEEP.label()).totalCalls());
        } finally {
            executor.shutdownNow();
        }
        RequestProfiling rejecting = new RequestProfiling(ProfilerOptions.builder().output(report -> { })
                .executor(r -> { throw new RejectedExecutionException("busy"); }).build());
        RequestProfile kept = serve(rejecting, "GET", "/dropped", () -> { });
        assertNotNull(kept, "a refused report loses the report, not the profile");
        assertEquals(1, rejecting.recent().size());
        assertEquals(1, rejecting.recent().droppedOutputs());
    }

    @Test
    @Timeout(60)
    void aWriterFarSlowerThanTheRequestsDropsAndCountsAndNeverBlocksARequest() throws Exception {
        CountDownLatch writerStuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger written = new AtomicInteger();
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder().noOutput()
                .profileDir(tmp.resolve("slow")).writeQueueCapacity(5).recentCapacity(10)
                .profileWriter((stats, file) -> {
                    writerStuck.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    written.incrementAndGet();
                    Files.write(file, new byte[1]);
                }).build());
        List<CompletionStage<RequestProfile>> stages = new ArrayList<>();
        ProfiledRequest first = profiling.begin("GET", "/slow/0");
        first.finish(200);
        assertTrue(writerStuck.await(30, TimeUnit.SECONDS), "the writer took the first file");
        for (int i = 1; i <= 50; i++) {
            ProfiledRequest req = profiling.begin("GET", "/slow/" + i);
            try (Binding b = req.enter(); Scope s = Profile.scope(HANDLER)) {
                Thread.onSpinWait();
            }
            // Returns at once although the writer is stuck: finishing never waits for the disk.
            stages.add(req.finish(200));
        }
        assertTrue(profiling.queuedOutputs() <= 5 + 1, "the queue is bounded: " + profiling.queuedOutputs());
        assertEquals(50 - 5, profiling.recent().droppedOutputs(), "past the queue, reports and files are dropped");
        assertEquals(10, profiling.recent().size(), "the profiles themselves stay in memory, bounded too");
        release.countDown();
        for (CompletionStage<RequestProfile> stage : stages) {
            assertNotNull(await(stage));
        }
        assertEquals(1 + 5, written.get(), "the first file and the five queued ones");
    }

    @Test
    void failingOutputDoesNotLoseTheProfile() throws Exception {
        RequestProfiling profiling = new RequestProfiling(ProfilerOptions.builder()
                .output(report -> { throw new IllegalStateException("closed stream"); }).build());
        RequestProfile p = serve(profiling, "GET", "/o", () -> sleep(1));
        assertNotNull(p);
        assertEquals(1, profiling.recent().size());
    }
}
