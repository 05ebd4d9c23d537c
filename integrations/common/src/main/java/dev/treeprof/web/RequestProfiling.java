package dev.treeprof.web;

import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Stats;
import dev.treeprof.web.internal.Warnings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-request lifecycle of werkzeug's {@code ProfilerMiddleware}, shared by the framework
 * integrations: they translate their framework's events into {@link #begin}, the bindings of
 * {@link ProfiledRequest}, and {@link ProfiledRequest#finish}; this class does the rest, once. One
 * instance per middleware; thread-safe.
 *
 * <pre>{@code
 * RequestProfiling profiling = new RequestProfiling(options);
 * // request arrives
 * ProfiledRequest req = profiling.begin(RequestInfo.of(method, path));
 * try (Binding b = req.enter()) {
 *     handler.handle(...);                // scopes land in the request's profile
 * }
 * // response complete (possibly on another thread, possibly signalled twice)
 * req.finish(status);
 * }</pre>
 *
 * <h2>At the end of a request</h2>
 * On the thread that ends it, the profiler stops and the profile joins {@link #recent()}: a few
 * field writes, so even an I/O thread may end requests. The stats are not built there: a profile
 * only kept in memory never pays for them. When a report is printed or a file is written, that
 * work goes to the options' {@linkplain ProfilerOptions.Builder#executor executor}, by default a
 * single background writer thread per middleware with a bounded queue
 * ({@linkplain ProfilerOptions.Builder#writeQueueCapacity writeQueueCapacity}). When the queue is
 * full the report and file of that request are dropped and counted
 * ({@link RecentProfiles#droppedOutputs()}, and a warning at most once a minute): a request never
 * waits for the disk and memory never grows with the request rate. While work waits for it, the
 * default writer also keeps to a quarter of the machine's CPU (half a core on two cores, no limit
 * from four cores on), resting in proportion to its work: a writer that cannot keep up would
 * otherwise take a whole core from the server; what it cannot write in that share is dropped and
 * counted the same way.
 *
 * <p>The report is werkzeug's:
 * <pre>
 * --------------------------------------------------------------------------------
 * PATH: '/hello/world'
 *          10 function calls in 0.020 seconds
 *    ...the pstats table, sorted by sortBy, cut by restrictions...
 * --------------------------------------------------------------------------------
 *
 * </pre>
 * The file goes to {@code profileDir} under a {@link SafeFileNames safe name}, written to a
 * temporary sibling and then linked into place; an existing file is never replaced (a name taken
 * already gets a short unique suffix). The directory is then trimmed to its retention bounds.
 * None of this ever throws into the request: failures are logged (WARN once, then DEBUG until it
 * works again) and reported in {@link RequestProfile#fileError()}.
 */
public final class RequestProfiling {

    private static final Logger LOG = LoggerFactory.getLogger(RequestProfiling.class);
    private static final String DASHES = "-".repeat(80);
    private static final long ONE_MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final ProfilerOptions options;
    private final RecentProfiles recent;
    private final ProfileFiles files;
    private final String[] sortBy;
    private final Object[] restrictions;
    private final AtomicLong sequence = new AtomicLong();
    private final Warnings beginFailures = new Warnings(LOG);
    private final Warnings endFailures = new Warnings(LOG);
    private final Warnings printFailures = new Warnings(LOG);
    private final Warnings.DropCounter drops = new Warnings.DropCounter(LOG, "profile reports and files", ONE_MINUTE);
    private final OutputQueue output;
    private volatile boolean warnedNoImpl;

    /** A middleware core with these options. */
    public RequestProfiling(ProfilerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.recent = new RecentProfiles(options.recentCapacity(), options.recentMaxAge(), options.ticker(),
                drops::count);
        Path dir = options.profileDir().orElse(null);
        this.files = dir == null ? null : new ProfileFiles(dir.toAbsolutePath().normalize(), options);
        this.sortBy = options.sortBy().toArray(new String[0]);
        this.restrictions = options.restrictions().toArray();
        this.output = options.hasExecutor() ? null : new OutputQueue(options.writeQueueCapacity());
    }

    /** The options. */
    public ProfilerOptions options() {
        return options;
    }

    /** The profiles of recent requests. */
    public RecentProfiles recent() {
        return recent;
    }

    /**
     * {@link #begin(RequestInfo)} for a request starting now. The sampling rate is applied first,
     * so a request it passes over costs no {@link RequestInfo} (nor the clock reads to make one).
     */
    public ProfiledRequest begin(String method, String path) {
        if (!sampled()) {
            return ProfiledRequest.notProfiled();
        }
        return selected(RequestInfo.of(method, path));
    }

    /**
     * {@link #begin(RequestInfo)} for a request that started at {@code startNanos} on the
     * {@link System#nanoTime()} clock (a server's own request start time); like
     * {@link #begin(String, String)}, a request the sampling rate passes over costs no
     * {@link RequestInfo}.
     */
    public ProfiledRequest begin(String method, String path, long startNanos) {
        if (!sampled()) {
            return ProfiledRequest.notProfiled();
        }
        return selected(RequestInfo.of(method, path, startNanos));
    }

    /**
     * Starts profiling a request if the sampling rate and the predicate select it: returns a
     * handle holding a started (not yet bound) profiler, or {@link ProfiledRequest#notProfiled()}.
     * Never throws: a failing predicate is logged and the request is not profiled.
     */
    public ProfiledRequest begin(RequestInfo request) {
        if (request == null || !sampled()) {
            return ProfiledRequest.notProfiled();
        }
        return selected(request);
    }

    /** Draws the sampling decision of one request; true at rate 1. Never throws. */
    private boolean sampled() {
        double rate = options.sampleRate();
        if (rate >= 1.0) {
            return true;
        }
        try {
            return rate > 0.0 && options.random().getAsDouble() < rate;
        } catch (RuntimeException e) {
            beginFailures.failed("could not draw the sampling decision", e);
            return false;
        }
    }

    /** Begins a request the sampling rate selected, if the predicate selects it too. */
    private ProfiledRequest selected(RequestInfo request) {
        try {
            if (!options.filter().test(request)) {
                return ProfiledRequest.notProfiled();
            }
            Profiler p = Profile.newProfiler();
            p.start();
            if (!p.isEnabled()) {
                // No implementation bound (the API alone records nothing): say so once, not per request.
                if (!warnedNoImpl) {
                    warnedNoImpl = true;
                    LOG.warn("treeprof request profiling is off: no treeprof implementation records "
                            + "(add treeprof-impl to the class path)");
                }
                return ProfiledRequest.notProfiled();
            }
            return new ProfiledRequest(this, request, p);
        } catch (RuntimeException | LinkageError e) {
            // Mostly a failing profileIf predicate.
            beginFailures.failed("could not start profiling " + request, e);
            return ProfiledRequest.notProfiled();
        }
    }

    /** Arms the late-work watch of a request whose response completed while its work still runs. */
    Future<?> watchLateWork(ProfiledRequest request) {
        try {
            return LateWork.watch(request, options.lateWorkGrace().toMillis());
        } catch (RuntimeException e) {
            endFailures.failed("could not watch late work of " + request.request(), e);
            return null;
        }
    }

    /** The one end of a profiled request, called by {@link ProfiledRequest}. Never throws. */
    void end(ProfiledRequest handle, int status, Map<String, String> attributes,
             CompletableFuture<RequestProfile> result) {
        RequestProfile profile = null;
        try {
            RequestInfo request = handle.request();
            long elapsed = Math.max(0, System.nanoTime() - request.startNanos());
            try {
                handle.profiler().disable();
            } catch (RuntimeException e) {
                endFailures.failed("could not stop the profiler of " + request, e);
            }
            RequestInfo ended = request.finished(status, elapsed, List.of()).withAttributes(attributes);
            long seq = sequence.incrementAndGet();
            profile = new RequestProfile(Long.toString(seq), seq, ended, handle.profiler(), result);
            recent.add(profile);
        } catch (RuntimeException | LinkageError e) {
            endFailures.failed("could not complete the profile of " + handle.request(), e);
            result.complete(null);
            return;
        }
        RequestProfile done = profile;
        if (!options.outputEnabled() && files == null) {
            done.outputDone();
            return;
        }
        Runnable task = () -> {
            try {
                produce(done);
            } finally {
                done.outputDone();
            }
        };
        try {
            if (output != null) {
                if (!output.offer(task)) {
                    drops.drop("the writer's queue is full (writeQueueCapacity " + options.writeQueueCapacity()
                            + "); the profiles stay in memory");
                    done.outputDone();
                }
            } else {
                options.executor().execute(task);
            }
        } catch (RuntimeException e) {
            // RejectedExecutionException mostly: the user's executor is overloaded or shut down.
            drops.drop("the executor refused the work: " + e);
            done.outputDone();
        }
    }

    /** Prints the report and writes the file of one profile. Never throws. */
    private void produce(RequestProfile profile) {
        Stats stats;
        try {
            stats = profile.stats();
        } catch (RuntimeException | LinkageError e) {
            endFailures.failed("could not build the stats of " + profile.endedRequest(), e);
            return;
        }
        RequestInfo request = profile.request();
        if (options.outputEnabled()) {
            try {
                options.output().accept(report(request.path(), stats, sortBy, restrictions));
            } catch (RuntimeException e) {
                printFailures.failed("could not print the profile of " + request, e);
            }
        }
        if (files != null) {
            files.write(profile, request, stats);
        }
    }

    /**
     * werkzeug's report: 80 dashes, {@code PATH: <repr of path>}, the stats table sorted and
     * restricted, 80 dashes and an empty line.
     */
    static String report(String path, Stats stats, String[] sortBy, Object[] restrictions) {
        return DASHES + "\nPATH: " + PythonRepr.of(path) + "\n" + stats.sortStats(sortBy).formatStats(restrictions)
                + DASHES + "\n\n";
    }

    /** Work waiting for the background writer now; for tests and diagnostics. */
    int queuedOutputs() {
        return output == null ? 0 : output.size();
    }
}
