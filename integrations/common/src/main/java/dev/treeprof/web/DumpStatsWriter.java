package dev.treeprof.web;

import dev.treeprof.Stats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The default {@link ProfileWriter}: the dump format chosen by the file's extension. A request's
 * profile is small (a few hundred bytes for a handful of functions), so it is marshalled in
 * memory first and written with one {@code write} to a file created new ({@code O_EXCL}: a name
 * that exists already, even as a link, is never opened): one open, one write and one close per
 * file, and no 64 KiB stream buffer allocated and cleared per file.
 */
final class DumpStatsWriter implements ProfileWriter {

    static final DumpStatsWriter INSTANCE = new DumpStatsWriter();

    /** The first size of the in-memory buffer; it grows for larger profiles. */
    private static final int INITIAL_BYTES = 2048;

    private DumpStatsWriter() {
    }

    @Override
    public void write(Stats stats, Path file) throws IOException {
        writeNew(marshal(stats, file.getFileName().toString()), file);
    }

    /** The profile's dump, in the format the file name's extension asks for. */
    static ByteArrayOutputStream marshal(Stats stats, String fileName) throws IOException {
        String format = formatOf(fileName);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(INITIAL_BYTES);
        stats.dumpStats(bytes, format);
        return bytes;
    }

    /** Writes a marshalled dump to a file created new. */
    static void writeNew(ByteArrayOutputStream bytes, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            bytes.writeTo(out); // the buffer itself, no copy
        }
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

    @Override
    public String toString() {
        return "ProfileWriter.dumpStats()";
    }
}
