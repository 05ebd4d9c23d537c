package dev.treeprof.viewer;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * werkzeug's default file name, which treeprof's integrations also write:
     * {@code GET.orders.42.17ms.1795633168.prof} is method, path (slashes as dots, {@code root} for
     * {@code /}), elapsed milliseconds and start in epoch seconds.
     */
    private static final Pattern WERKZEUG_NAME = Pattern.compile(
            "(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|TRACE|CONNECT)\\.(.+)\\.(\\d{1,12})ms\\.(\\d{1,12})\\.[A-Za-z]+");

    /**
     * The summary of a loaded profile. A {@code .prof} file carries no metadata; when its name is
     * werkzeug's, the request is read from the name instead.
     */
    static ProfileSummary of(Stats stats, String fileName) {
        Map<String, String> meta = stats.metadata();
        Matcher m = WERKZEUG_NAME.matcher(fileName);
        if (meta.get(META_METHOD) == null && m.matches()) {
            Map<String, String> fromName = new HashMap<>(meta);
            fromName.put(META_METHOD, m.group(1));
            String path = m.group(2).equals("root") ? "" : m.group(2).replace('.', '/');
            fromName.put(META_PATH, "/" + path);
            fromName.put(META_ELAPSED_NANOS, Long.toString(Long.parseLong(m.group(3)) * 1_000_000L));
            fromName.put(META_START_EPOCH_MILLIS, Long.toString(Long.parseLong(m.group(4)) * 1000L));
            meta = fromName;
        }
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
