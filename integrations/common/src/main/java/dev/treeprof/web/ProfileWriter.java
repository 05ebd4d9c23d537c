package dev.treeprof.web;

import dev.treeprof.Stats;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes one request's profile to a file. The default, {@link #dumpStats()}, lets the file's
 * extension choose the format ({@code .prof}, {@code .json}, ...); a custom writer can produce
 * anything else. The file given is a temporary sibling of the final name that keeps its
 * extension; {@link RequestProfiling} gives it its final name once written, so readers never see
 * a half-written profile.
 */
@FunctionalInterface
public interface ProfileWriter {

    /**
     * Writes the profile.
     *
     * @throws IOException when the file cannot be written; it is logged, never passed to the request
     */
    void write(Stats stats, Path file) throws IOException;

    /**
     * The default writer: the extension picks the format, as for {@link Stats#dumpStats(Path)}:
     * {@code .prof}, {@code .json}, {@code .speedscope.json}, {@code .trace.json},
     * {@code .folded}/{@code .collapsed}, {@code .pb.gz}/{@code .pprof} (pprof).
     */
    static ProfileWriter dumpStats() {
        return DumpStatsWriter.INSTANCE;
    }
}
