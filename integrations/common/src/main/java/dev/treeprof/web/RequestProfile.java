package dev.treeprof.web;

import dev.treeprof.impl.stats.StatsTable;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The profile of one finished request: its stats (with the request as metadata), the request,
 * and the file it was written to, if any. Immutable.
 */
public final class RequestProfile {

    private final String id;
    private final long sequence;
    private final RequestInfo request;
    private final StatsTable stats;
    private final Path file;
    private final String fileError;

    RequestProfile(String id, long sequence, RequestInfo request, StatsTable stats, Path file, String fileError) {
        this.id = Objects.requireNonNull(id, "id");
        this.sequence = sequence;
        this.request = Objects.requireNonNull(request, "request");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.file = file;
        this.fileError = fileError;
    }

    /** An id unique within its {@link RequestProfiling}, for {@link RecentProfiles#get(String)}. Sequential. */
    public String id() {
        return id;
    }

    /** Finishing order within its {@link RequestProfiling}; newer profiles have larger numbers. */
    long sequence() {
        return sequence;
    }

    /** The finished request. */
    public RequestInfo request() {
        return request;
    }

    /** The request's stats, with {@link RequestInfo#toMetadata()} as metadata; not sorted. */
    public StatsTable stats() {
        return stats;
    }

    /** The file the profile was written to; empty when no directory is configured or writing failed. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** Why the file could not be written (the failure is also logged); empty when it was, or was not asked for. */
    public Optional<String> fileError() {
        return Optional.ofNullable(fileError);
    }

    @Override
    public String toString() {
        return "RequestProfile[" + id + " " + request + (file != null ? " -> " + file : "") + "]";
    }
}
