package dev.treeprof.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRetentionTest {

    private static Path old(Path dir, String name) throws Exception {
        Path p = Files.writeString(dir.resolve(name), "{}");
        Files.setLastModifiedTime(p, FileTime.fromMillis(1_000_000_000_000L));
        return p;
    }

    @Test
    void aLooseFormatNeverAdoptsFilesThatAreNotOurs(@TempDir Path dir) throws Exception {
        Path config = old(dir, "package.json");
        Path ours = Files.writeString(dir.resolve("orders.json"), "{}");
        FileRetention r = new FileRetention(dir, 1, 1L << 30, FileNameFormat.compile("{path}.json").ownNames());
        r.written(ours, Files.size(ours));
        assertTrue(Files.exists(config), "a file retention did not write was deleted");
        assertTrue(Files.exists(ours));
    }

    @Test
    void theDefaultFormatAdoptsAnEarlierRunsFilesOnly(@TempDir Path dir) throws Exception {
        Path earlier = old(dir, "GET.orders.12ms.1795633168.prof");
        Path other = old(dir, "notes.prof");
        Path ours = Files.writeString(dir.resolve("GET.root.3ms.1795634018.prof"), "x");
        FileRetention r = new FileRetention(dir, 1, 1L << 30,
                FileNameFormat.compile(ProfilerOptions.DEFAULT_FILENAME_FORMAT).ownNames());
        r.written(ours, Files.size(ours));
        assertFalse(Files.exists(earlier), "an earlier run's profile counts toward maxFiles");
        assertTrue(Files.exists(other));
        assertTrue(Files.exists(ours));
    }

    @Test
    void aFileRetiredForReuseButLeftInPlaceIsTheEldestAgain(@TempDir Path dir) throws Exception {
        FileRetention r = new FileRetention(dir, 2, 1L << 30, null);
        Path a = Files.writeString(dir.resolve("a.prof"), "aaa");
        Path b = Files.writeString(dir.resolve("b.prof"), "bb");
        r.written(a, 3);
        r.written(b, 2);
        FileRetention.Retired retired = r.retireEldest();
        assertEquals(new FileRetention.Retired(a, 3), retired);
        assertEquals(1, r.fileCount());
        assertEquals(2, r.totalBytes());
        r.restore(retired); // the writer could not reuse it: counted again, and still the first to go
        assertEquals(2, r.fileCount());
        assertEquals(5, r.totalBytes());
        Path c = Files.writeString(dir.resolve("c.prof"), "c");
        r.written(c, 1);
        assertFalse(Files.exists(a), "the restored file went first, as it would have without reuse");
        assertTrue(Files.exists(b));
        assertEquals(3, r.totalBytes());
    }

    @Test
    void theFilesOfAnEarlierRunAreDeletedNeverReused(@TempDir Path dir) throws Exception {
        Path earlier = old(dir, "GET.orders.12ms.1795633168.prof");
        FileRetention r = new FileRetention(dir, 1, 1L << 30,
                FileNameFormat.compile(ProfilerOptions.DEFAULT_FILENAME_FORMAT).ownNames());
        assertNull(r.retireEldest(), "another run's file may carry another owner or mode");
        assertTrue(Files.exists(earlier));
        Path ours = Files.writeString(dir.resolve("GET.root.3ms.1795634018.prof"), "x");
        r.written(ours, 1);
        assertFalse(Files.exists(earlier));
        assertEquals(new FileRetention.Retired(ours, 1), r.retireEldest(), "a file of this run is reused");
    }
}
