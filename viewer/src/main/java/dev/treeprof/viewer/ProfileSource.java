package dev.treeprof.viewer;

import dev.treeprof.Stats;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Where the viewer's profiles come from: the files under the paths given to {@code treeprof view}
 * ({@link ProfileIndex}) or an application's recent requests ({@link RecentSource}). The routes
 * ({@link ViewerRoutes}) ask a source only by the ids it listed, never by a path taken from a request.
 */
interface ProfileSource extends Closeable {

    /**
     * Brings the listing up to date if it may be stale and returns its version: the same number
     * later means {@link #writeList} would write the same entries, so a poller's {@code since=}
     * can be answered "unchanged" without listing.
     */
    long refreshedVersion();

    /**
     * The listing's JSON: {@code {"version": n, "entries": [{"id", "name", ...summary}], "complete": b}},
     * where {@code complete} is false while some summaries are still being made. The version is
     * read before the entries, so a change made meanwhile shows as a new version at the next poll.
     */
    byte[] listJson() throws IOException;

    /**
     * The profile with this id.
     *
     * @throws NotFound with the message the user reads, for an id never listed or gone since
     */
    Item lookup(String id) throws NotFound;

    /**
     * The profiles' stats, merged (pstats' {@code add}) when there are several.
     *
     * @throws NotFound if one went away since it was looked up
     * @throws IOException (or a runtime exception) naming what is wrong with one that cannot be loaded
     */
    Stats load(List<Item> items) throws IOException, NotFound;

    /**
     * The profile as stored, for a download of the original: a file's own bytes.
     *
     * @throws NotFound if it went away since it was looked up
     */
    Raw raw(Item item) throws IOException, NotFound;

    /** What no longer exists for this source needs no cleanup by default. */
    @Override
    default void close() {
    }

    /** One listed profile. */
    interface Item {
        /** The id the listing gave it. */
        String id();

        /** The name shown and used for downloads' file names. */
        String name();

        /** Changes whenever the profile's content may have: the key of its converted JSON in a cache. */
        String cacheKey();
    }

    /** A profile's stored bytes with the file name to save them under. */
    final class Raw {
        final String fileName;
        final byte[] bytes;

        Raw(String fileName, byte[] bytes) {
            this.fileName = fileName;
            this.bytes = bytes;
        }
    }

    /** A profile the source does not have (any more): a 404 with this message. */
    final class NotFound extends Exception {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message, null, false, false);
        }
    }
}
