package dev.treeprof.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.impl.stats.StatsTable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RecentProfilesTest {

    private final AtomicLong nanos = new AtomicLong(1_000);

    private static RequestProfile profile(long seq) {
        RequestInfo r = RequestInfo.of("GET", "/r" + seq).finished(200, 1, List.of());
        return new RequestProfile(Long.toString(seq), seq, r, StatsTable.empty(), null, null);
    }

    private static List<String> ids(RecentProfiles recent) {
        return recent.list().stream().map(RequestProfile::id).collect(Collectors.toList());
    }

    @Test
    void keepsExactlyTheLastN() {
        RecentProfiles recent = new RecentProfiles(5, Duration.ofHours(1), nanos::get);
        for (long i = 1; i <= 50; i++) {
            recent.add(profile(i));
            assertTrue(recent.size() <= 5);
        }
        assertEquals(List.of("50", "49", "48", "47", "46"), ids(recent));
        assertEquals(Optional.empty(), recent.get("45"));
        assertEquals("/r48", recent.get("48").orElseThrow().request().path());
        assertEquals(Optional.empty(), recent.get(null));
        recent.clear();
        assertEquals(0, recent.size());
        assertEquals(List.of(), recent.list());
    }

    @Test
    void dropsProfilesPastTheirAge() {
        RecentProfiles recent = new RecentProfiles(10, Duration.ofSeconds(60), nanos::get);
        recent.add(profile(1));
        nanos.addAndGet(Duration.ofSeconds(40).toNanos());
        recent.add(profile(2));
        assertEquals(List.of("2", "1"), ids(recent));
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        assertEquals(List.of("2"), ids(recent));
        assertEquals(Optional.empty(), recent.get("1"));
        assertEquals(1, recent.size());
        nanos.addAndGet(Duration.ofSeconds(31).toNanos());
        assertEquals(List.of(), ids(recent));
        assertEquals(0, recent.size());
    }

    @Test
    void capacityZeroKeepsNothing() {
        RecentProfiles recent = new RecentProfiles(0, Duration.ofSeconds(60), nanos::get);
        recent.add(profile(1));
        assertEquals(0, recent.size());
        assertEquals(Optional.empty(), recent.get("1"));
    }

    @Test
    void versionChangesExactlyWhenTheListDoes() {
        RecentProfiles recent = new RecentProfiles(2, Duration.ofSeconds(60), nanos::get);
        long v0 = recent.version();
        assertEquals(v0, recent.version(), "reading it changes nothing");
        recent.add(profile(1));
        long v1 = recent.version();
        assertNotEquals(v0, v1);
        recent.list();
        recent.size();
        assertEquals(v1, recent.version(), "listing changes nothing");
        recent.add(profile(2));
        recent.add(profile(3)); // replaces 1
        long v3 = recent.version();
        assertNotEquals(v1, v3);
        assertEquals(List.of("3", "2"), ids(recent));
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        assertEquals(v3, recent.version(), "age is noticed by size(), list() or get()");
        assertEquals(0, recent.size());
        long expired = recent.version();
        assertNotEquals(v3, expired);
        recent.size();
        assertEquals(expired, recent.version(), "a released profile is counted once");
        recent.add(profile(4));
        long v4 = recent.version();
        recent.clear();
        assertNotEquals(v4, recent.version());
        long cleared = recent.version();
        recent.clear();
        assertEquals(cleared, recent.version(), "clearing nothing changes nothing");
    }

    @Test
    void aVersionReadBeforeListingNeverHidesAProfile() throws Exception {
        // a poller's order: version, then list; whenever a later version equals it, the list it
        // took holds every profile added so far
        RecentProfiles recent = new RecentProfiles(1000, Duration.ofHours(1), nanos::get);
        Thread writer = new Thread(() -> {
            for (long i = 1; i <= 1000; i++) {
                recent.add(profile(i));
            }
        });
        writer.start();
        long version = -1;
        List<String> seen = List.of();
        while (writer.isAlive() || version != recent.version()) {
            long v = recent.version();
            if (v != version) {
                version = v;
                seen = ids(recent);
            }
        }
        writer.join();
        assertEquals(version, recent.version());
        assertEquals(1000, seen.size(), "the last list taken for the final version holds every profile");
    }
}
