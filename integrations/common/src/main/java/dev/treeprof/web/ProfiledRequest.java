package dev.treeprof.web;

import dev.treeprof.Binding;
import dev.treeprof.impl.record.TreeProfiler;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request being profiled, returned by {@link RequestProfiling#begin(RequestInfo)}: a
 * started profiler to bind around the request's work, and {@link #finish(int)} for its end.
 * A request that was not selected gets the shared {@link #notProfiled()} handle, on which every
 * method is a cheap no-op, so framework code needs no null checks. Thread-safe.
 */
public final class ProfiledRequest {

    private static final CompletableFuture<RequestProfile> NO_PROFILE = CompletableFuture.completedFuture(null);
    private static final ProfiledRequest NOT_PROFILED = new ProfiledRequest(null, null, null);

    private final RequestProfiling owner;
    private final RequestInfo request;
    private final TreeProfiler profiler;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final CompletableFuture<RequestProfile> result;

    ProfiledRequest(RequestProfiling owner, RequestInfo request, TreeProfiler profiler) {
        this.owner = owner;
        this.request = request;
        this.profiler = profiler;
        this.result = profiler == null ? NO_PROFILE : new CompletableFuture<>();
    }

    /** The handle of a request that is not profiled. */
    public static ProfiledRequest notProfiled() {
        return NOT_PROFILED;
    }

    /** Whether this request is profiled. */
    public boolean isProfiled() {
        return profiler != null;
    }

    /** The request as it began; null when not profiled. */
    public RequestInfo request() {
        return request;
    }

    /**
     * The started profiler, e.g. for a {@link dev.treeprof.spi.ProfilerLookup}; null when not
     * profiled.
     */
    public TreeProfiler profiler() {
        return profiler;
    }

    /**
     * Binds the profiler to the calling thread until the binding is closed; use in
     * try-with-resources around each piece of the request's work. A no-op binding when not
     * profiled.
     */
    public Binding attach() {
        return profiler == null ? Binding.noop() : profiler.attach();
    }

    /** The task, run with the profiler attached; the task itself when not profiled. */
    public Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        return profiler == null ? task : profiler.wrap(task);
    }

    /** Whether {@link #finish} was called. */
    public boolean isFinished() {
        return finished.get();
    }

    /** {@link #finish(int, Map)} without attributes. */
    public CompletionStage<RequestProfile> finish(int status) {
        return finish(status, Map.of());
    }

    /**
     * Ends the request: stops the profiler at once (scopes still open elsewhere are dropped),
     * then builds its stats with the request as metadata, prints the report, writes the file and
     * keeps it among the recent profiles, on the options' executor (the calling thread by
     * default). Only the first call counts; later ones return the same stage. Never throws.
     *
     * @param status     the HTTP status, or {@link RequestInfo#UNKNOWN_STATUS}
     * @param attributes extra metadata, e.g. {@code "error" -> "connection closed"}; may be null
     * @return completes with the profile, or with null when the request is not profiled or the
     *         profile could not be built (logged); never completes exceptionally
     */
    public CompletionStage<RequestProfile> finish(int status, Map<String, String> attributes) {
        if (profiler == null || !finished.compareAndSet(false, true)) {
            return result;
        }
        owner.finish(this, status, attributes == null ? Map.of() : attributes, result);
        return result;
    }

    @Override
    public String toString() {
        return profiler == null ? "ProfiledRequest[not profiled]" : "ProfiledRequest[" + request + "]";
    }
}
