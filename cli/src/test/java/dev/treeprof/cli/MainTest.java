package dev.treeprof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Stats;
import dev.treeprof.impl.format.Dumps;
import dev.treeprof.impl.stats.StatsTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command in-process: output, exit status and messages. */
class MainTest {

    @TempDir
    Path dir;

    private String stdout;
    private String stderr;

    private int run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        stdout = out.toString(StandardCharsets.UTF_8);
        stderr = err.toString(StandardCharsets.UTF_8);
        return status;
    }

    private Path recordingJson;
    private Path rowsProf;

    @BeforeEach
    void files() throws IOException {
        recordingJson = dir.resolve("GET.orders.20ms.1.json");
        Fixtures.recording().dumpStats(recordingJson);
        rowsProf = dir.resolve("GET.orders.20ms.2.prof");
        Fixtures.rows(1).dumpStats(rowsProf);
    }

    private void assertUsage(String message, String... args) {
        assertEquals(Main.USAGE, run(args), String.join(" ", args));
        assertEquals("", stdout);
        assertTrue(stderr.startsWith("treeprof: ") && stderr.contains(message), stderr);
        assertTrue(stderr.contains("Try 'treeprof") && stderr.contains(" --help' for more information."), stderr);
    }

    private void assertBadFile(Path file, String message, String... args) {
        assertEquals(Main.BAD_FILE, run(args), String.join(" ", args));
        assertEquals("", stdout);
        assertTrue(stderr.startsWith("treeprof: " + file + ": "), stderr);
        assertTrue(stderr.contains(message), stderr);
    }

    @Test
    void printsLikeStatsOfTheLoadedFile() throws IOException {
        StatsTable loaded = Dumps.load(recordingJson);
        assertEquals(Main.OK, run("stats", recordingJson.toString()));
        assertEquals(loaded.formatStats(), stdout);
        assertEquals("", stderr);

        assertEquals(Main.OK, run("stats", recordingJson.toString(), "--sort", "cumulative,name", "--restrict", "fib|db",
                "--restrict", "1"));
        assertEquals(loaded.sortStats("cumulative", "name").formatStats("fib|db", 1), stdout);
        assertTrue(stdout.contains("List reduced from 4 to 2 due to restriction <'fib|db'>"), stdout);

        assertEquals(Main.OK, run("stats", "--sort=tottime", "--sort", "calls", recordingJson.toString(),
                "--restrict=0.5", "--callers"));
        assertEquals(loaded.sortStats("tottime", "calls").formatCallers(0.5), stdout);

        assertEquals(Main.OK, run("stats", recordingJson.toString(), "--callees", "--strip-dirs", "--reverse",
                "--sort", "stdname"));
        assertEquals(loaded.stripDirs().sortStats("stdname").reverseOrder().formatCallees(), stdout);
        assertTrue(stdout.contains("Fib.java:12(fib)"), stdout);
    }

    @Test
    void mergesFilesDirectoriesAndPatterns() throws IOException {
        Path other = dir.resolve("GET.orders.40ms.3.prof");
        Fixtures.rows(2).dumpStats(other);
        Path post = dir.resolve("POST.orders.5ms.4.prof");
        Fixtures.rows(3).dumpStats(post);
        Stats expected = Dumps.load(rowsProf, other).sortStats("calls");

        assertEquals(Main.OK, run("stats", rowsProf.toString(), other.toString(), "--sort", "calls"));
        assertEquals(expected.formatStats(), stdout);

        assertEquals(Main.OK, run("stats", dir.resolve("GET.*.prof").toString(), "--sort", "calls"));
        assertEquals(expected.formatStats(), stdout);

        assertEquals(Main.OK, run("stats", dir.toString(), "--glob", "GET.*.prof", "--sort", "calls"));
        assertEquals(Dumps.loadDirectory(dir, "GET.*.prof").sortStats("calls").formatStats(), stdout);

        assertEquals(Main.OK, run("stats", dir.toString()));
        assertTrue(stdout.contains("12 function calls in 0.120 seconds"), stdout);

        assertEquals(Main.BAD_FILE, run("stats", dir.resolve("PUT.*.prof").toString()));
        assertTrue(stderr.startsWith("treeprof: " + dir + ": no file matches 'PUT.*.prof'"), stderr);
    }

    @Test
    void badFilesExitOneNamingTheFile() throws IOException {
        Path missing = dir.resolve("missing.prof");
        assertBadFile(missing, "no such file", "stats", missing.toString());
        Path cut = dir.resolve("cut.prof");
        byte[] b = Files.readAllBytes(rowsProf);
        Files.write(cut, java.util.Arrays.copyOf(b, b.length - 10));
        assertBadFile(cut, "byte offset", "stats", rowsProf.toString(), cut.toString());
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "{\"format\":\"treeprof\",\"version\":9}");
        assertBadFile(garbage, "version 9 is newer than this reader", "stats", garbage.toString());
        Path speedscope = dir.resolve("x.speedscope.json");
        assertEquals(Main.OK, run("convert", recordingJson.toString(), speedscope.toString()));
        assertBadFile(speedscope, "a speedscope file", "stats", speedscope.toString());
    }

    @Test
    void usageErrorsExitTwo() {
        assertUsage("no command given");
        assertUsage("unknown command 'show'", "show", "x.prof");
        assertUsage("unknown option '--bogus'", "--bogus");
        assertUsage("stats: Missing required parameter: 'FILE'", "stats");
        assertUsage("stats: Missing required parameter: 'FILE'", "stats", "--sort", "calls");
        assertUsage("stats: Unknown option: '--bogus'", "stats", "x.prof", "--bogus");
        assertUsage("stats: Missing required parameter for option '--sort'", "stats", "x.prof", "--sort");
        assertUsage("stats: --sort: unknown sort key 'cum'", "stats", rowsProf.toString(), "--sort", "cum");
        assertUsage("stats: --sort: empty sort key", "stats", rowsProf.toString(), "--sort", "calls,");
        assertUsage("stats: --callers and --callees exclude each other", "stats", "x.prof", "--callers", "--callees");
        assertUsage("stats: Invalid value for option '--callers': 'yes' is not a boolean", "stats", "x.prof",
                "--callers=yes");
        assertUsage("stats: Unknown option: '--format'", "stats", "x.prof", "--format", "json");
        assertUsage("convert: needs at least one input and an output file", "convert", "x.prof");
        assertUsage("cannot tell the format of", "convert", rowsProf.toString(), dir.resolve("out.txt").toString());
        assertUsage("--format", "convert", "a", "b", "--format", "xml");
        assertTrue(stderr.contains("unknown format 'xml' (prof, json, speedscope, trace, folded, pprof)"), stderr);
        assertUsage("convert: Unknown option: '--sort'", "convert", "a", "b", "--sort", "calls");
        assertUsage("99999999999 is too large a row count", "stats", "x.prof", "--restrict", "99999999999");
        // usage errors name the command whose help to read
        assertUsage("Try 'treeprof stats --help'", "stats", "x.prof", "--bogus");
        assertUsage("Try 'treeprof --help'", "show");
    }

    @Test
    void helpGoesToStdoutPerCommand() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {"help"})) {
            assertEquals(Main.OK, run(args));
            assertTrue(stdout.startsWith("Usage: treeprof [-hV] COMMAND"), stdout);
            for (String command : new String[] {"stats", "convert", "help"}) {
                assertTrue(stdout.contains("\n  " + command + " "), command + " in " + stdout);
            }
            assertTrue(stdout.contains("Exit status: 0 success, 1 a file could not be loaded or written, 2 usage error."),
                    stdout);
            assertEquals("", stderr);
        }
        for (String[] args : List.of(new String[] {"stats", "--help"}, new String[] {"stats", "x.prof", "-h"},
                new String[] {"help", "stats"})) {
            assertEquals(Main.OK, run(args));
            assertTrue(stdout.startsWith("Usage: treeprof stats "), stdout);
            for (String option : new String[] {"--sort=KEY[,KEY]", "--restrict=REGEX|N|FRACTION", "--callers",
                    "--callees", "--strip-dirs", "--reverse", "--glob=PATTERN", "FILE..."}) {
                assertTrue(stdout.contains(option), option + " in " + stdout);
            }
            assertFalse(stdout.contains("--format"), stdout);
            assertEquals("", stderr);
        }
        for (String[] args : List.of(new String[] {"convert", "a", "-h"}, new String[] {"help", "convert"})) {
            assertEquals(Main.OK, run(args));
            assertTrue(stdout.startsWith("Usage: treeprof convert [-hV] [--format=FORMAT] [--glob=PATTERN] IN... OUT"),
                    stdout);
            assertFalse(stdout.contains("--sort"), stdout);
            assertEquals("", stderr);
        }
    }

    @Test
    void versionIsTheProjectVersion() {
        for (String[] args : List.of(new String[] {"--version"}, new String[] {"-V"}, new String[] {"stats", "-V"})) {
            assertEquals(Main.OK, run(args));
            assertTrue(stdout.matches("(?s)treeprof \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n.*"), stdout);
            assertEquals("", stderr);
        }
    }

    @Test
    void everyCommandHasItsOwnHelp() {
        for (String command : TreeprofCommand.commandNames(new Main(System.out, System.err).commandLine())) {
            assertEquals(Main.OK, run(command, "--help"), command);
            assertTrue(stdout.contains("Usage: treeprof " + command + " "), stdout);
            assertEquals("", stderr);
        }
    }

    /** The completion script, sourced in bash, completes commands, options and option values. */
    @Test
    void completionScriptCompletesInBash() throws Exception {
        assertEquals(Main.OK, run("generate-completion"));
        Path script = Files.writeString(dir.resolve("treeprof_completion"), stdout);
        assertEquals("stats", complete(script, "treeprof st"));
        assertEquals("--sort --strip-dirs", complete(script, "treeprof stats --s"));
        assertEquals("folded", complete(script, "treeprof convert --format fo"));
        assertEquals("cumtime cumulative", complete(script, "treeprof stats --sort cum"));
        // file arguments complete to file names in the current directory
        assertEquals("GET.orders.20ms.1.json GET.orders.20ms.2.prof", complete(script, "treeprof stats GET."));
        assertEquals("GET.orders.20ms.1.json GET.orders.20ms.2.prof",
                complete(script, "treeprof convert --format json GET."));
    }

    /** The words bash's completion function offers for the line, as the shell would call it. */
    private String complete(Path script, String line) throws Exception {
        String words = line.endsWith(" ") ? line + "''" : line;
        String bash = "source '" + script + "'\n"
                + "COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(" + words + ");"
                + " COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                + "_complete_treeprof 2>/dev/null\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\" | LC_ALL=C sort | paste -sd ' '\n";
        Process p = new ProcessBuilder("bash", "-c", bash).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void restrictionsParseAsPstatsArguments() {
        assertEquals(10, StatsCommand.restriction("10"));
        assertEquals(0.5, StatsCommand.restriction("0.5"));
        assertEquals(0.25, StatsCommand.restriction(".25"));
        assertEquals(0.1, StatsCommand.restriction("1e-1"));
        assertEquals("db\\.query", StatsCommand.restriction("db\\.query"));
        assertEquals("(10)", StatsCommand.restriction("(10)"));
    }

    @Test
    void convertsBetweenFormats() throws IOException {
        StatsTable recorded = Dumps.load(recordingJson).withFileHeaders(List.of());
        for (String name : new String[] {"o.prof", "o.json", "o.speedscope.json", "o.trace.json", "o.folded",
                "o.collapsed"}) {
            Path out = dir.resolve(name);
            assertEquals(Main.OK, run("convert", recordingJson.toString(), out.toString()), stderr);
            assertEquals("", stdout + stderr);
            assertTrue(Files.size(out) > 0, name);
        }
        assertEquals(recorded.sortStats("cumulative").formatStats(),
                Dumps.load(dir.resolve("o.prof")).withFileHeaders(List.of()).sortStats("cumulative").formatStats());
        assertEquals(recorded.threads(), Dumps.load(dir.resolve("o.json")).threads());
        assertTrue(Files.readString(dir.resolve("o.folded")).contains("GET /orders;db.query 12003\n"),
                Files.readString(dir.resolve("o.folded")));

        Path forced = dir.resolve("forced.out");
        assertEquals(Main.OK, run("convert", recordingJson.toString(), forced.toString(), "--format", "speedscope"));
        assertTrue(Files.readString(forced).startsWith("{\"$schema\":\"https://www.speedscope.app/"));

        Path merged = dir.resolve("merged.prof");
        assertEquals(Main.OK, run("convert", rowsProf.toString(), recordingJson.toString(), merged.toString()));
        assertEquals(Dumps.load(rowsProf, recordingJson).totalCalls(), Dumps.load(merged).totalCalls());
    }

    @Test
    void convertFailuresNameTheFile() throws IOException {
        Path folded = dir.resolve("rows.folded");
        assertBadFile(folded, "needs call trees", "convert", rowsProf.toString(), folded.toString());
        assertTrue(Files.notExists(folded));
        Path nowhere = dir.resolve("no/such/dir/out.prof");
        assertBadFile(nowhere, "cannot write: directory " + nowhere.getParent() + " does not exist", "convert", rowsProf.toString(), nowhere.toString());
        Path cut = Files.write(dir.resolve("empty.prof"), new byte[0]);
        Path out = dir.resolve("out.json");
        assertBadFile(cut, "the file is empty", "convert", cut.toString(), out.toString());
        assertTrue(Files.notExists(out), "nothing is written when an input is bad");
    }
}
