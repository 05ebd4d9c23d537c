package dev.treeprof.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProfilerOptionsTest {

    @Test
    void defaultsAreWerkzeugs() {
        ProfilerOptions o = ProfilerOptions.defaults();
        assertEquals(List.of("tottime", "calls"), o.sortBy());
        assertEquals(List.of(), o.restrictions());
        assertEquals(Optional.empty(), o.profileDir());
        assertEquals(1.0, o.sampleRate());
        assertEquals(ProfilerOptions.DEFAULT_MAX_FILES, o.maxFiles());
        assertEquals(ProfilerOptions.DEFAULT_MAX_TOTAL_BYTES, o.maxTotalBytes());
        assertEquals(100, o.recentCapacity());
        assertEquals(Duration.ofHours(1), o.recentMaxAge());
        assertTrue(o.outputEnabled());
        assertEquals(ProfilerOptions.DEFAULT_FILENAME_FORMAT, o.fileNameFormat().toString());
    }

    @Test
    void settersKeepValues() {
        ProfilerOptions o = ProfilerOptions.builder().sortBy("cumulative").restrictions("db", 10, 0.5)
                .profileDir(Path.of("p")).sampleRate(0.25).maxFiles(3).maxTotalBytes(4096).recentCapacity(0)
                .recentMaxAge(Duration.ofSeconds(5)).noOutput().build();
        assertEquals(List.of("cumulative"), o.sortBy());
        assertEquals(List.of("db", 10, 0.5), o.restrictions());
        assertEquals(Optional.of(Path.of("p")), o.profileDir());
        assertEquals(0.25, o.sampleRate());
        assertEquals(3, o.maxFiles());
        assertEquals(4096, o.maxTotalBytes());
        assertEquals(0, o.recentCapacity());
        assertEquals(Duration.ofSeconds(5), o.recentMaxAge());
        assertTrue(!o.outputEnabled());
        assertTrue(o.toString().contains("sortBy=[cumulative]"), o.toString());
    }

    @Test
    void badValuesFailAtConfiguration() {
        ProfilerOptions.Builder b = ProfilerOptions.builder();
        assertThrows(IllegalArgumentException.class, () -> b.sortBy("cum"));
        assertThrows(IllegalArgumentException.class, () -> b.sortBy("bogus"));
        assertThrows(IllegalArgumentException.class, () -> b.restrictions(new Object()));
        assertThrows(NullPointerException.class, () -> b.restrictions((Object) null));
        assertThrows(IllegalArgumentException.class, () -> b.filenameFormat("{method}.{nope}.prof"));
        assertThrows(IllegalArgumentException.class, () -> b.sampleRate(-0.1));
        assertThrows(IllegalArgumentException.class, () -> b.sampleRate(1.01));
        assertThrows(IllegalArgumentException.class, () -> b.sampleRate(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> b.maxFiles(0));
        assertThrows(IllegalArgumentException.class, () -> b.maxTotalBytes(0));
        assertThrows(IllegalArgumentException.class, () -> b.recentCapacity(-1));
        assertThrows(IllegalArgumentException.class, () -> b.recentMaxAge(Duration.ZERO));
        assertThrows(NullPointerException.class, () -> b.stream(null));
        assertThrows(NullPointerException.class, () -> b.logger(null));
        assertThrows(NullPointerException.class, () -> b.executor(null));
        // A failed setter leaves the earlier value in place.
        assertEquals(List.of("tottime", "calls"), b.build().sortBy());
    }
}
