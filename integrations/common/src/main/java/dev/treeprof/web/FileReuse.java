package dev.treeprof.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a new profile into the file that retention retires to make room for it, instead of
 * deleting that file and creating another. On some file systems creating a file (a new inode and
 * its first blocks) costs far more than rewriting one: on an ext4 volume of a virtual machine
 * measured for this class, creating, writing and closing a small file took about 300 µs of CPU,
 * while renaming an old one, writing over it and trimming it took about 45 µs (databases recycle
 * their log segments for the same reason). A full profile directory therefore costs the writer a
 * rename instead of a create and a delete.
 *
 * <p>The old file is first renamed to the new file's hidden temporary name, so it leaves the
 * listing at once and no reader ever sees it half rewritten under a profile's name. It is reused
 * only if it is still a regular file with no other link (a backup's hard link must not see its copy
 * change, and a symbolic link or a device is never opened); it is opened without following links,
 * written over from its start and cut to the new length. When it cannot be reused it is put back
 * under its name if it is unchanged (the caller then creates the new file and deletes the old one
 * as before); a file already written into when the write failed is deleted, as it would have been.
 * Files are reused only in a directory that only the process's user can write ({@link #allowedIn}),
 * and never files of an earlier run (the retention's choice).
 *
 * <p>A reader that opened the oldest file just before it is reused (a backup in progress) may see
 * it change under it, where with a deletion it would have kept reading the old content.
 */
final class FileReuse {

    private static final Logger LOG = LoggerFactory.getLogger(FileReuse.class);

    /** Reuse needs the link count, which only the {@code unix} attribute view gives. */
    private static final boolean SUPPORTED = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

    private FileReuse() {
    }

    /** What became of a retired file. */
    enum Outcome {
        /** It now holds the new dump under the temporary name. */
        REUSED,
        /** It is where it was, unchanged: not moved, or moved back. */
        IN_PLACE,
        /** It was moved and could be neither rewritten nor moved back; it is deleted. */
        GONE
    }

    /**
     * Whether files may be rewritten in this directory: only one that the process's user owns and
     * that neither its group nor others may write. Elsewhere another user could swap a link to
     * some other file in between the checks and the open below (Java has no {@code fstat} of an
     * open channel to check the file itself), so files are only ever created new there.
     */
    static boolean allowedIn(Path dir) {
        if (!SUPPORTED || dir.getFileSystem() != FileSystems.getDefault()) {
            return false;
        }
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
            return owner.equals(System.getProperty("user.name"))
                    && !mode.contains(PosixFilePermission.GROUP_WRITE) && !mode.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Moves {@code retired} to {@code temp} and writes {@code bytes} over it. Never throws; when
     * the file cannot be reused, {@code temp} is left behind in no case.
     */
    static Outcome rewrite(Path retired, Path temp, ByteArrayOutputStream bytes) {
        try {
            // One rename(2). Files.move would first lstat both names, and the missing target alone
            // costs it an exception with a stack trace. The temporary name is random and hidden.
            if (!retired.toFile().renameTo(temp.toFile())) {
                return Outcome.IN_PLACE;
            }
        } catch (RuntimeException e) {
            LOG.debug("treeprof could not reuse {}: {}", retired, e.toString());
            return Outcome.IN_PLACE;
        }
        boolean written = false;
        try {
            Map<String, Object> a = Files.readAttributes(temp, "unix:nlink,isRegularFile", LinkOption.NOFOLLOW_LINKS);
            if (!Boolean.TRUE.equals(a.get("isRegularFile")) || !Integer.valueOf(1).equals(a.get("nlink"))) {
                return moveBack(temp, retired);
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                written = true; // from here on its old content may be gone
                bytes.writeTo(Channels.newOutputStream(ch)); // the buffer itself, no copy
                if (ch.size() > bytes.size()) {
                    // The file's own size after the write (one fstat), so a tail left by the old
                    // profile, or by anything that wrote into the file since, is cut. Truncating
                    // unasked would cost three system calls besides ftruncate (size, position,
                    // position), and on a virtual machine each system call is dear.
                    ch.truncate(bytes.size());
                }
            }
            return Outcome.REUSED;
        } catch (IOException | RuntimeException e) {
            LOG.debug("treeprof could not rewrite {} as {}: {}", retired, temp, e.toString());
            if (!written) {
                return moveBack(temp, retired);
            }
            ProfileFiles.deleteTemp(temp);
            return Outcome.GONE;
        }
    }

    /** Gives an unchanged file its name back (the name was ours a moment ago). */
    private static Outcome moveBack(Path temp, Path retired) {
        try {
            if (temp.toFile().renameTo(retired.toFile())) {
                return Outcome.IN_PLACE;
            }
        } catch (RuntimeException e) {
            LOG.debug("treeprof could not move {} back: {}", temp, e.toString());
        }
        ProfileFiles.deleteTemp(temp);
        return Outcome.GONE;
    }

}
