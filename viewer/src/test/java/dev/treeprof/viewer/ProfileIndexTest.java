package dev.treeprof.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.Stats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index's own work: one load per file however many ask at once, one listing per version. */
class ProfileIndexTest {

    @TempDir
    Path tmp;

    @Test
    void aFileAskedForWhileItIsBeingLoadedIsLoadedOnceAndGetsItsSummary() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        // a named pipe holds the first load inside Stats.load until the test writes the profile
        Path pipe = dir.resolve("slow.json");
        Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo");
        Path source = tmp.resolve("orders.json");
        Fixtures.write(Fixtures.ordersB(), source);
        ExecutorService two = Executors.newFixedThreadPool(2); // not the common pool: one thread on two cores
        try (ProfileIndex index = new ProfileIndex(List.of(dir))) {
            ProfileIndex.Entry e = new ProfileIndex.Entry("0/slow.json", "slow.json", pipe, 0, 0, 0);
            CompletableFuture<Stats> first = CompletableFuture.supplyAsync(() -> load(index, e, pipe), two);
            while (index.waitingFor(e) < 0) {
                Thread.sleep(5); // until the first load is under way (blocked on the empty pipe)
            }
            CompletableFuture<Stats> second = CompletableFuture.supplyAsync(() -> load(index, e, pipe), two);
            while (index.waitingFor(e) < 1) {
                Thread.sleep(5); // until the second asker waits for it
            }
            Files.write(pipe, Files.readAllBytes(source));
            Stats a = first.get(30, TimeUnit.SECONDS);
            Stats b = second.get(30, TimeUnit.SECONDS);
            assertSame(a, b, "the second asker got the first load's stats");
            assertEquals("/orders/2", e.summary.path, "the load made the entry's summary");
            assertFalse(e.pending());
            assertEquals(-1, index.waitingFor(e), "nothing left under way");
        } finally {
            two.shutdownNow();
        }
    }

    private static Stats load(ProfileIndex index, ProfileIndex.Entry e, Path file) {
        try {
            return index.load(e, file);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void theListingIsWrittenOncePerVersion() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("l"));
        Fixtures.write(Fixtures.ordersA(), dir.resolve("GET.orders.1.json"));
        try (ProfileIndex index = new ProfileIndex(List.of(dir))) {
            index.refresh(0);
            byte[] one = waitComplete(index);
            assertSame(one, index.listJson(), "unchanged index, same bytes");
            Fixtures.write(Fixtures.ordersB(), dir.resolve("GET.orders.2.json"));
            index.refresh(0);
            byte[] two = waitComplete(index);
            assertNotSame(one, two);
            String text = new String(two, StandardCharsets.UTF_8);
            assertTrue(text.contains("\"name\":\"GET.orders.2.json\"") && text.contains("\"version\":" + index.version()), text);
        }
    }

    private static byte[] waitComplete(ProfileIndex index) throws Exception {
        for (int i = 0; i < 300; i++) {
            // complete, and the loader's last version bump (just after its summary) is done
            long v = index.version();
            if (index.complete()) {
                Thread.sleep(100);
                if (index.version() == v) {
                    return index.listJson();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the index never completed");
    }
}
