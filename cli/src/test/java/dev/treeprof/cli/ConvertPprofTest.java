package dev.treeprof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.treeprof.impl.format.Dumps;
import dev.treeprof.impl.stats.StatsTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code treeprof convert} to and from pprof: by extension or --format, read back by content. */
class ConvertPprofTest {

    @TempDir
    Path dir;

    private int run(String... args) {
        return new Main(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run(args);
    }

    @Test
    void convertsToPprofAndBack() throws Exception {
        Path json = dir.resolve("r.json");
        StatsTable recording = Fixtures.recording();
        recording.dumpStats(json);
        Path pb = dir.resolve("r.pb.gz");
        assertEquals(Main.OK, run("convert", json.toString(), pb.toString()));
        Path other = dir.resolve("r.bin");
        assertEquals(Main.OK, run("convert", json.toString(), other.toString(), "--format", "pprof"));
        assertEquals(Files.size(pb), Files.size(other));
        Path back = dir.resolve("back.json");
        assertEquals(Main.OK, run("convert", pb.toString(), back.toString()));
        StatsTable loaded = Dumps.read(back).withFileHeaders(java.util.List.of());
        assertEquals(recording.callTree(), loaded.callTree());
        assertEquals(recording.sortStats("cumulative").formatStats(), loaded.sortStats("cumulative").formatStats());
    }
}
