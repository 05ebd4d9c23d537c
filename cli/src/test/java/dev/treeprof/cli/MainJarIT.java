package dev.treeprof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.impl.format.Dumps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged executable jar as a user would ({@code java -jar}), after Maven's package
 * phase: exit status, standard output and standard error, and that the jar holds everything it
 * needs (nothing on stderr when all goes well, e.g. no logging warnings).
 */
class MainJarIT {

    private static Path jar;

    @TempDir
    static Path dir;

    private static Path recording;

    @BeforeAll
    static void setUp() throws IOException {
        String p = System.getProperty("treeprof.cli.jar");
        assertTrue(p != null, "the build passes the jar's path in treeprof.cli.jar");
        jar = Path.of(p);
        assertTrue(Files.isRegularFile(jar), jar + " exists");
        recording = dir.resolve("GET.orders.20ms.1.json");
        Fixtures.recording().dumpStats(recording);
    }

    private static final class Result {
        int status;
        String out;
        String err;
    }

    private static Result java(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private static Result run(List<String> cmd) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("java -jar did not finish in 120 s");
        }
        Result r = new Result();
        r.status = p.exitValue();
        r.out = Files.readString(out, StandardCharsets.UTF_8);
        r.err = Files.readString(err, StandardCharsets.UTF_8);
        return r;
    }

    @Test
    void statsPrintsAsInProcess() throws Exception {
        Result r = java("stats", recording.getFileName().toString(), "--sort", "cumulative", "--restrict", "fib|db");
        assertEquals(0, r.status, r.err);
        assertEquals("", r.err);
        String expected = Dumps.load(recording).sortStats("cumulative").formatStats("fib|db");
        // the first line names the file as given: relative here
        assertEquals(expected.substring(expected.indexOf('\n')), r.out.substring(r.out.indexOf('\n')));
        assertTrue(r.out.startsWith(expected.substring(0, 24) + "    GET.orders.20ms.1.json\n"), r.out);
    }

    @Test
    void convertWritesEveryFormat() throws Exception {
        for (String name : new String[] {"j.prof", "j.json", "j.speedscope.json", "j.trace.json", "j.folded"}) {
            Result r = java("convert", recording.toString(), dir.resolve(name).toString());
            assertEquals(0, r.status, name + ": " + r.err);
            assertEquals("", r.out + r.err, name);
        }
        Result back = java("stats", dir.resolve("j.prof").toString(), "--callees");
        assertEquals(0, back.status, back.err);
        assertTrue(back.out.contains("called..."), back.out);
    }

    /**
     * The repository's {@code treeprof} launcher runs the jar the build just made from any
     * directory, also through a symbolic link (as when linked into the PATH), with file names
     * relative to the caller's directory.
     */
    @Test
    void launcherRunsFromAnyDirectory() throws Exception {
        Path launcher = Path.of(System.getProperty("treeprof.launcher"));
        assertTrue(Files.isExecutable(launcher), launcher + " is executable");
        Path link = Files.createSymbolicLink(dir.resolve("treeprof"), launcher.toAbsolutePath());
        for (Path command : new Path[] {launcher.toAbsolutePath(), link}) {
            List<String> cmd = List.of(command.toString(), "stats", recording.getFileName().toString(),
                    "--sort", "cumulative", "--restrict", "fib|db");
            Result r = run(cmd);
            assertEquals(0, r.status, r.err);
            assertEquals("", r.err, "the jar exists and is newer than the sources: no build");
            assertEquals(java("stats", recording.getFileName().toString(), "--sort", "cumulative", "--restrict",
                    "fib|db").out, r.out);

            Result bad = run(List.of(command.toString(), "stats", "x.prof", "--bogus"));
            assertEquals(2, bad.status);
            assertTrue(bad.err.startsWith("treeprof: stats: Unknown option: '--bogus'"), bad.err);
        }
        Files.delete(link); // the link only, not what it points to
    }

    @Test
    void exitStatusesAndMessages() throws Exception {
        Result help = java("--help");
        assertEquals(0, help.status);
        assertTrue(help.out.startsWith("Usage: treeprof [-hV] COMMAND"), help.out);
        assertEquals("", help.err);

        Result version = java("--version");
        assertEquals(0, version.status);
        assertTrue(version.out.startsWith("treeprof " + System.getProperty("treeprof.version") + "\n"), version.out);

        Result usage = java("stats");
        assertEquals(2, usage.status);
        assertEquals("", usage.out);
        assertTrue(usage.err.startsWith("treeprof: stats: Missing required parameter: 'FILE'"), usage.err);

        Path bad = Files.writeString(dir.resolve("bad.prof"), "not a profile");
        Result badFile = java("stats", bad.toString());
        assertEquals(1, badFile.status);
        assertEquals("", badFile.out);
        assertTrue(badFile.err.startsWith("treeprof: " + bad + ": byte offset 0: not a profile"), badFile.err);
    }

    @Test
    void viewServesTheDirectoryFromTheJar() throws Exception {
        Path served = Files.createDirectories(dir.resolve("served"));
        Files.copy(recording, served.resolve(recording.getFileName()));
        Path out = Files.createTempFile(dir, "view-out", ".txt");
        Path err = Files.createTempFile(dir, "view-err", ".txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "view", "--port", "0", served.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            java.util.regex.Matcher m = null;
            for (int i = 0; i < 600 && (m == null || !m.find()); i++) {
                Thread.sleep(50);
                m = java.util.regex.Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)").matcher(Files.readString(out));
            }
            assertTrue(m.find(0), "prints its address: " + Files.readString(out) + Files.readString(err));
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String list = "";
            for (int i = 0; i < 200 && !list.contains("\"complete\":true"); i++) {
                Thread.sleep(50);
                list = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(1) + "api/list")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            }
            assertTrue(list.contains("\"path\":\"/orders\"") || list.contains("\"calls\":"), "the jar loads profiles: " + list);
            assertTrue(!list.contains("\"error\""), list);
            String page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(1))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(page.contains("\"static/app.js\""), "the page is in the jar");
            assertEquals("", Files.readString(err), "nothing on stderr");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
