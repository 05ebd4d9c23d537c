package dev.treeprof.viewer;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import java.io.IOException;
import java.util.Map;

/**
 * What the requests list shows of one profile: the request (method, path, status, start and
 * duration, from the metadata the web integrations write) and the profile's size (threads, calls)
 * with the function that has the most own time. Immutable.
 */
final class ProfileSummary {

    static final String META_METHOD = "request.method";
    static final String META_PATH = "request.path";
    static final String META_STATUS = "request.status";
    static final String META_ELAPSED_NANOS = "request.elapsedNanos";
    static final String META_START_EPOCH_MILLIS = "request.startEpochMillis";
    /** The route template the application matched (e.g. {@code /orders/{id}}), when it says. */
    static final String META_ROUTE = "request.route";

    final String method;
    final String path;
    final String route;
    final int status;
    final long startMillis;
    final long durationNanos;
    final int threads;
    final long calls;
    final String top;
    final double topOwn;
    final boolean exact;

    private ProfileSummary(String method, String path, String route, int status, long startMillis, long durationNanos,
                           int threads, long calls, String top, double topOwn, boolean exact) {
        this.method = method;
        this.path = path;
        this.route = route;
        this.status = status;
        this.startMillis = startMillis;
        this.durationNanos = durationNanos;
        this.threads = threads;
        this.calls = calls;
        this.top = top;
        this.topOwn = topOwn;
        this.exact = exact;
    }

    static ProfileSummary of(Stats stats) {
        Map<String, String> meta = stats.metadata();
        long start = parseLong(meta.get(META_START_EPOCH_MILLIS), stats.startMillis());
        long duration = parseLong(meta.get(META_ELAPSED_NANOS), stats.durationNanos());
        StatsRow top = null;
        for (StatsRow r : stats.rows()) {
            if (top == null || r.tottime() > top.tottime()) {
                top = r;
            }
        }
        if (duration <= 0) {
            // no recorded duration (e.g. a .prof file): the time the table accounts for
            duration = Math.round(stats.totalTime() * 1e9);
        }
        return new ProfileSummary(meta.get(META_METHOD), meta.get(META_PATH), meta.get(META_ROUTE),
                (int) parseLong(meta.get(META_STATUS), 0), start, duration, stats.callTree().threads().size(),
                stats.totalCalls(), top == null ? null : top.label(), top == null ? 0 : top.tottime(),
                !stats.callTree().isEmpty());
    }

    private static long parseLong(String s, long otherwise) {
        if (s == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    void writeFields(JsonGenerator g) throws IOException {
        if (method != null) {
            g.writeStringField("method", method);
        }
        if (path != null) {
            g.writeStringField("path", path);
        }
        if (route != null) {
            g.writeStringField("route", route);
        }
        if (status != 0) {
            g.writeNumberField("status", status);
        }
        g.writeNumberField("startMillis", startMillis);
        g.writeNumberField("durationNanos", durationNanos);
        g.writeNumberField("threads", threads);
        g.writeNumberField("calls", calls);
        if (top != null) {
            g.writeStringField("top", top);
            g.writeNumberField("topOwn", topOwn);
        }
        g.writeBooleanField("exact", exact);
    }
}
