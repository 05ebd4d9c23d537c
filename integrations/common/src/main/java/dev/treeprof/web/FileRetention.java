package dev.treeprof.web;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the profile directory within a number of files and bytes by deleting the oldest of
 * <em>our</em> files: those this instance wrote, plus, found once on first use, files of an
 * earlier run whose names match the file-name format, when that format carries both
 * {@code {elapsed}} and {@code {time}} (as the default does; a looser one could match files that
 * are not ours). No other file is ever touched. The newest
 * file is always kept, even when it alone is over the byte budget, so a profile just taken can
 * be read.
 */
final class FileRetention {

    private static final Logger LOG = LoggerFactory.getLogger(FileRetention.class);

    private final Path dir;
    private final int maxFiles;
    private final long maxBytes;
    private final Pattern ownNames;
    /** Our files, oldest first, with their sizes. */
    private final LinkedHashMap<Path, Long> files = new LinkedHashMap<>();
    /** Those of them found from an earlier run: deleted when their turn comes, never reused. */
    private final java.util.Set<Path> adopted = new java.util.HashSet<>();
    private long totalBytes;
    private boolean scanned;

    private final dev.treeprof.web.internal.Warnings deleteFailures = new dev.treeprof.web.internal.Warnings(LOG);

    FileRetention(Path dir, int maxFiles, long maxBytes, Pattern ownNames) {
        this.dir = dir;
        this.maxFiles = maxFiles;
        this.maxBytes = maxBytes;
        this.ownNames = ownNames;
    }

    /** Records a file just written (replacing an older one of the same name) and deletes what is over budget. */
    synchronized void written(Path file, long size) {
        scanOnce(file);
        Long old = files.remove(file);
        if (old != null) {
            totalBytes -= old;
        }
        adopted.remove(file);
        files.put(file, size);
        totalBytes += size;
        Iterator<Map.Entry<Path, Long>> it = files.entrySet().iterator();
        while ((files.size() > maxFiles || totalBytes > maxBytes) && files.size() > 1) {
            Map.Entry<Path, Long> eldest = it.next();
            it.remove();
            totalBytes -= eldest.getValue();
            adopted.remove(eldest.getKey());
            delete(eldest.getKey());
        }
    }

    /**
     * The file the next {@link #written} would delete whatever its size (the directory is at its
     * file count or byte budget), taken out of the retained files so the writer can reuse it
     * ({@link FileReuse}); null while there is room, or when the eldest is a file of an earlier
     * run (it may belong to another user or carry other permissions: it is deleted as before). A
     * file the writer could not reuse and left in place goes back with {@link #restore}.
     */
    synchronized Retired retireEldest() {
        scanOnce(null);
        if (files.isEmpty() || (files.size() < maxFiles && totalBytes < maxBytes)) {
            return null;
        }
        Iterator<Map.Entry<Path, Long>> it = files.entrySet().iterator();
        Map.Entry<Path, Long> eldest = it.next();
        if (adopted.contains(eldest.getKey())) {
            return null;
        }
        it.remove();
        totalBytes -= eldest.getValue();
        return new Retired(eldest.getKey(), eldest.getValue());
    }

    /** Puts back, as the eldest again, a retired file that is still in place (not reused). */
    synchronized void restore(Retired retired) {
        if (files.containsKey(retired.path())) {
            return;
        }
        LinkedHashMap<Path, Long> again = new LinkedHashMap<>();
        again.put(retired.path(), retired.size());
        again.putAll(files);
        files.clear();
        files.putAll(again);
        totalBytes += retired.size();
    }

    /** Whether this name is one of the retained files (so a new file cannot take it). */
    synchronized boolean holds(Path file) {
        return files.containsKey(file);
    }

    /** A file taken out of the retained files for reuse, with the size it was counted at. */
    record Retired(Path path, long size) {
    }

    private void scanOnce(Path justWritten) {
        if (!scanned) {
            scanned = true;
            adoptEarlierFiles(justWritten);
        }
    }

    /** Deletes an old profile, with one {@code unlink} as a rule. */
    private void delete(Path file) {
        try {
            ProfileFiles.delete(file);
        } catch (IOException | RuntimeException e) {
            deleteFailures.failed("could not delete old profile " + file, e);
        }
    }

    synchronized int fileCount() {
        return files.size();
    }

    synchronized long totalBytes() {
        return totalBytes;
    }

    private void adoptEarlierFiles(Path justWritten) {
        if (ownNames == null) {
            return;
        }
        List<Found> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (p.equals(justWritten) || name.startsWith(".") || !(ownNames.matcher(name).matches() || ownNames.matcher(SafeFileNames.withoutUniqueSuffix(name)).matches())) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile()) {
                    found.add(new Found(p, a.lastModifiedTime().toMillis(), a.size()));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("treeprof could not list {} for profile retention: {}", dir, e.toString());
            return;
        }
        found.sort(Comparator.comparingLong(Found::modified).thenComparing(f -> f.path().toString()));
        for (Found f : found) {
            files.put(f.path(), f.size());
            adopted.add(f.path());
            totalBytes += f.size();
        }
    }

    private record Found(Path path, long modified, long size) {
    }
}
