package dev.treeprof.vertx;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.vertx.ContextProfilers.ContextBinding;
import dev.treeprof.vertx.ContextProfilers.Release;
import dev.treeprof.web.ProfiledRequest;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestInfo;
import dev.treeprof.web.RequestProfiling;
import dev.treeprof.web.internal.Warnings;
import io.vertx.core.Context;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x's events translated into the request lifecycle of {@link ProfiledRequest}, for
 * {@link ProfilerHandler} and {@link ProfilingRequestHandler}: begin on the request's context,
 * bind the profiler to that context, and finish when the response ends. One per handler;
 * thread-safe.
 */
final class VertxProfiling {

    private static final Logger LOG = LoggerFactory.getLogger(VertxProfiling.class);

    /** Metadata key of the error that ended a request (a closed connection, a failed response). */
    static final String ERROR = ProfiledRequest.ERROR;
    /** Metadata key of the vertx-web route template that handled the request last. */
    static final String ROUTE = RequestInfo.META_ROUTE;
    static final String NOT_OBSERVED = "request end not observed";
    /** The row of the request's handling, like werkzeug's {@code profiler.py(runapp)} row. */
    static final ScopeName HANDLE_REQUEST = ScopeName.of("vertx.handleRequest");

    /** Finishes the requests whose context was collected without an end signal. */
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "treeprof-vertx-cleaner");
        t.setDaemon(true);
        return t;
    });

    private final RequestProfiling profiling;
    private final Warnings beginFailures = new Warnings(LOG);

    VertxProfiling(ProfilerOptions options) {
        this.profiling = new RequestProfiling(Objects.requireNonNull(options, "options"));
        ContextProfilers.registered();
        VertxProfilerLookup.install();
    }

    RequestProfiling profiling() {
        return profiling;
    }

    /**
     * Starts profiling a request whose handler runs on {@code ctx} (its duplicated context) and
     * binds the profiler to it. Returns null when the request is not profiled (sampling,
     * {@code profileIf}), when there is no context, when the context is already profiled (an
     * outer treeprof handler), or when anything fails (logged once): the request goes on
     * unprofiled.
     */
    Active begin(Context ctx, String method, String rawPath) {
        if (ctx == null) {
            return null;
        }
        ProfiledRequest req = null;
        try {
            if (ContextProfilers.get(ctx) != null) {
                return null;
            }
            req = profiling.begin(method == null ? "" : method, decodePath(rawPath));
            if (!req.isProfiled()) {
                return null;
            }
            ContextBinding binding = ContextProfilers.bind(ctx, req.profiler());
            if (binding == null) {
                req.finish(RequestInfo.UNKNOWN_STATUS, Map.of(ERROR, "too many requests profiled at once"));
                return null;
            }
            return new Active(req, binding, new Ending(req, binding.release), ctx);
        } catch (RuntimeException | LinkageError e) {
            if (req != null && req.isProfiled()) {
                req.finish(RequestInfo.UNKNOWN_STATUS, Map.of(ERROR, "could not start: " + e));
            }
            beginFailures.failed("could not start profiling " + method + " " + rawPath, e);
            return null;
        }
    }

    /**
     * Runs the request's handling inside its root row, on the request's context. An end signalled
     * during it on this thread (a handler that ends its response at once, the usual case) is
     * finished as soon as it returns, its root row closed. Not on a virtual-thread context, where
     * the handler may go on awaiting other work after its response, while the context runs other
     * events: there the end runs as a task of the context, as any other end does.
     */
    static void handle(Active active, Runnable handling) {
        if (!onVirtualThreadContext()) {
            active.handlingThread = Thread.currentThread();
        }
        try {
            try (Scope s = Profile.scope(HANDLE_REQUEST)) {
                handling.run();
            }
        } finally {
            active.handlingThread = null;
            active.finishSignalled();
            active.watchIfOpen();
        }
    }

    /** Whether the current context runs its events on virtual threads (Vert.x 4.5 and later). */
    private static boolean onVirtualThreadContext() {
        try {
            Context ctx = Vertx.currentContext();
            return ctx != null && ctx.threadingModel() == ThreadingModel.VIRTUAL_THREAD;
        } catch (RuntimeException | LinkageError e) {
            return false; // a Vert.x without threading models has no virtual-thread contexts
        }
    }

    /** One profiled request in flight. */
    static final class Active {
        private final ProfiledRequest request;
        private final ContextBinding binding;
        private final Ending ending;
        /** The request's context, for {@link #watchIfOpen}; the cleaner's action never sees it. */
        private final Context context;
        /** The safety net, once armed; see {@link #watchIfOpen}. */
        private volatile Cleaner.Cleanable cleanable;
        /**
         * The thread running {@link #handle} for this request, else null. Written and, for the
         * answer that matters, read by that thread alone: another thread comparing it with itself
         * is never equal, whatever it sees.
         */
        private Thread handlingThread;
        /** An end signalled inside {@link #handle}, finished when it returns; that thread only. */
        private boolean endPending;
        private int pendingStatus;
        private Map<String, String> pendingAttributes;

        Active(ProfiledRequest request, ContextBinding binding, Ending ending, Context context) {
            this.request = request;
            this.binding = binding;
            this.ending = ending;
            this.context = context;
        }

        /**
         * A safety net for an end that is never signalled (a plain handler that replaced our
         * response end handler): once the context becomes unreachable with the request, the
         * cleaner finishes the profile. Armed only for a request still open when its handler
         * returns: most end inside it, and for them a cleaner registration and its removal (two
         * locks on a list shared by all event loops, and a reference for the collector to
         * process) would be pure cost. Never throws.
         */
        void watchIfOpen() {
            if (ending.isDone()) {
                return;
            }
            try {
                Cleaner.Cleanable c = CLEANER.register(context, ending);
                cleanable = c;
                if (ending.isDone()) {
                    c.clean(); // ended on another thread meanwhile, which may have missed the net
                }
            } catch (RuntimeException e) {
                LOG.debug("treeprof could not watch {}: {}", request, e.toString());
            }
        }

        ProfiledRequest request() {
            return request;
        }

        /**
         * Ends the request (first call only): unbinds its context, so later callbacks record
         * nowhere, and finishes the profile. Never throws.
         *
         * <p>Vert.x signals the end synchronously inside {@code response.end()}, while the code
         * that called it may still be inside its scopes; cProfile-like numbers need those scopes
         * closed. So an end signalled inside {@link #handle} is finished when that returns, and
         * any other runs on the next turn of the calling context, after that code has returned
         * (right away when there is no context, e.g. Vert.x closing).
         */
        void end(int status, Map<String, String> attributes) {
            if (ending.isDone()) {
                return;
            }
            if (handlingThread == Thread.currentThread()) {
                if (!endPending) {
                    endPending = true;
                    pendingStatus = status;
                    pendingAttributes = attributes;
                }
                return;
            }
            Context ctx = Vertx.currentContext();
            if (ctx == null) {
                endNow(status, attributes);
                return;
            }
            try {
                ctx.runOnContext(v -> endNow(status, attributes));
            } catch (RuntimeException e) {
                endNow(status, attributes);
            }
        }

        /**
         * Installs the handlers that will signal the request's end. If that fails, the request
         * ends at once, on this thread, its binding with it (so the handling that follows is not
         * recorded), and the failure goes on to the caller.
         */
        void hookEnd(Runnable hooks) {
            try {
                hooks.run();
            } catch (RuntimeException | LinkageError e) {
                if (!ending.isDone()) {
                    endNow(RequestInfo.UNKNOWN_STATUS, Map.of(ERROR, "could not start: " + e));
                }
                throw e;
            }
        }

        /** Finishes an end signalled inside {@link #handle}; on the thread that ran it. */
        private void finishSignalled() {
            if (endPending) {
                endPending = false;
                endNow(pendingStatus, pendingAttributes);
            }
        }

        private void endNow(int status, Map<String, String> attributes) {
            try {
                binding.close();
            } catch (RuntimeException e) {
                LOG.debug("treeprof could not unbind {}: {}", request, e.toString());
            }
            ending.end(status, attributes);
            Cleaner.Cleanable c = cleanable;
            if (c == null) {
                return; // never armed, or armed after this end and released by watchIfOpen
            }
            try {
                c.clean();
            } catch (RuntimeException e) {
                LOG.debug("treeprof could not release the cleaner of {}: {}", request, e.toString());
            }
        }
    }

    /**
     * Finishes the request once; also the cleaner's action, so it must not reference the context:
     * it holds only the count of bound contexts to release.
     */
    static final class Ending implements Runnable {
        private final ProfiledRequest request;
        private final Release release;
        private final AtomicBoolean done = new AtomicBoolean();

        Ending(ProfiledRequest request, Release release) {
            this.request = request;
            this.release = release;
        }

        boolean isDone() {
            return done.get();
        }

        void end(int status, Map<String, String> attributes) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            release.release();
            request.finish(status, attributes);
        }

        /** The context was collected and the end was never signalled. */
        @Override
        public void run() {
            end(RequestInfo.UNKNOWN_STATUS, Map.of(ERROR, NOT_OBSERVED));
        }
    }

    /**
     * The request path as werkzeug's {@code PATH_INFO} has it: percent-decoded (as UTF-8; an
     * escape that is not one is kept as written), without the query. Vert.x gives it encoded.
     */
    static String decodePath(String raw) {
        if (raw == null) {
            return "";
        }
        int q = raw.indexOf('?');
        String p = q >= 0 ? raw.substring(0, q) : raw;
        if (p.indexOf('%') < 0) {
            return p;
        }
        StringBuilder out = new StringBuilder(p.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '%' && i + 2 < p.length() && hex(p.charAt(i + 1)) >= 0 && hex(p.charAt(i + 2)) >= 0) {
                bytes.write(hex(p.charAt(i + 1)) << 4 | hex(p.charAt(i + 2)));
                i += 3;
                continue;
            }
            if (bytes.size() > 0) {
                out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
                bytes.reset();
            }
            out.append(c);
            i++;
        }
        if (bytes.size() > 0) {
            out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
