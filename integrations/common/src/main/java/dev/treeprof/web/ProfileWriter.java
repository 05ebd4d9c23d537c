package dev.treeprof.web;

import dev.treeprof.Stats;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
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
        return (stats, file) -> {
            String format = formatOf(file.getFileName().toString());
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                stats.dumpStats(out, format);
            }
        };
    }

    /** The dump format the file name's extension asks for. */
    private static String formatOf(String name) {
        String format = SafeFileNames.dumpFormat(name);
        if (format == null) {
            throw new IllegalArgumentException("no dump format for " + name + ": use .prof, .json, .speedscope.json, "
                    + ".trace.json, .folded, .collapsed, .pb.gz or .pprof");
        }
        return format;
    }
}
