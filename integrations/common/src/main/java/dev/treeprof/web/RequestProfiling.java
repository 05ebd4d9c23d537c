package dev.treeprof.web;

import dev.treeprof.impl.stats.PyFormat;

import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.impl.record.TreeProfiler;
import dev.treeprof.impl.stats.StatsTable;
import dev.treeprof.ThreadTree;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-request lifecycle of werkzeug's {@code ProfilerMiddleware}, shared by the framework
 * integrations. One instance per middleware; thread-safe.
 *
 * <pre>{@code
 * RequestProfiling profiling = new RequestProfiling(options);
 * // request arrives
 * ProfiledRequest req = profiling.begin(RequestInfo.of(method, path));
 * try (Binding b = req.attach()) {
 *     handler.handle(...);                // scopes land in the request's profile
 * }
 * // response complete (possibly on another thread, possibly signalled twice)
 * req.finish(status);
 * }</pre>
 *
 * <p>At finish the report is printed like werkzeug's:
 * <pre>
 * --------------------------------------------------------------------------------
 * PATH: '/hello/world'
 *          10 function calls in 0.020 seconds
 *    ...the pstats table, sorted by sortBy, cut by restrictions...
 * --------------------------------------------------------------------------------
 *
 * </pre>
 * then the profile is written to {@code profileDir} under a {@link SafeFileNames safe name}
 * (written to a temporary sibling first and moved into place), the directory is trimmed to its
 * retention bounds, and the profile is kept in {@link #recent()}. None of this ever throws into
 * the request: failures are logged (a failing directory at WARN once, then at DEBUG until it
 * works again) and reported in {@link RequestProfile#fileError()}.
 */
public final class RequestProfiling {

    private static final Logger LOG = LoggerFactory.getLogger(RequestProfiling.class);
    private static final String DASHES = "-".repeat(80);
    private static final String TEMP_PREFIX = ".treeprof-";

    private final ProfilerOptions options;
    private final RecentProfiles recent;
    private final FileRetention retention;
    private final String[] sortBy;
    private final Object[] restrictions;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicBoolean warnedNoImpl = new AtomicBoolean();
    private final AtomicBoolean warnedBegin = new AtomicBoolean();
    /** Whether the last file write failed, so that a broken directory warns once, not per request. */
    private final AtomicBoolean fileFailing = new AtomicBoolean();

    /** A middleware core with these options. */
    public RequestProfiling(ProfilerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.recent = new RecentProfiles(options.recentCapacity(), options.recentMaxAge(), options.ticker());
        Path dir = options.profileDir().orElse(null);
        this.retention = dir == null ? null : new FileRetention(dir.toAbsolutePath().normalize(),
                options.maxFiles(), options.maxTotalBytes(), options.fileNameFormat().ownNames());
        this.sortBy = options.sortBy().toArray(new String[0]);
        this.restrictions = options.restrictions().toArray();
    }

    /** The options. */
    public ProfilerOptions options() {
        return options;
    }

    /** The profiles of recent requests. */
    public RecentProfiles recent() {
        return recent;
    }

    /** {@link #begin(RequestInfo)} for a request starting now. */
    public ProfiledRequest begin(String method, String path) {
        return begin(RequestInfo.of(method, path));
    }

    /**
     * Starts profiling a request if the sampling rate and the predicate select it: returns a
     * handle holding a started (not yet bound) profiler, or {@link ProfiledRequest#notProfiled()}.
     * Never throws: a failing predicate is logged and the request is not profiled.
     */
    public ProfiledRequest begin(RequestInfo request) {
        if (request == null) {
            return ProfiledRequest.notProfiled();
        }
        try {
            double rate = options.sampleRate();
            if (rate < 1.0 && !(rate > 0.0 && options.random().getAsDouble() < rate)) {
                return ProfiledRequest.notProfiled();
            }
            if (!options.filter().test(request)) {
                return ProfiledRequest.notProfiled();
            }
            Profiler p = Profile.newProfiler();
            if (!(p instanceof TreeProfiler)) {
                if (warnedNoImpl.compareAndSet(false, true)) {
                    LOG.warn("treeprof request profiling is off: the bound provider made {}, not a TreeProfiler "
                            + "(is treeprof-impl the provider?)", p.getClass().getName());
                }
                return ProfiledRequest.notProfiled();
            }
            TreeProfiler tp = (TreeProfiler) p;
            tp.start();
            return new ProfiledRequest(this, request, tp);
        } catch (RuntimeException | LinkageError e) {
            // Mostly a failing profileIf predicate: the stack once, then quietly, not per request.
            if (warnedBegin.compareAndSet(false, true)) {
                LOG.warn("treeprof could not start profiling {} (further failures at DEBUG)", request, e);
            } else {
                LOG.debug("treeprof could not start profiling {}: {}", request, e.toString());
            }
            return ProfiledRequest.notProfiled();
        }
    }

    /** Called once per profiled request by {@link ProfiledRequest#finish}. */
    void finish(ProfiledRequest handle, int status, Map<String, String> attributes,
                CompletableFuture<RequestProfile> result) {
        long elapsed = Math.max(0, System.nanoTime() - handle.request().startNanos());
        try {
            handle.profiler().disable();
        } catch (RuntimeException e) {
            LOG.warn("treeprof could not stop the profiler of {}: {}", handle.request(), e.toString(), e);
        }
        Map<String, String> attrs = new LinkedHashMap<>(attributes);
        Runnable task = () -> result.complete(complete(handle, status, elapsed, attrs));
        try {
            options.executor().execute(task);
        } catch (RuntimeException e) {
            // RejectedExecutionException mostly: an overloaded or shut-down executor drops the profile.
            LOG.warn("treeprof dropped the profile of {}: {}", handle.request(), e.toString());
            result.complete(null);
        }
    }

    /** Builds, prints, writes and keeps one profile; returns null when it cannot be built. Never throws. */
    private RequestProfile complete(ProfiledRequest handle, int status, long elapsed, Map<String, String> attributes) {
        RequestInfo request = handle.request();
        try {
            StatsTable raw = (StatsTable) handle.profiler().stats();
            Set<String> threadNames = new LinkedHashSet<>();
            for (ThreadTree t : raw.threads()) {
                threadNames.add(t.threadName());
            }
            RequestInfo done = request.finished(status, elapsed, List.copyOf(threadNames));
            for (Map.Entry<String, String> e : attributes.entrySet()) {
                if (e.getKey() != null && e.getValue() != null) {
                    done = done.withAttribute(e.getKey(), e.getValue());
                }
            }
            StatsTable stats = raw.withMetadata(done.toMetadata());
            print(done, stats);
            Path file = null;
            String fileError = null;
            if (retention != null) {
                try {
                    file = write(done, stats);
                    if (fileFailing.compareAndSet(true, false)) {
                        LOG.info("treeprof writes profiles to {} again", file.getParent());
                    }
                } catch (IOException | RuntimeException e) {
                    fileError = e.toString();
                    if (fileFailing.compareAndSet(false, true)) {
                        LOG.warn("treeprof could not write the profile of {} to {}: {} (further failures at DEBUG)",
                                done, options.profileDir().orElse(null), fileError);
                    } else {
                        LOG.debug("treeprof could not write the profile of {}: {}", done, fileError);
                    }
                }
            }
            long seq = sequence.incrementAndGet();
            RequestProfile profile = new RequestProfile(Long.toString(seq), seq, done, stats, file, fileError);
            recent.add(profile);
            return profile;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("treeprof could not complete the profile of {}: {}", request, e.toString(), e);
            return null;
        }
    }

    private void print(RequestInfo request, StatsTable stats) {
        try {
            if (options.outputEnabled()) {
                options.output().accept(report(request.path(), stats, sortBy, restrictions));
            }
        } catch (RuntimeException e) {
            LOG.warn("treeprof could not print the profile of {}: {}", request, e.toString(), e);
        }
    }

    /**
     * werkzeug's report: 80 dashes, {@code PATH: <repr of path>}, the stats table sorted and
     * restricted, 80 dashes and an empty line.
     */
    static String report(String path, StatsTable stats, String[] sortBy, Object[] restrictions) {
        return DASHES + "\nPATH: " + PyFormat.reprString(path) + "\n" + stats.sortStats(sortBy).formatStats(restrictions)
                + DASHES + "\n\n";
    }

    /**
     * Writes the profile under its safe name through a temporary sibling; returns the file. The
     * temporary name is random, so middlewares sharing a directory never write the same file.
     */
    private Path write(RequestInfo request, StatsTable stats) throws IOException {
        Path dir = options.profileDir().orElseThrow().toAbsolutePath().normalize();
        Files.createDirectories(dir);
        String name = options.fileNameFormat().fileName(request);
        Path target = SafeFileNames.resolveInside(dir, name);
        // The temporary name keeps the final name's extension, which picks the dump format.
        Path temp = SafeFileNames.resolveInside(dir, TEMP_PREFIX
                + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE) + "-" + name);
        try {
            options.profileWriter().write(stats, temp);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException | RuntimeException e) {
                LOG.debug("treeprof could not delete {}: {}", temp, e.toString());
            }
        }
        retention.written(target, Files.size(target));
        return target;
    }
}
