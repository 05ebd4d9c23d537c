package dev.treeprof.web;

import dev.treeprof.Profiler;
import dev.treeprof.Stats;
import dev.treeprof.ThreadTree;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The profile of one finished request: its stats (with the request as metadata), the request,
 * and the file it was written to, if any. Thread-safe.
 *
 * <p>The stats are made when first asked for, not when the request ends: a busy server keeps
 * the recorded trees of its recent requests and pays for a snapshot only for the profiles that
 * are printed, written or looked at.
 */
public final class RequestProfile {

    private final String id;
    private final long sequence;
    private final RequestInfo ended;
    /** The stopped profiler, until its snapshot is taken. */
    private volatile Profiler source;
    private volatile Snapshot snapshot;
    private volatile Path file;
    private volatile String fileError;
    /** Completes once the report and file are done: the same future {@link ProfiledRequest#finish} returned. */
    private final CompletableFuture<RequestProfile> output;

    /** The stats and the request with the threads that recorded, made together once. */
    private static final class Snapshot {
        final Stats stats;
        final RequestInfo request;

        Snapshot(Stats stats, RequestInfo request) {
            this.stats = stats;
            this.request = request;
        }
    }

    /**
     * A profile whose stats will be taken from the stopped profiler when first needed; {@code output}
     * is completed with this profile when its report and file are done.
     */
    RequestProfile(String id, long sequence, RequestInfo ended, Profiler source,
                   CompletableFuture<RequestProfile> output) {
        this.id = Objects.requireNonNull(id, "id");
        this.sequence = sequence;
        this.ended = Objects.requireNonNull(ended, "request");
        this.source = Objects.requireNonNull(source, "source");
        this.output = Objects.requireNonNull(output, "output");
    }

    /** A profile of stats already made (e.g. loaded back); for tests and tools. */
    RequestProfile(String id, long sequence, RequestInfo request, Stats stats, Path file, String fileError) {
        this.id = Objects.requireNonNull(id, "id");
        this.sequence = sequence;
        this.ended = Objects.requireNonNull(request, "request");
        this.snapshot = new Snapshot(Objects.requireNonNull(stats, "stats"), request);
        this.file = file;
        this.fileError = fileError;
        this.output = CompletableFuture.completedFuture(this);
    }

    private Snapshot snapshot() {
        Snapshot s = snapshot;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            s = snapshot;
            if (s == null) {
                Stats raw = source.stats();
                Set<String> threads = new LinkedHashSet<>();
                for (ThreadTree t : raw.callTree().threads()) {
                    threads.add(t.threadName());
                }
                RequestInfo request = ended.finished(ended.status(), ended.elapsedNanos(), List.copyOf(threads));
                s = new Snapshot(raw.withMetadata(request.toMetadata()), request);
                snapshot = s;
                source = null; // the snapshot holds everything; let the recorder's trees go
            }
            return s;
        }
    }

    /** An id unique within its {@link RequestProfiling}, for {@link RecentProfiles#get(String)}. Sequential. */
    public String id() {
        return id;
    }

    /** Finishing order within its {@link RequestProfiling}; newer profiles have larger numbers. */
    long sequence() {
        return sequence;
    }

    /** The finished request, with the names of the threads that recorded for it. */
    public RequestInfo request() {
        return snapshot().request;
    }

    /** The finished request without asking for its threads: never builds the stats. */
    RequestInfo endedRequest() {
        return ended;
    }

    /** The request's stats, with {@link RequestInfo#toMetadata()} as metadata; not sorted. */
    public Stats stats() {
        return snapshot().stats;
    }

    /**
     * The file the profile was written to; empty when no directory is configured, writing failed
     * or was dropped, or has not happened yet (it happens in the background: wait for the stage
     * {@link ProfiledRequest#finish} returns).
     */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** Why the file could not be written (the failure is also logged); empty when it was, or was not asked for. */
    public Optional<String> fileError() {
        return Optional.ofNullable(fileError);
    }

    /**
     * Completes, with this profile, once its report has been printed and its file written, or
     * either failed or was dropped: then {@link #file()} and {@link #fileError()} are final. Both
     * happen in the background after the request ended; this stage never completes exceptionally.
     */
    public CompletionStage<RequestProfile> whenWritten() {
        return output.minimalCompletionStage();
    }

    /** The report and file are done (or failed, or dropped). */
    void outputDone() {
        output.complete(this);
    }

    void written(Path file) {
        this.file = file;
    }

    void failed(String error) {
        this.fileError = error;
    }

    @Override
    public String toString() {
        Path f = file;
        return "RequestProfile[" + id + " " + ended + (f != null ? " -> " + f : "") + "]";
    }
}
