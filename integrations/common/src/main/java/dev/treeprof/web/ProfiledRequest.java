package dev.treeprof.web;

import dev.treeprof.Binding;
import dev.treeprof.Profiler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

/**
 * One request being profiled, returned by {@link RequestProfiling#begin(RequestInfo)}: a started
 * profiler to bind around the request's work, and the request's end. A request that was not
 * selected gets the shared {@link #notProfiled()} handle, on which every method is a cheap no-op,
 * so framework code needs no null checks. Thread-safe.
 *
 * <h2>When the profile ends</h2>
 * The profile ends once the response is complete ({@link #finish}) <em>and</em> every piece of
 * the request's work that joined it has returned: work {@linkplain #enter() entered} on a thread,
 * or {@linkplain #join() joined} when it was handed to an executor. This is an in-flight count
 * (OpenTelemetry's pattern for servers whose handlers return before, or after, the response
 * completes): it starts at one for the response, each piece of work adds one while it runs, and
 * the last one out ends the profile, exactly once. Work that tries to join after the end runs
 * unprofiled, so a late task never resurrects a finished profile.
 *
 * <p>Work still running {@link ProfilerOptions.Builder#lateWorkGrace a grace period} after the
 * response completed (a task an executor accepted and dropped, a binding never closed) is left
 * out: the profile ends without it, with an {@code error} entry saying so. Requests that end
 * normally never arm that watch: the response completing inside a call the request entered on the
 * same thread (the usual case) needs no timer, because that call is about to return.
 */
public final class ProfiledRequest {

    private static final CompletableFuture<RequestProfile> NO_PROFILE = CompletableFuture.completedFuture(null);
    private static final ProfiledRequest NOT_PROFILED = new ProfiledRequest(null, null, null);
    /** The metadata key of a profile ended without its late work, or with another failure. */
    public static final String ERROR = "error";
    static final String LATE_WORK = "work of the request still running %d ms after the response completed";

    /** The innermost request entered on this thread: its work on the stack here will leave soon. */
    private static final ThreadLocal<ProfiledRequest> ENTERED = new ThreadLocal<>();

