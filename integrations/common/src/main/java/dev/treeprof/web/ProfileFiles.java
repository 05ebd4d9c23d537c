package dev.treeprof.web;

import dev.treeprof.Stats;
import dev.treeprof.web.internal.Warnings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes request profiles into the profile directory: through a temporary sibling (so no reader
 * sees half a file), placed under its safe name without ever replacing an existing file, then
 * trimmed to the retention bounds. With the default writer a file costs five system calls: create
 * the temporary file, one write, close, link it under its name and unlink the temporary name; once
 * the directory is full, the oldest file is not deleted but renamed to the temporary name and
 * written over ({@link FileReuse}), which costs a few more calls but far less than creating a file.
 * The directory is checked only for the first file and after a failure. Files get the process's normal permissions (the umask
 * applies), like Python's.
 */
final class ProfileFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RequestProfiling.class);
    private static final String TEMP_PREFIX = ".treeprof-";
    /** Tries at a free name before giving up; each collision draws a new random suffix. */
    private static final int MAX_NAME_TRIES = 16;

    private final Path dir;
    private final ProfilerOptions options;
    private final FileRetention retention;
    private final Warnings failures = new Warnings(LOG);
    /**
     * Whether the directory was found (or made) and nothing failed since: then a file is written
     * without asking the file system about the directory first. Any failure clears it.
     */
    private volatile boolean directoryReady;
    /** Whether the directory is one where old files may be rewritten ({@link FileReuse#allowedIn}); checked with it. */
    private volatile boolean reuseAllowed;

    ProfileFiles(Path dir, ProfilerOptions options) {
        this.dir = dir;
        this.options = options;
        this.retention = new FileRetention(dir, options.maxFiles(), options.maxTotalBytes(),
                options.fileNameFormat().ownNames());
    }

    /** Writes the profile's file and records where it went, or why not. Never throws. */
    void write(RequestProfile profile, RequestInfo request, Stats stats) {
        try {
            Path file = writeFile(request, stats);
            profile.written(file);
            if (failures.recovered()) {
                LOG.info("treeprof writes profiles to {} again", dir);
            }
        } catch (IOException | RuntimeException e) {
            profile.failed(e.toString());
            failures.failed("could not write the profile of " + request + " to " + dir + ": " + e, e);
        }
    }

    private Path writeFile(RequestInfo request, Stats stats) throws IOException {
        if (!directoryReady) {
            prepareDirectory();
            directoryReady = true;
        }
        String name = options.fileNameFormat().fileName(request);
        Path target = SafeFileNames.resolveInside(dir, name);
        // The temporary name keeps the final name's extension, which picks the dump format; the
        // name was checked to be a plain file name of the directory, and the prefix is plain too.
        Path temp = target.resolveSibling(TEMP_PREFIX + randomHex() + "-" + name);
        try {
            long size;
            try {
                size = writeTemp(stats, temp);
            } catch (IOException e) {
                if (Files.isDirectory(dir)) {
                    throw e;
                }
                // The directory went away since it was checked (deleted while serving, or replaced):
                // make it again and write once more, or fail saying what is wrong with it.
                directoryReady = false;
                deleteTemp(temp);
                prepareDirectory();
                directoryReady = true;
                size = writeTemp(stats, temp);
            }
            Path placed = place(temp, target);
            retention.written(placed, size);
            return placed;
        } catch (IOException | RuntimeException e) {
            directoryReady = false; // check the directory again before the next file: the failure may be its own
            throw e;
        } finally {
            deleteTemp(temp);
        }
    }

    /**
     * Removes a temporary name (the file lives on under its final name once linked, or was never
     * finished), logging a failure at debug level. One {@code unlink}: {@link Files#deleteIfExists}
     * would first {@code lstat} the name as well.
     */
    static void deleteTemp(Path temp) {
        try {
            delete(temp);
        } catch (IOException | RuntimeException e) {
            LOG.debug("treeprof could not delete {}: {}", temp, e.toString());
        }
    }

    /**
     * Deletes a file if it exists, with a single {@code unlink} on the default file system
     * ({@link Files#deleteIfExists} asks {@code lstat} first); only a failed unlink of a name that
     * is still there asks the file system again, for the reason to report.
     */
    static void delete(Path file) throws IOException {
        if (file.getFileSystem() == FileSystems.getDefault() && file.toFile().delete()) {
            return;
        }
        Files.deleteIfExists(file);
    }

    /**
     * Writes the temporary file; its size in bytes. The default writer's dump goes into the file
     * retention retires for it when the directory is full ({@link FileReuse}), else into a new file.
     */
    private long writeTemp(Stats stats, Path temp) throws IOException {
        ProfileWriter writer = options.profileWriter();
        if (!(writer instanceof DumpStatsWriter)) {
            writer.write(stats, temp);
            return Files.size(temp);
        }
        ByteArrayOutputStream bytes = DumpStatsWriter.marshal(stats, temp.getFileName().toString());
        FileRetention.Retired retired = reuseAllowed ? retention.retireEldest() : null;
        if (retired != null) {
            FileReuse.Outcome outcome = FileReuse.rewrite(retired.path(), temp, bytes);
            if (outcome == FileReuse.Outcome.REUSED) {
                return bytes.size();
            }
            if (outcome == FileReuse.Outcome.IN_PLACE) {
                retention.restore(retired); // deleted after the new file is placed, as without reuse
            }
        }
        DumpStatsWriter.writeNew(bytes, temp);
        return bytes.size();
    }

    /** Creates the directory if needed; a failure names its real cause and the directory configured. */
    private void prepareDirectory() throws IOException {
        reuseAllowed = false;
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (FileAlreadyExistsException e) {
                throw new IOException("profile directory " + dir + " is not a directory", e);
            } catch (java.nio.file.AccessDeniedException e) {
                throw new IOException("profile directory " + dir + " cannot be created: permission denied", e);
            }
        }
        reuseAllowed = FileReuse.allowedIn(dir);
    }

    /**
     * Gives the written file its name without replacing anything: a hard link is created only if
     * the name is free (atomically); where links are not supported, a move without replacement.
     * Two requests whose paths clean to the same name in the same second get different suffixes.
     */
    private Path place(Path temp, Path target) throws IOException {
        String name = target.getFileName().toString();
        // Under load many requests share a name (same path, same rounded time and elapsed): a
        // name known to be one of our files goes straight to a suffix, without the failed link
        // and the exception (with its stack trace) that would tell so.
        int first = retention.holds(target) ? 1 : 0;
        for (int attempt = first; attempt < MAX_NAME_TRIES + first; attempt++) {
            Path candidate = attempt == 0 ? target
                    : SafeFileNames.resolveInside(dir, SafeFileNames.withUniqueSuffix(name, randomHex().substring(0, 6)));
            try {
                try {
                    Files.createLink(candidate, temp);
                } catch (FileAlreadyExistsException e) {
                    throw e;
                } catch (UnsupportedOperationException | FileSystemException e) {
                    Files.move(temp, candidate); // no REPLACE_EXISTING: fails if the name is taken
                }
                return candidate;
            } catch (FileAlreadyExistsException e) {
                // taken: try another suffix
            }
        }
        throw new FileAlreadyExistsException(target.toString(), null,
                "no free name after " + MAX_NAME_TRIES + " tries");
    }

    private static String randomHex() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }
}
