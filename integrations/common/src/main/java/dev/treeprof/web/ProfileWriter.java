package dev.treeprof.web;

import dev.treeprof.impl.stats.StatsTable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes one request's profile to a file. The default, {@link #dumpStats()}, lets the file's
 * extension choose the format ({@code .prof}, {@code .json}, ...); a custom writer can produce
 * anything else. The file given is a temporary sibling of the final name that keeps its
 * extension; {@link RequestProfiling} moves it into place once written, so readers never see a
 * half-written profile.
 */
@FunctionalInterface
public interface ProfileWriter {

    /**
     * Writes the profile.
     *
     * @throws IOException when the file cannot be written; it is logged, never passed to the request
     */
    void write(StatsTable stats, Path file) throws IOException;

    /** The default writer: {@link StatsTable#dumpStats(Path)}, choosing the format by extension. */
    static ProfileWriter dumpStats() {
        return StatsTable::dumpStats;
    }
}
