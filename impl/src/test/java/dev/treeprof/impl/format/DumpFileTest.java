package dev.treeprof.impl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.treeprof.impl.stats.StatsTable;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a dump file looks like on disk, and what a failed dump says. */
class DumpFileTest {

    private static String failure(Path target) throws InterruptedException {
        StatsTable t = Recordings.shop();
        return assertThrows(IOException.class, () -> Dumps.write(t, target)).getMessage();
    }

    @Test
    void aDumpGetsTheSamePermissionsAsAnyNewFile(@TempDir Path dir) throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain.txt")); // 0666 less the umask
        for (String name : new String[] {"a.prof", "a.json", "a.speedscope.json", "a.trace.json", "a.folded"}) {
            Path dump = dir.resolve(name);
            Dumps.write(Recordings.shop(), dump);
            Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
            assertEquals(expected, Files.getPosixFilePermissions(dump), name);
        }
    }

    @Test
    void aMissingDirectoryIsNamedAsGiven(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("missing/x.prof");
        assertEquals(target + ": cannot write: directory " + dir.resolve("missing") + " does not exist", failure(target));
        Path relative = Path.of("no-such-treeprof-dir/x.prof");
        assertEquals("no-such-treeprof-dir/x.prof: cannot write: directory no-such-treeprof-dir does not exist",
                failure(relative));
    }

    @Test
    void aRegularFileUsedAsADirectoryIsNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        String m = failure(file.resolve("x.prof"));
        assertEquals(file.resolve("x.prof") + ": cannot write: " + file + " is not a directory", m);
        m = failure(file.resolve("deeper/x.prof"));
        assertEquals(file.resolve("deeper/x.prof") + ": cannot write: " + file + " is not a directory", m);
        assertFalse(m.contains(".tmp"), m);
    }

    @Test
    void aDirectoryThatTakesNoFilesIsNotWritable() throws Exception {
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc), "needs Linux's /proc, where even root cannot create files");
        assertEquals("/proc/x.prof: cannot write: directory /proc is not writable", failure(proc.resolve("x.prof")));
    }

    @Test
    void aDirectoryAsTargetIsNamed(@TempDir Path dir) throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub.prof"));
        assertEquals(sub + ": cannot write: it is a directory", failure(sub));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
        assertTrue(Files.isDirectory(sub));
    }
}
