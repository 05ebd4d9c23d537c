package dev.treeprof.impl.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.treeprof.impl.stats.StatsTable;
import dev.treeprof.impl.stats.StatsWriter;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes stats to files and loads them back: the format of a dump follows the file's extension
 * (see {@link DumpFormat}), the format of a load follows the file's content.
 *
 * <pre>{@code
 * Dumps.write(stats, Path.of("GET.orders.prof"));            // snakeviz, gprof2dot, pstats
 * Dumps.write(stats, Path.of("GET.orders.speedscope.json"));  // speedscope
 * StatsTable all = Dumps.loadDirectory(Path.of("profiles"), "GET.*.prof");
 * }</pre>
 *
 * <p>Loading is all or nothing: a bad file raises a {@link BadDumpException} naming the file and
 * the place, and nothing of the other files is returned. Files larger than {@value #MAX_FILE_BYTES}
 * bytes are refused.
 */
public final class Dumps {

    /** Largest file the loaders accept. */
    public static final long MAX_FILE_BYTES = 256L << 20;

    /** JSON limits far above what treeprof writes (nesting depth 5) and far below what hurts. */
    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64)
                    .maxNumberLength(64)
                    .maxStringLength(1 << 20)
                    .maxDocumentLength(MAX_FILE_BYTES)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};

    /** This file layer as the writer of the tables it loads and the recorder makes. */
    public static final StatsWriter WRITER = new StatsWriter() {
        @Override
        public void write(StatsTable stats, Path file) throws IOException {
            Dumps.write(stats, file);
        }

        @Override
        public void write(StatsTable stats, OutputStream out, String format) throws IOException {
            DumpFormat f = DumpFormat.forName(format);
            if (f == null) {
                throw new IllegalArgumentException("unknown dump format '" + format
                        + "': use prof, json, speedscope, trace, folded or pprof");
            }
            Dumps.write(stats, out, f);
            out.flush();
        }
    };

    private Dumps() {
    }

    /**
     * Writes the stats in the format the file name asks for. The file is written to a temporary
     * file beside it and then moved into place, so a reader never sees half a dump.
     *
     * @throws IllegalArgumentException for an unknown extension, for an empty table written as
     *     {@code .prof} (pstats cannot load one), or for a drawing format when the stats have no
     *     call trees (e.g. loaded from a {@code .prof} file)
     * @throws IOException when the file cannot be written
     */
    public static void write(StatsTable stats, Path file) throws IOException {
        DumpFormat format = DumpFormat.forFileName(file);
        if (format == null) {
            throw new IllegalArgumentException("no dump format for " + file + ": use .prof, .json, .speedscope.json, "
                    + ".trace.json, .folded, .collapsed or .pb.gz");
        }
        write(stats, file, format);
    }

    /**
     * Writes the stats in the given format, whatever the file's name; see {@link #write(StatsTable, Path)}.
     * The file gets the process's normal permissions for new files (the umask applies), as
     * Python's dumps do.
     *
     * @throws IOException naming the path as given and the cause: the directory does not exist,
     *     is not a directory, or is not writable; the target is a directory; or the write failed
     */
    public static void write(StatsTable stats, Path file, DumpFormat format) throws IOException {
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(format, "format");
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || target.getFileName() == null) {
            throw new IllegalArgumentException("not a file name: " + file);
        }
        if (Files.isDirectory(target)) {
            throw new IOException(file + ": cannot write: it is a directory");
        }
        Path tmp = createTemporary(file, dir, target.getFileName().toString());
        boolean done = false;
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
                // write(stats, out, format) buffers what needs it
                write(stats, out, format);
            } catch (IOException e) {
                // the file system's message names the temporary file: name the user's file instead
                throw new IOException(file + ": cannot write: " + reason(e), e);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Creates the hidden file a dump is written to before it is moved into place. Created like any
     * new file (mode 0666 less the umask), not with {@link Files#createTempFile}'s 0600.
     */
    private static Path createTemporary(Path file, Path dir, String name) throws IOException {
        // a short prefix: the temporary name must stay within file name limits
        String prefix = "." + (name.length() > 64 ? name.substring(0, 64) : name) + ".";
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(prefix + Long.toUnsignedString(TEMP_NAMES.nextLong(), 36) + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw new IOException(file + ": cannot write: no free temporary name in " + shown(file, dir), e);
                }
            } catch (IOException e) {
                throw new IOException(file + ": cannot write: " + whyNotWritable(file, dir, e), e);
            }
        }
    }

    private static final java.security.SecureRandom TEMP_NAMES = new java.security.SecureRandom();

    /** The directory as the user wrote it when the path has one, else the absolute one. */
    private static Path shown(Path file, Path absoluteDir) {
        Path given = file.getParent();
        return given != null ? given : absoluteDir;
    }

    /** Why no file can be created in {@code dir}, in the user's terms (the path as given). */
    private static String whyNotWritable(Path file, Path dir, IOException e) {
        Path shownDir = shown(file, dir);
        if (Files.isDirectory(dir)) {
            return "directory " + shownDir + " is not writable";
        }
        if (Files.exists(dir)) {
            return shownDir + " is not a directory";
        }
        // the deepest existing ancestor: a regular file there is the real cause
        for (Path p = shownDir.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    return p + " is not a directory";
                }
                break;
            }
        }
        return "directory " + shownDir + " does not exist";
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException) {
            String r = ((java.nio.file.FileSystemException) e).getReason();
            if (r != null) {
                return r;
            }
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /**
     * Writes the stats to a stream in the given format (e.g. an HTTP response); the stream is
     * flushed, not closed.
     */
    public static void write(StatsTable stats, OutputStream target, DumpFormat format) throws IOException {
        Objects.requireNonNull(stats, "stats");
        // the marshal and JSON writers buffer themselves (sized to the profile: a request's is a
        // few hundred bytes); the others write a few bytes at a time
        boolean selfBuffered = format == DumpFormat.PROF || format == DumpFormat.JSON;
        OutputStream out = selfBuffered || target instanceof BufferedOutputStream
                || target instanceof ByteArrayOutputStream ? target : new BufferedOutputStream(target, 1 << 16);
        switch (format) {
            case PROF:
                ProfWriter.write(stats, out);
                break;
            case JSON:
                JsonDumpWriter.write(stats, out, JSON);
                break;
            case SPEEDSCOPE:
                Exports.speedscope(stats, out, JSON);
                break;
            case CHROME_TRACE:
                Exports.chromeTrace(stats, out, JSON);
                break;
            case FOLDED:
                Exports.folded(stats, out);
                break;
            case PPROF:
                PprofWriter.write(stats, out);
                break;
            default:
                throw new AssertionError(format);
        }
        out.flush();
    }

    /**
     * Loads each file (a Python {@code .prof}, whether from cProfile or treeprof, treeprof JSON
     * or a pprof profile, told apart by content) and merges them as pstats' {@code add} does. Each loaded file
     * contributes the line pstats prints for it ({@code ctime(mtime) + "    " + path}). No files
     * give empty stats.
     *
     * @throws BadDumpException for a file that is not a loadable profile; nothing is merged then
     * @throws IOException when a file cannot be read
     */
    public static StatsTable load(Path... files) throws IOException {
        List<StatsTable> loaded = new ArrayList<>(files.length);
        for (Path f : files) {
            loaded.add(read(f));
        }
        return merge(loaded);
    }

    /**
     * Loads and merges every regular file in {@code dir} whose name matches the glob (e.g.
     * {@code "GET.*.prof"}; syntax of {@link java.nio.file.FileSystem#getPathMatcher}), in name
     * order. Hidden files (leading dot, such as the temporary files of a dump being written) are
     * skipped unless the glob itself starts with a dot.
     *
     * @throws IOException when the directory cannot be listed or no file matches
     * @throws BadDumpException for a matching file that is not a loadable profile
     */
    public static StatsTable loadDirectory(Path dir, String glob) throws IOException {
        return load(list(dir, glob).toArray(new Path[0]));
    }

    /** The files {@link #loadDirectory} would load, in name order. */
    public static List<Path> list(Path dir, String glob) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
        }
        PathMatcher m;
        try {
            m = dir.getFileSystem().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad file pattern '" + glob + "': " + e.getMessage(), e);
        }
        boolean hidden = glob.startsWith(".");
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Path name = p.getFileName();
                if (name != null && m.matches(name) && (hidden || !name.toString().startsWith("."))
                        && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        if (files.isEmpty()) {
            throw new IOException(dir + ": no file matches '" + glob + "'");
        }
        files.sort(null);
        return files;
    }

    /**
     * Loads one file, chosen by content.
     *
     * @throws BadDumpException when it is not a loadable profile
     * @throws IOException when it cannot be read
     */
    public static StatsTable read(Path file) throws IOException {
        return readFile(file).withWriter(WRITER);
    }

    private static StatsTable readFile(Path file) throws IOException {
        String name = file.toString();
        byte[] data;
        FileTime mtime;
        try {
            if (Files.isDirectory(file)) {
                throw new IOException(name + ": is a directory");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new BadDumpException(name, null, "file of " + size + " bytes is larger than the "
                        + MAX_FILE_BYTES + " bytes treeprof loads");
            }
            mtime = Files.getLastModifiedTime(file);
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(name + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IOException(name + ": permission denied", e);
        }
        if (data.length > MAX_FILE_BYTES) {
            throw new BadDumpException(name, null, "file is larger than the " + MAX_FILE_BYTES + " bytes treeprof loads");
        }
        String header = fileHeader(mtime, name);
        if (ProfReader.looksLikeProf(data, data.length)) {
            ProfReader.Loaded loaded = ProfReader.read(data, name);
            data = null; // the file's bytes are not needed while the table is built from the rows
            return StatsTable.fromRows(loaded.rows, List.of(header), loaded.callerCounts);
        }
        return parse(data, name).withFileHeaders(List.of(header));
    }

    /** Parses a dump held in memory, chosen by content; {@code name} is used in error messages. */
    static StatsTable parse(byte[] data, String name) throws IOException {
        if (data.length == 0) {
            throw new BadDumpException(name, null, "the file is empty");
        }
        if (PprofReader.isGzip(data)) {
            return PprofReader.read(data, name);
        }
        if (ProfReader.looksLikeProf(data, data.length)) {
            ProfReader.Loaded loaded = ProfReader.read(data, name);
            return StatsTable.fromRows(loaded.rows, List.of(), loaded.callerCounts);
        }
        int i = 0;
        if (data.length >= 3 && (data[0] & 0xFF) == 0xEF && (data[1] & 0xFF) == 0xBB && (data[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        while (i < data.length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r')) {
            i++;
        }
        if (i < data.length && (data[i] == '{' || data[i] == '[')) {
            try (InputStream in = new ByteArrayInputStream(data)) {
                return JsonDumpReader.read(in, name, JSON);
            }
        }
        if (i == data.length) {
            throw new BadDumpException(name, null, "the file holds only white space");
        }
        if (PprofReader.looksLikeRawProto(data)) {
            return PprofReader.read(data, name);
        }
        StringBuilder head = new StringBuilder();
        for (int k = 0; k < Math.min(8, data.length); k++) {
            head.append(String.format("%02x", data[k] & 0xFF));
        }
        throw new BadDumpException(name, "byte offset 0", "not a profile treeprof can load (neither a Python .prof "
                + "marshal dict, treeprof JSON nor pprof; folded, speedscope and trace files can be written, not loaded); "
                + "first bytes: " + head);
    }

    /** Merges loaded stats as pstats' {@code add}; no stats give an empty table. */
    static StatsTable merge(List<StatsTable> all) {
        if (all.isEmpty()) {
            return StatsTable.empty().withWriter(WRITER);
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        return (StatsTable) all.get(0).add(all.subList(1, all.size()).toArray(new StatsTable[0]));
    }

    /** pstats' line for a loaded file: {@code time.ctime(st_mtime) + "    " + path}, local time. */
    static String fileHeader(FileTime mtime, String path) {
        LocalDateTime t = LocalDateTime.ofInstant(mtime.toInstant(), ZoneId.systemDefault());
        String day = Integer.toString(t.getDayOfMonth());
        return String.format(java.util.Locale.ROOT, "%s %s %2s %02d:%02d:%02d %d    %s",
                DAYS[t.getDayOfWeek().getValue() - 1], MONTHS[t.getMonthValue() - 1], day, t.getHour(),
                t.getMinute(), t.getSecond(), t.getYear(), path);
    }
}