    private final RequestProfiling owner;
    private final RequestInfo request;
    private final Profiler profiler;
    /** The response (until finish) plus the work running now; the profile ends when it reaches 0. */
    private volatile int inFlight = 1;
    private volatile boolean finished;
    private volatile boolean ended;
    // The three fields above change through these handles: no atomic objects more per request.
    private static final VarHandle IN_FLIGHT;
    private static final VarHandle FINISHED;
    private static final VarHandle ENDED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            IN_FLIGHT = l.findVarHandle(ProfiledRequest.class, "inFlight", int.class);
            FINISHED = l.findVarHandle(ProfiledRequest.class, "finished", boolean.class);
            ENDED = l.findVarHandle(ProfiledRequest.class, "ended", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final CompletableFuture<RequestProfile> result;
    private volatile int status = RequestInfo.UNKNOWN_STATUS;
    private volatile Map<String, String> attributes = Map.of();
    /** The late-work watch, once armed. */
    private volatile Future<?> lateWatch;

    ProfiledRequest(RequestProfiling owner, RequestInfo request, Profiler profiler) {
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
     * The started profiler, e.g. to carry to a thread with {@link Profiler#wrap(Runnable)} or to
     * answer a {@link dev.treeprof.spi.ProfilerLookup}; null when not profiled.
     */
    public Profiler profiler() {
        return profiler;
    }

    /**
     * Binds the profiler to the calling thread until the binding is closed, without counting as
     * work the profile waits for; a no-op binding when not profiled.
     */
    public Binding attach() {
        return profiler == null ? Binding.noop() : profiler.attach();
    }

    /** The task, run with the profiler attached (not counted as work); the task itself when not profiled. */
    public Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        return profiler == null ? task : profiler.wrap(task);
    }

    /**
     * Joins the request for a piece of work on the calling thread and binds the profiler to it,
     * until the returned binding is closed (use try-with-resources). The profile waits for it. A
     * no-op binding when not profiled or already ended.
     */
    public Binding enter() {
        if (profiler == null || !join()) {
            return Binding.noop();
        }
        Binding bound;
        try {
            bound = profiler.attach();
        } catch (RuntimeException | LinkageError e) {
            leave();
            return Binding.noop();
        }
        ProfiledRequest previous = ENTERED.get();
        ENTERED.set(this);
        return new Entered(this, bound, previous);
    }

    /** The binding of {@link #enter()}: closing it (once, on the entering thread) leaves the request. */
    private static final class Entered implements Binding {
        private final ProfiledRequest request;
        private final Binding bound;
        private final ProfiledRequest previous;
        private boolean closed;

        Entered(ProfiledRequest request, Binding bound, ProfiledRequest previous) {
            this.request = request;
            this.bound = bound;
            this.previous = previous;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            request.exit(previous, bound);
        }
    }

    /**
     * Counts one more piece of work the profile must wait for, e.g. a task at the moment it is
     * handed to an executor; run it with {@link #runJoined(Runnable)}, or call {@link #leave()} if
     * it never runs. Returns false, counting nothing, when not profiled or already ended.
     */
    public boolean join() {
        if (profiler == null) {
            return false;
        }
        for (;;) {
            int n = inFlight;
            if (n <= 0) {
                return false;
            }
            if (IN_FLIGHT.compareAndSet(this, n, n + 1)) {
                return true;
            }
        }
    }

    /** A piece of work counted by {@link #join()} is done; the last one out ends the profile. Never throws. */
    public void leave() {
        if (profiler == null) {
            return;
        }
        int left = (int) IN_FLIGHT.getAndAdd(this, -1) - 1;
        if (left == 0) {
            end();
        } else if (left > 0 && finished) {
            watchLateWork();
        }
    }

    /** Runs a task whose work was counted by {@link #join()}: bound to the profiler, then leaves. */
    public void runJoined(Runnable task) {
        Binding bound = Binding.noop();
        ProfiledRequest previous = ENTERED.get();
        try {
            try {
                bound = profiler.attach();
            } catch (RuntimeException | LinkageError e) {
                // run it unprofiled rather than not at all
            }
            ENTERED.set(this);
            task.run();
        } finally {
            exit(previous, bound);
        }
    }

    /** A piece of work on this thread is done: the thread's previous request, unbound, then leave. */
    private void exit(ProfiledRequest previous, Binding bound) {
        if (previous == null) {
            ENTERED.remove();
        } else {
            ENTERED.set(previous);
        }
        try {
            bound.close();
        } finally {
            leave();
        }
    }

    /** Whether {@link #finish} was called. */
    public boolean isFinished() {
        return finished;
    }

    /** {@link #finish(int, Map)} without attributes. */
    public CompletionStage<RequestProfile> finish(int status) {
        return finish(status, Map.of());
    }

    /**
     * The response is complete. The profile ends now, or when the last piece of work still
     * running returns (see the class comment): the profiler stops, the profile joins the recent
     * profiles, and its report and file are produced in the background. Only the first call
     * counts; later ones return the same stage. Never throws.
     *
     * @param status     the HTTP status, or {@link RequestInfo#UNKNOWN_STATUS}
     * @param attributes extra metadata, e.g. {@code "error" -> "connection closed"}; may be null
     * @return completes with the profile once its report and file are done (or dropped), or with
     *         null when the request is not profiled or the profile could not be made (logged);
     *         never completes exceptionally
     */
    public CompletionStage<RequestProfile> finish(int status, Map<String, String> attributes) {
        if (profiler == null || !FINISHED.compareAndSet(this, false, true)) {
            return result;
        }
        this.status = status;
        if (attributes != null && !attributes.isEmpty()) {
            // the caller's entries as they are now (the map stays the caller's), without null keys or
            // values, which Map.copyOf would throw for and which the profile leaves out
            this.attributes = RequestInfo.withoutNulls(attributes);
        }
        leave();
        return result;
    }

    /** Work of the request may outlive its response: end the profile without it after the grace period. */
    private void watchLateWork() {
        if (lateWatch != null || ENTERED.get() == this || ended) {
            return; // watched already, or work on this very stack is about to leave
        }
        synchronized (this) {
            if (lateWatch == null && !ended) {
                Future<?> watch = owner.watchLateWork(this);
                lateWatch = watch;
                if (ended && watch != null) {
                    watch.cancel(false); // ended meanwhile, before it could see the watch
                }
            }
        }
    }

    /** The grace period is over and work is still running. */
    void lateWorkExpired(long graceMillis) {
        if (ended) {
            return;
        }
        attributes = withError(attributes, String.format(LATE_WORK, graceMillis));
        end();
    }

    private static Map<String, String> withError(Map<String, String> attributes, String error) {
        java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>(attributes);
        m.putIfAbsent(ERROR, error);
        return m;
    }

    /** The one end of the profile. */
    private void end() {
        if (!ENDED.compareAndSet(this, false, true)) {
            return;
        }
        Future<?> watch = lateWatch;
        if (watch != null) {
            watch.cancel(false);
        }
        owner.end(this, status, attributes, result);
    }

    @Override
    public String toString() {
        return profiler == null ? "ProfiledRequest[not profiled]" : "ProfiledRequest[" + request + "]";
    }
}
