package dev.treeprof.undertow;

import dev.treeprof.Binding;
import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.web.ProfiledRequest;
import dev.treeprof.web.RequestInfo;
import dev.treeprof.web.RequestProfiling;
import io.undertow.server.DefaultResponseListener;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioIoThread;

/**
 * The profile of one exchange: stored under {@link #KEY} on the exchange, bound around each piece
 * of the request's work, and finished once the exchange is complete and every bound piece of work
 * has returned.
 *
 * <p>Undertow may complete an exchange inside the handler call (a response sent on the IO
 * thread), or long after it returned (work dispatched to a worker, a response sent from a foreign
 * pool). So the end is an in-flight count, OpenTelemetry's pattern for Undertow: it starts at 2
 * (the root handler call and the completion listener), every bound invocation adds one while it
 * runs (a dispatched task from the moment it is submitted), and the profile is finished when the
 * count reaches 0. Once it is 0 nothing can join the request any more ({@link #acquire()} fails),
 * so a late task runs unprofiled rather than resurrecting a finished profile.
 */
final class ExchangeProfile implements ExchangeCompletionListener {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeProfile.class);

    /** One key for every {@link ProfilerHandler}: an exchange is profiled once, by the outermost handler. */
    static final AttachmentKey<ExchangeProfile> KEY = AttachmentKey.create(ExchangeProfile.class);

    /** The row of the root handler call, like werkzeug's own {@code profiler.py(runapp)} row. */
    static final ScopeName HANDLE_REQUEST = ScopeName.of("undertow.handleRequest");
    /** The row of each task dispatched through the exchange's dispatch executor. */
    static final ScopeName DISPATCH = ScopeName.of("undertow.dispatch");

    /** Metadata key of the exception Undertow recorded for the exchange. */
    static final String ERROR_ATTRIBUTE = "error";

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /**
     * How long bound work may still run after the exchange completed before the profile is
     * finished without it (an executor that accepted a dispatched task and dropped it would
     * otherwise keep the profile, and the profiler, open for ever). Package-private for tests.
     */
    static volatile long lateWorkGraceMillis = Long.getLong("treeprof.undertow.lateWorkGraceMillis", 60_000L);

    /** Error attribute of a profile finished while bound work was still running. */
    static final String LATE_WORK = "work of the request still running %d ms after the exchange completed";

    private final ProfiledRequest request;
    private final HttpServerExchange exchange;
    /** Where a profile finished on an IO thread is completed: the server's worker pool. */
    private final Executor worker;
    /** Used for dispatches made from a dispatched task, which Undertow sends to the worker. */
    private final DispatchExecutor workerDispatch;
    private final AtomicInteger inFlight = new AtomicInteger(2);
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The options name an executor for finishing: no need to leave the IO thread first. */
    private final boolean userExecutor;
    private volatile int status = RequestInfo.UNKNOWN_STATUS;
    private volatile String error;

    private ExchangeProfile(ProfiledRequest request, HttpServerExchange exchange, boolean userExecutor) {
        this.request = request;
        this.userExecutor = userExecutor;
        this.exchange = exchange;
        this.worker = exchange.getConnection().getWorker();
        this.workerDispatch = new DispatchExecutor(this, null);
    }

    /**
     * Starts profiling the exchange: attaches the profile and registers the completion listener.
     * Returns null, leaving the exchange untouched, when the request is not selected or anything
     * fails. Never throws.
     */
    static ExchangeProfile begin(RequestProfiling profiling, HttpServerExchange exchange) {
        ProfiledRequest request = ProfiledRequest.notProfiled();
        boolean attached = false;
        try {
            if (exchange.isComplete()) {
                return null; // a listener can no longer be added
            }
            long start = exchange.getRequestStartTime();
            String method = exchange.getRequestMethod().toString();
            String path = exchange.getRequestPath();
            RequestInfo info = start == -1 ? RequestInfo.of(method, path) : RequestInfo.of(method, path, start);
            request = profiling.begin(info);
            if (!request.isProfiled()) {
                return null;
            }
            ExchangeProfile p = new ExchangeProfile(request, exchange, profiling.options().hasExecutor());
            exchange.putAttachment(KEY, p);
            attached = true;
            exchange.addExchangeCompleteListener(p);
            return p;
        } catch (RuntimeException | LinkageError e) {
            warn("could not start profiling " + exchange.getRequestPath(), e);
            try {
                if (attached) {
                    exchange.removeAttachment(KEY);
                }
                if (request.isProfiled()) {
                    request.profiler().disable();
                }
            } catch (RuntimeException | LinkageError again) {
                // At worst later handler calls bind a stopped profiler, which records nothing.
                LOG.debug("treeprof could not undo the start of a profile: {}", again.toString());
            }
            return null;
        }
    }

    /** The profile of the exchange, or null when it is not profiled. */
    static ExchangeProfile of(HttpServerExchange exchange) {
        return exchange == null ? null : exchange.getAttachment(KEY);
    }

    ProfiledRequest request() {
        return request;
    }

    /** Joins the request for one more piece of work; false once the request has finished. */
    boolean acquire() {
        for (;;) {
            int n = inFlight.get();
            if (n <= 0) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Leaves the request; the last one out finishes the profile. Never throws. */
    void release() {
        if (inFlight.decrementAndGet() == 0) {
            end();
        }
    }

    /**
     * The root handler call: bound, with a row of its own. Runs on the thread Undertow gave the
     * handler (usually the IO thread).
     */
    void handleRoot(HttpHandler next, HttpServerExchange ex) throws Exception {
        try (Binding b = request.attach(); Scope s = Profile.scope(HANDLE_REQUEST)) {
            next.handleRequest(ex);
        } finally {
            afterCall(ex);
        }
    }

    /** A later handler call for the same exchange (rebind, nested profiler handler): bound, no row. */
    void handleAgain(HttpHandler next, HttpServerExchange ex) throws Exception {
        if (!acquire()) {
            next.handleRequest(ex);
            return;
        }
        try (Binding b = request.attach()) {
            next.handleRequest(ex);
        } finally {
            afterCall(ex);
        }
    }

    /** Runs a task of the request, bound, if the request is still running; the task as it is otherwise. */
    void runJoined(Runnable task) {
        if (!acquire()) {
            task.run();
            return;
        }
        try (Binding b = request.attach()) {
            task.run();
        } finally {
            release();
        }
    }

    /** A task submitted through a {@link DispatchExecutor}; its count was taken when it was submitted. */
    void runDispatched(Runnable task) {
        try {
            try {
                // Undertow reset the dispatch executor before submitting this task; a dispatch made by
                // the task (e.g. a handler it re-enters dispatching again) must come back bound.
                if (exchange.getDispatchExecutor() == null && !exchange.isComplete()) {
                    exchange.setDispatchExecutor(workerDispatch);
                }
            } catch (RuntimeException e) {
                LOG.debug("treeprof could not hook the dispatch executor: {}", e.toString());
            }
            try (Binding b = request.attach(); Scope s = Profile.scope(DISPATCH)) {
                task.run();
            }
        } finally {
            release();
        }
    }

    /**
     * After a bound handler call returned: if it dispatched, wrap the executor Undertow is about to
     * use (the one the handler gave, or none, meaning the worker pool), so the task runs bound and
     * counted. This works because Undertow submits a task dispatched during a handler call only
     * after the whole handler chain has returned; and because it happens afterwards, the handler
     * chain never sees a different dispatch executor. Then leave the request.
     */
    private void afterCall(HttpServerExchange ex) {
        try {
            if (ex.isDispatched()) {
                Executor current = ex.getDispatchExecutor();
                if (!(current instanceof DispatchExecutor && ((DispatchExecutor) current).owner == this)) {
                    ex.setDispatchExecutor(new DispatchExecutor(this, current));
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("treeprof could not hook the dispatch executor: {}", e.toString());
        } finally {
            release();
        }
    }

    /** The exchange is complete: note its status and error, put back its dispatch executor, leave. */
    @Override
    public void exchangeEvent(HttpServerExchange ex, NextListener nextListener) {
        try {
            status = ex.getStatusCode();
            Throwable t = ex.getAttachment(DefaultResponseListener.EXCEPTION);
            if (t != null) {
                error = t.toString();
            }
            // Undertow's connection may run its next read through the dispatch executor (pipelined
            // requests completed off the IO thread); it must not run bound to this request.
            Executor current = ex.getDispatchExecutor();
            if (current instanceof DispatchExecutor && ((DispatchExecutor) current).owner == this) {
                ex.setDispatchExecutor(((DispatchExecutor) current).delegate);
            }
        } catch (RuntimeException e) {
            LOG.debug("treeprof could not read the completed exchange: {}", e.toString());
        } finally {
            try {
                nextListener.proceed();
            } finally {
                release();
                if (inFlight.get() > 0) {
                    finishLateWorkLater(ex);
                }
            }
        }
    }

    /** Finishes the profile after the grace period if bound work still has not returned. Never throws. */
    private void finishLateWorkLater(HttpServerExchange ex) {
        long grace = lateWorkGraceMillis;
        try {
            ex.getIoThread().executeAfter(() -> {
                if (inFlight.get() > 0) {
                    error = String.format(LATE_WORK, grace);
                    end();
                }
            }, grace, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.debug("treeprof could not watch late work of {}: {}", request.request(), e.toString());
        }
    }

    /**
     * Stops recording at once (the stats' duration ends here), then finishes the profile: on the
     * options' executor when one was given; otherwise on the calling thread, unless it is an IO
     * thread, where nothing may block; then on the server's worker pool. Never throws.
     */
    private void end() {
        if (!ended.compareAndSet(false, true)) {
            return; // finished already, at the end of the grace period for late work
        }
        try {
            request.profiler().disable();
        } catch (RuntimeException e) {
            LOG.debug("treeprof could not stop the profiler: {}", e.toString());
        }
        String err = error;
        Map<String, String> attributes = err == null ? Map.of() : Map.of(ERROR_ATTRIBUTE, err);
        int st = status;
        Runnable finish = () -> request.finish(st, attributes);
        if (!userExecutor && Thread.currentThread() instanceof XnioIoThread) {
            try {
                worker.execute(finish);
                return;
            } catch (RuntimeException e) {
                // The worker is shutting down: finishing here once beats losing the profile.
                LOG.debug("treeprof finishes a profile on the IO thread: {}", e.toString());
            }
        }
        try {
            finish.run();
        } catch (RuntimeException e) {
            warn("could not finish the profile of " + request.request(), e);
        }
    }

    private static void warn(String what, Throwable e) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("treeprof {} (further failures at DEBUG)", what, e);
        } else {
            LOG.debug("treeprof {}: {}", what, e.toString());
        }
    }

    /**
     * The dispatch executor the profiler puts in place for a dispatch of the request: counts each
     * task in at submission and runs it bound to the request. Delegates to the executor it replaced, or to the server's worker
     * pool when there was none, as Undertow itself would.
     */
    static final class DispatchExecutor implements Executor {

        final ExchangeProfile owner;
        /** The executor Undertow would have used; null for its worker pool. */
        final Executor delegate;

        DispatchExecutor(ExchangeProfile owner, Executor delegate) {
            this.owner = owner;
            this.delegate = delegate;
        }

        @Override
        public void execute(Runnable task) {
            Executor target = delegate != null ? delegate : owner.worker;
            if (!owner.acquire()) {
                target.execute(task);
                return;
            }
            try {
                target.execute(() -> owner.runDispatched(task));
            } catch (RuntimeException | Error e) {
                owner.release(); // rejected: Undertow answers 503 and ends the exchange
                throw e;
            }
        }

        @Override
        public String toString() {
            return "treeprof dispatch executor over " + (delegate != null ? delegate : "the worker");
        }
    }
}
