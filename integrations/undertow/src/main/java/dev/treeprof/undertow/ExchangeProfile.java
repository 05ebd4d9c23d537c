package dev.treeprof.undertow;

import dev.treeprof.Binding;
import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.web.ProfiledRequest;
import dev.treeprof.web.RequestInfo;
import dev.treeprof.web.RequestProfiling;
import dev.treeprof.web.internal.Warnings;
import io.undertow.server.DefaultResponseListener;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.PathTemplateMatch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The profile of one exchange: Undertow's events translated into the request lifecycle of
 * {@link ProfiledRequest}. Stored under {@link #KEY} on the exchange; each handler call of the
 * request {@linkplain ProfiledRequest#enter() enters} it, each task dispatched through the
 * exchange {@linkplain ProfiledRequest#join() joins} it when submitted, and exchange completion
 * {@linkplain ProfiledRequest#finish finishes} it. The profile ends when all of those are done.
 */
final class ExchangeProfile implements ExchangeCompletionListener {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeProfile.class);
    private static final Warnings FAILURES = new Warnings(LOG);

    /** One key for every {@link ProfilerHandler}: an exchange is profiled once, by the outermost handler. */
    static final AttachmentKey<ExchangeProfile> KEY = AttachmentKey.create(ExchangeProfile.class);

    /** The row of the root handler call, like werkzeug's own {@code profiler.py(runapp)} row. */
    static final ScopeName HANDLE_REQUEST = ScopeName.of("undertow.handleRequest");
    /** The row of each task dispatched through the exchange's dispatch executor. */
    static final ScopeName DISPATCH = ScopeName.of("undertow.dispatch");

    /** Metadata key of the exception Undertow recorded for the exchange. */
    static final String ERROR_ATTRIBUTE = ProfiledRequest.ERROR;

    private final ProfiledRequest request;
    private final HttpServerExchange exchange;
    /** Used for dispatches made from a dispatched task, which Undertow sends to the worker. */
    private final DispatchExecutor workerDispatch;

    private ExchangeProfile(ProfiledRequest request, HttpServerExchange exchange) {
        this.request = request;
        this.exchange = exchange;
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
            request = start == -1 ? profiling.begin(method, path) : profiling.begin(method, path, start);
            if (!request.isProfiled()) {
                return null;
            }
            ExchangeProfile p = new ExchangeProfile(request, exchange);
            exchange.putAttachment(KEY, p);
            attached = true;
            exchange.addExchangeCompleteListener(p);
            return p;
        } catch (RuntimeException | LinkageError e) {
            FAILURES.failed("could not start profiling " + exchange.getRequestPath(), e);
            try {
                if (attached) {
                    exchange.removeAttachment(KEY);
                }
                request.finish(RequestInfo.UNKNOWN_STATUS, Map.of(ERROR_ATTRIBUTE, "could not start: " + e));
            } catch (RuntimeException | LinkageError again) {
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

    /**
     * The root handler call: entered, with a row of its own. Runs on the thread Undertow gave the
     * handler (usually the IO thread).
     */
    void handleRoot(HttpHandler next, HttpServerExchange ex) throws Exception {
        Binding entered = request.enter();
        try (Scope s = Profile.scope(HANDLE_REQUEST)) {
            next.handleRequest(ex);
        } finally {
            hookDispatch(ex);
            entered.close();
        }
    }

    /** A later handler call for the same exchange (rebind, nested profiler handler): entered, no row. */
    void handleAgain(HttpHandler next, HttpServerExchange ex) throws Exception {
        Binding entered = request.enter();
        try {
            next.handleRequest(ex);
        } finally {
            hookDispatch(ex);
            entered.close();
        }
    }

    /** A task dispatched through a {@link DispatchExecutor}; it joined the request when it was submitted. */
    void runDispatched(Runnable task) {
        request.runJoined(() -> {
            try {
                // Undertow reset the dispatch executor before submitting this task; a dispatch made by
                // the task (a handler it re-enters dispatching again) must come back joined.
                if (exchange.getDispatchExecutor() == null && !exchange.isComplete()) {
                    exchange.setDispatchExecutor(workerDispatch);
                }
            } catch (RuntimeException e) {
                LOG.debug("treeprof could not hook the dispatch executor: {}", e.toString());
            }
            try (Scope s = Profile.scope(DISPATCH)) {
                task.run();
            }
        });
    }

    /**
     * After a handler call of the request: if it dispatched, wrap the executor Undertow is about to
     * use (the one the handler gave, or none, meaning the worker pool), so the task joins the
     * request. This works because Undertow submits a task dispatched during a handler call only
     * after the whole handler chain has returned; and because it happens afterwards, the handler
     * chain never sees a different dispatch executor. It runs before the call leaves the
     * request, so the count cannot reach zero between the call and its dispatch.
     */
    private void hookDispatch(HttpServerExchange ex) {
        try {
            if (ex.isDispatched()) {
                Executor current = ex.getDispatchExecutor();
                if (!(current instanceof DispatchExecutor && ((DispatchExecutor) current).owner == this)) {
                    ex.setDispatchExecutor(new DispatchExecutor(this, current));
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("treeprof could not hook the dispatch executor: {}", e.toString());
        }
    }

    /** The exchange is complete: its status, error and route become the profile's; put back its dispatch executor. */
    @Override
    public void exchangeEvent(HttpServerExchange ex, NextListener nextListener) {
        int status = RequestInfo.UNKNOWN_STATUS;
        Map<String, String> attributes = Map.of(); // most requests have none: no map made for them
        try {
            status = ex.getStatusCode();
            Throwable t = ex.getAttachment(DefaultResponseListener.EXCEPTION);
            if (t != null) {
                attributes = new LinkedHashMap<>();
                attributes.put(ERROR_ATTRIBUTE, t.toString());
            }
            PathTemplateMatch route = ex.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
            if (route != null && route.getMatchedTemplate() != null) {
                if (attributes.isEmpty()) {
                    attributes = new LinkedHashMap<>();
                }
                attributes.put(RequestInfo.META_ROUTE, route.getMatchedTemplate());
            }
            // Undertow's connection may run its next read through the dispatch executor (pipelined
            // requests completed off the IO thread); it must not run joined to this request.
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
                request.finish(status, attributes);
            }
        }
    }

    /**
     * The dispatch executor the profiler puts in place for a dispatch of the request: the task
     * joins the request when submitted and runs bound to it. Delegates to the executor it replaced,
     * or to the server's worker pool when there was none, as Undertow itself would.
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
            Executor target = delegate != null ? delegate : owner.exchange.getConnection().getWorker();
            if (!owner.request.join()) {
                target.execute(task);
                return;
            }
            try {
                target.execute(() -> owner.runDispatched(task));
            } catch (RuntimeException | Error e) {
                owner.request.leave(); // rejected: Undertow answers 503 and ends the exchange
                throw e;
            }
        }

        @Override
        public String toString() {
            return "treeprof dispatch executor over " + (delegate != null ? delegate : "the worker");
        }
    }
}
