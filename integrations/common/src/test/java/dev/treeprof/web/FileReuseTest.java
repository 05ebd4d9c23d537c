package dev.treeprof.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Binding;
import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full profile directory: the file retention retires is written over for the next profile. */
@Timeout(60)
class FileReuseTest {

    @TempDir
    Path tmp;

    /** One request through the lifecycle, with {@code functions} distinct rows. */
    private static RequestProfile serve(RequestProfiling profiling, String path, int functions) throws Exception {
        ProfiledRequest req = profiling.begin("GET", path);
        try (Binding b = req.attach()) {
            for (int i = 0; i < functions; i++) {
                try (Scope s = Profile.scope(ScopeName.of("app.py", i + 1, "function_number_" + i))) {
                    Thread.onSpinWait();
                }
            }
        }
        RequestProfile p = req.finish(200).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(p.file().isPresent(), p.fileError().orElse("no file"));
        return p;
    }

    /** Request profiling that writes files into dir and keeps at most maxFiles of them. */
    private static RequestProfiling keeping(Path dir, int maxFiles) {
        return new RequestProfiling(ProfilerOptions.builder().noOutput().profileDir(dir).maxFiles(maxFiles).build());
    }

    private static Object inode(Path file) throws IOException {
        return Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** The bytes the default writer puts in a new file for these stats. */
    private byte[] freshDump(Stats stats, String name) throws IOException {
        Path fresh = tmp.resolve("fresh-" + name);
        ProfileWriter.dumpStats().write(stats, fresh);
        return Files.readAllBytes(fresh);
    }

    /**
     * Asserts that the profile's file is the retired one (same inode) and holds exactly the dump a
     * new file would; returns that dump.
     */
    private byte[] assertRewritten(Object retiredInode, RequestProfile profile, String message) throws IOException {
        Path file = profile.file().orElseThrow();
        assertEquals(retiredInode, inode(file), "the retired file was reused");
        byte[] expected = freshDump(profile.stats(), file.getFileName().toString());
        assertArrayEquals(expected, Files.readAllBytes(file), message);
        return expected;
    }

    @Test
    void theOldestFileIsRewrittenWithTheNewProfileAndCutToItsLength() throws Exception {
        Path dir = tmp.resolve("profiles");
        RequestProfiling profiling = keeping(dir, 2);
        RequestProfile big = serve(profiling, "/big", 40);
        Object bigInode = inode(big.file().orElseThrow());
        long bigSize = Files.size(big.file().orElseThrow());
        RequestProfile second = serve(profiling, "/second", 1);
        RequestProfile small = serve(profiling, "/small", 1);

        Path file = small.file().orElseThrow();
        byte[] expected = assertRewritten(bigInode, small, "exactly the new dump: none of the old file's tail");
        assertFalse(Files.exists(big.file().orElseThrow()));
        assertTrue(expected.length < bigSize);
        assertEquals(1, Stats.load(file).rows().stream().filter(r -> r.label().contains("function_number_0")).count());
        assertEquals(List.of(second.file().orElseThrow().getFileName().toString(), file.getFileName().toString()).stream()
                .sorted().collect(Collectors.toList()), names(dir), "no temporary name is left");
    }

    @Test
    void aLongerProfileOverASmallerFileIsWrittenWhole() throws Exception {
        Path dir = tmp.resolve("growing");
        RequestProfiling profiling = keeping(dir, 1);
        RequestProfile small = serve(profiling, "/small", 1);
        Object smallInode = inode(small.file().orElseThrow());
        long smallSize = Files.size(small.file().orElseThrow());
        RequestProfile big = serve(profiling, "/big", 40);

        Path file = big.file().orElseThrow();
        byte[] expected = assertRewritten(smallInode, big, "the whole new dump");
        assertTrue(expected.length > smallSize);
        assertEquals(40, Stats.load(file).rows().size());
        assertEquals(List.of(file.getFileName().toString()), names(dir));
    }

    @Test
    void aFileGrownBehindOurBackIsStillCutToTheNewProfile() throws Exception {
        Path dir = tmp.resolve("appended");
        RequestProfiling profiling = keeping(dir, 1);
        Path first = serve(profiling, "/first", 3).file().orElseThrow();
        Object firstInode = inode(first);
        Files.write(first, new byte[4096], java.nio.file.StandardOpenOption.APPEND); // e.g. a tool wrote into it

        RequestProfile next = serve(profiling, "/next", 3);
        assertRewritten(firstInode, next, "the size that decides the cut is the file's own, not the one written");
    }

    @Test
    void aFileWithAnotherLinkIsNeverWrittenOver() throws Exception {
        Path dir = tmp.resolve("linked");
        RequestProfiling profiling = keeping(dir, 1);
        Path first = serve(profiling, "/first", 3).file().orElseThrow();
        byte[] original = Files.readAllBytes(first);
        Path backup = Files.createLink(tmp.resolve("backup.prof"), first); // e.g. a snapshot made with hard links

        Path next = serve(profiling, "/next", 1).file().orElseThrow();
        assertArrayEquals(original, Files.readAllBytes(backup), "the backup's copy is unchanged");
        assertNotEquals(inode(backup), inode(next));
        assertEquals(List.of(next.getFileName().toString()), names(dir));
    }

    @Test
    void aLinkPutInPlaceOfAnOldFileIsNeverFollowed() throws Exception {
        Path dir = tmp.resolve("swapped");
        RequestProfiling profiling = keeping(dir, 1);
        Path first = serve(profiling, "/first", 3).file().orElseThrow();
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "keep me");
        Files.delete(first);
        Files.createSymbolicLink(first, victim);

        Path next = serve(profiling, "/next", 1).file().orElseThrow();
        assertEquals("keep me", Files.readString(victim));
        assertTrue(Files.isRegularFile(next, LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of(next.getFileName().toString()), names(dir), "the link went like the file it replaced");
    }

    @Test
    void anOldFileDeletedBehindOurBackIsReplacedByANewOne() throws Exception {
        Path dir = tmp.resolve("gone");
        RequestProfiling profiling = keeping(dir, 2);
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            written.add(serve(profiling, "/r" + i, 2).file().orElseThrow());
        }
        Files.delete(written.get(0));
        RequestProfile p = serve(profiling, "/after", 2);
        Path file = p.file().orElseThrow();
        assertArrayEquals(freshDump(p.stats(), file.getFileName().toString()), Files.readAllBytes(file));
        assertEquals(List.of(written.get(1).getFileName().toString(), file.getFileName().toString()).stream()
                .sorted().collect(Collectors.toList()), names(dir));
    }

    @Test
    void inADirectoryOthersMayWriteFilesAreOnlyEverCreated() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
        RequestProfiling profiling = keeping(dir, 1);
        Path first = serve(profiling, "/first", 3).file().orElseThrow();
        Object firstInode = inode(first);
        Path next = serve(profiling, "/next", 1).file().orElseThrow(); // created while the old one still exists
        assertNotEquals(firstInode, inode(next), "a group member could swap a link in between the checks and the write");
        assertEquals(List.of(next.getFileName().toString()), names(dir));
    }
}
