package dev.treeprof.vertx;

import dev.treeprof.vertx.ContextProfilers.ContextBinding;
import dev.treeprof.vertx.ContextProfilers.Release;
import dev.treeprof.web.ProfiledRequest;
import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestInfo;
import dev.treeprof.web.RequestProfiling;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request lifecycle shared by {@link ProfilerHandler} and {@link ProfilingRequestHandler}:
 * begin on the request's context, bind the profiler to it, and finish exactly once off the event
 * loop. One per handler; thread-safe.
 */
final class VertxProfiling {

    private static final Logger LOG = LoggerFactory.getLogger(VertxProfiling.class);

    /** Metadata key of the error that ended a request (a closed connection, a failed response). */
    static final String ERROR = "error";
    /** Metadata key of the vertx-web route that handled the request last. */
    static final String ROUTE = "route";
    static final String NOT_OBSERVED = "request end not observed";

    /**
     * Where finished requests are handed to {@link ProfiledRequest#finish}: building the stats,
     * printing and writing files must not run on an event loop. Two daemon threads at most, idle
     * ones stop; a full queue drops the profile (logged) rather than block the event loop.
     */
    private static final ThreadPoolExecutor FINISHER = finisher();
    /** Finishes the requests whose context was collected without an end signal. */
    private static final Cleaner CLEANER = Cleaner.create(daemon("treeprof-vertx-cleaner"));

    private final RequestProfiling profiling;
    private final AtomicBoolean warnedBegin = new AtomicBoolean();

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
            req = profiling.begin(RequestInfo.of(method == null ? "" : method, decodePath(rawPath)));
            if (!req.isProfiled()) {
                return null;
            }
            ContextBinding binding = ContextProfilers.bind(ctx, req.profiler());
            if (binding == null) {
                req.profiler().disable();
                return null;
            }
            Ending ending = new Ending(req, binding.release, profiling.options().hasExecutor());
            // A safety net for an end that is never signalled (a plain handler that replaced our
            // response end handler): the context becomes unreachable with the request, and the
            // cleaner then finishes the profile. Ending holds no reference to the context.
            Cleaner.Cleanable cleanable = CLEANER.register(ctx, ending);
            return new Active(req, binding, ending, cleanable);
        } catch (RuntimeException | LinkageError e) {
            if (req != null && req.isProfiled()) {
                req.profiler().disable();
            }
            if (warnedBegin.compareAndSet(false, true)) {
                LOG.warn("treeprof could not start profiling {} {} (further failures at DEBUG)", method, rawPath, e);
            } else {
                LOG.debug("treeprof could not start profiling {} {}: {}", method, rawPath, e.toString());
            }
            return null;
        }
    }

    /** One profiled request in flight. */
    static final class Active {
        private final ProfiledRequest request;
        private final ContextBinding binding;
        private final Ending ending;
        private final Cleaner.Cleanable cleanable;

        Active(ProfiledRequest request, ContextBinding binding, Ending ending, Cleaner.Cleanable cleanable) {
            this.request = request;
            this.binding = binding;
            this.ending = ending;
            this.cleanable = cleanable;
        }

        ProfiledRequest request() {
            return request;
        }

        /**
         * Ends the request (first call only): unbinds its context, so later callbacks record
         * nowhere, and finishes the profile on the finisher threads. Never throws.
         *
         * <p>Vert.x signals the end synchronously inside {@code response.end()}, while the code
         * that called it may still be inside its scopes; cProfile-like numbers need those scopes
         * closed. So the end runs on the next turn of the calling context, after that code has
         * returned (right away when there is no context, e.g. Vert.x closing).
         */
        void end(int status, Map<String, String> attributes) {
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

        private void endNow(int status, Map<String, String> attributes) {
            try {
                binding.close();
                ending.end(status, attributes);
                cleanable.clean();
            } catch (RuntimeException e) {
                LOG.debug("treeprof could not end {}: {}", request, e.toString());
            }
        }
    }

    /** Finishes a request once; also the cleaner's action, so it must not reference the context. */
    static final class Ending implements Runnable {
        private final ProfiledRequest request;
        private final Release release;
        /** The options name an executor for finishing: finish() is cheap here and moves the rest there. */
        private final boolean userExecutor;
        private final AtomicBoolean done = new AtomicBoolean();

        Ending(ProfiledRequest request, Release release, boolean userExecutor) {
            this.request = request;
            this.release = release;
            this.userExecutor = userExecutor;
        }

        void end(int status, Map<String, String> attributes) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            release.release();
            if (userExecutor) {
                request.finish(status, attributes);
            } else {
                finish(request, status, attributes);
            }
        }

        /** The context was collected and the end was never signalled. */
        @Override
        public void run() {
            end(RequestInfo.UNKNOWN_STATUS, Map.of(ERROR, NOT_OBSERVED));
        }
    }

    /** Hands the request to the finisher threads; a rejected one is stopped and dropped. */
    static void finish(ProfiledRequest request, int status, Map<String, String> attributes) {
        try {
            FINISHER.execute(() -> request.finish(status, attributes));
        } catch (RejectedExecutionException e) {
            request.profiler().disable();
            LOG.warn("treeprof dropped the profile of {}: too many profiles waiting to be written", request.request());
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

    private static ThreadPoolExecutor finisher() {
        ThreadPoolExecutor e = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000),
                daemon("treeprof-vertx-finisher"));
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The executor that finishes requests; package-private for tests that wait for it. */
    static Executor finisherExecutor() {
        return FINISHER;
    }
}
