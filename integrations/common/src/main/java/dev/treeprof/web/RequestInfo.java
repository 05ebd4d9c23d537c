package dev.treeprof.web;


import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What is known about one HTTP request: its method and path from the start, and its status,
 * duration and the threads that recorded for it once it has finished. Immutable.
 *
 * <p>A framework module makes one with {@link #of(String, String)} (or
 * {@link #of(String, String, long)} when the server recorded the start itself) and hands it to
 * {@link RequestProfiling#begin(RequestInfo)}; the finished copy is what
 * {@link RequestProfile#request()}, file-name lambdas and the profile's metadata see.
 */
public final class RequestInfo {

    /** Metadata key of the method. */
    public static final String META_METHOD = "request.method";
    /** Metadata key of the path. */
    public static final String META_PATH = "request.path";
    /** Metadata key of the status (absent while unknown). */
    public static final String META_STATUS = "request.status";
    /** Metadata key of the elapsed time in nanoseconds (absent while unknown). */
    public static final String META_ELAPSED_NANOS = "request.elapsedNanos";
    /** Metadata key of the start, epoch milliseconds. */
    public static final String META_START_EPOCH_MILLIS = "request.startEpochMillis";
    /** Metadata key of the thread names, joined by {@code ", "} (absent when none). */
    public static final String META_THREADS = "request.threads";
    /** Metadata key: the name of the machine that served the request, to tell hosts apart when profiles of a fleet are merged. */
    public static final String META_HOST = "request.host";
    /**
     * Metadata key: the framework's route template that handled the request (e.g.
     * {@code /orders/:id}), when the framework knows one; set by the integrations as an attribute.
     */
    public static final String META_ROUTE = "request.route";

    /** The status of a request that has not finished, or whose status is unknown. */
    public static final int UNKNOWN_STATUS = -1;

    private final String method;
    private final String path;
    private final long startEpochMillis;
    private final long startNanos;
    private final int status;
    private final long elapsedNanos;
    private final List<String> threadNames;
    private final Map<String, String> attributes;

    private RequestInfo(String method, String path, long startEpochMillis, long startNanos, int status,
                        long elapsedNanos, List<String> threadNames, Map<String, String> attributes) {
        this.method = method;
        this.path = path;
        this.startEpochMillis = startEpochMillis;
        this.startNanos = startNanos;
        this.status = status;
        this.elapsedNanos = elapsedNanos;
        this.threadNames = threadNames;
        this.attributes = attributes;
    }

    /**
     * A request starting now.
     *
     * @param method the HTTP method as received (it is sanitised only where it becomes a file name)
     * @param path   the request path; anything from a {@code '?'} on is dropped, as werkzeug's
     *               {@code PATH_INFO} never holds the query
     * @throws NullPointerException if method or path is null
     */
    public static RequestInfo of(String method, String path) {
        return of(method, path, System.nanoTime());
    }

    /**
     * A request that started at {@code startNanos} on the {@link System#nanoTime()} clock (e.g.
     * Undertow's {@code getRequestStartTime()}); its epoch start is derived from the current
     * wall clock.
     *
     * @throws NullPointerException if method or path is null
     */
    public static RequestInfo of(String method, String path, long startNanos) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        int q = path.indexOf('?');
        String p = q >= 0 ? path.substring(0, q) : path;
        long agoMillis = Math.max(0, (System.nanoTime() - startNanos) / 1_000_000);
        return new RequestInfo(method, p, System.currentTimeMillis() - agoMillis, startNanos, UNKNOWN_STATUS, -1,
                List.of(), Map.of());
    }

    /**
     * This request with one more free-form attribute (e.g. the route template, or an error such as
     * "connection closed"); it lands in the profile's metadata under its own key.
     *
     * @throws NullPointerException if key or value is null
     */
    public RequestInfo withAttribute(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Map<String, String> m = new LinkedHashMap<>(attributes);
        m.put(key, value);
        return new RequestInfo(method, path, startEpochMillis, startNanos, status, elapsedNanos, threadNames,
                Collections.unmodifiableMap(m));
    }

    /**
     * This request with the non-null entries of {@code more} added to its attributes, in one
     * copy (a request ends with a few attributes; {@link #withAttribute} per entry would copy the
     * map once per entry). This request itself when there is nothing to add.
     */
    RequestInfo withAttributes(Map<String, String> more) {
        if (more.isEmpty()) {
            return this;
        }
        if (attributes.isEmpty()) {
            Map<String, String> m = withoutNulls(more); // the usual end: nothing to merge with
            return m.isEmpty() ? this
                    : new RequestInfo(method, path, startEpochMillis, startNanos, status, elapsedNanos, threadNames, m);
        }
        Map<String, String> m = new LinkedHashMap<>(attributes);
        for (Map.Entry<String, String> e : more.entrySet()) {
            if (e.getKey() != null && e.getValue() != null) {
                m.put(e.getKey(), e.getValue());
            }
        }
        return m.size() == attributes.size() && m.equals(attributes) ? this
                : new RequestInfo(method, path, startEpochMillis, startNanos, status, elapsedNanos, threadNames,
                        Collections.unmodifiableMap(m));
    }

    /**
     * The non-null entries of {@code map}, in its order, unmodifiable and never the map given.
     * None or one (a request's usual end: a route template, or an error) take no ordered map to
     * fill.
     */
    static Map<String, String> withoutNulls(Map<String, String> map) {
        String firstKey = null;
        String firstValue = null;
        LinkedHashMap<String, String> several = null;
        for (Map.Entry<String, String> e : map.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (key == null || value == null) {
                continue;
            }
            if (firstKey == null) {
                firstKey = key;
                firstValue = value;
            } else {
                if (several == null) {
                    several = new LinkedHashMap<>();
                    several.put(firstKey, firstValue);
                }
                several.put(key, value);
            }
        }
        if (several != null) {
            return Collections.unmodifiableMap(several);
        }
        return firstKey == null ? Map.of() : Map.of(firstKey, firstValue);
    }

    /**
     * This request, finished. {@link RequestProfiling} makes this copy itself; public for tests
     * and for callers that build file names or metadata outside the lifecycle.
     *
     * @param status       the HTTP status, or {@link #UNKNOWN_STATUS}
     * @param elapsedNanos the duration, not negative
     * @param threadNames  the names of the threads that recorded for the request
     * @throws IllegalArgumentException if elapsedNanos is negative
     */
    public RequestInfo finished(int status, long elapsedNanos, List<String> threadNames) {
        if (elapsedNanos < 0) {
            throw new IllegalArgumentException("elapsedNanos must not be negative: " + elapsedNanos);
        }
        return new RequestInfo(method, path, startEpochMillis, startNanos, status, elapsedNanos,
                List.copyOf(threadNames), attributes);
    }

    /** The HTTP method as received. */
    public String method() {
        return method;
    }

    /** The path without query, as received. */
    public String path() {
        return path;
    }

    /** The start, epoch milliseconds. */
    public long startEpochMillis() {
        return startEpochMillis;
    }

    /** The start on the {@link System#nanoTime()} clock. */
    public long startNanos() {
        return startNanos;
    }

    /** Whether the request has finished (its duration is known). */
    public boolean isFinished() {
        return elapsedNanos >= 0;
    }

    /** The HTTP status, or {@link #UNKNOWN_STATUS} while unknown. */
    public int status() {
        return status;
    }

    /** The duration in nanoseconds, or -1 while the request runs. */
    public long elapsedNanos() {
        return elapsedNanos;
    }

    /** The duration in milliseconds (werkzeug's {@code elapsed}), or -1 while the request runs. */
    public double elapsedMillis() {
        return elapsedNanos < 0 ? -1 : elapsedNanos / 1e6;
    }

    /** The end, epoch milliseconds (start plus duration); the start while the request runs. */
    public long endEpochMillis() {
        return startEpochMillis + Math.max(0, elapsedNanos) / 1_000_000;
    }

    /** The names of the threads that recorded for the request, empty until it has finished. */
    public List<String> threadNames() {
        return threadNames;
    }

    /** The free-form attributes added with {@link #withAttribute}. */
    public Map<String, String> attributes() {
        return attributes;
    }

    /**
     * This request as profile metadata (for {@code StatsTable.withMetadata}): the attributes, then
     * the {@code request.*} keys of this class, which win over attributes of the same name.
     */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>(attributes);
        m.put(META_METHOD, method);
        m.put(META_PATH, path);
        if (status != UNKNOWN_STATUS) {
            m.put(META_STATUS, Integer.toString(status));
        }
        if (elapsedNanos >= 0) {
            m.put(META_ELAPSED_NANOS, Long.toString(elapsedNanos));
        }
        m.put(META_START_EPOCH_MILLIS, Long.toString(startEpochMillis));
        m.put(META_HOST, Host.NAME);
        if (!threadNames.isEmpty()) {
            m.put(META_THREADS, String.join(", ", threadNames));
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return "RequestInfo[" + method + " " + PythonRepr.of(path) + (status == UNKNOWN_STATUS ? "" : " -> " + status)
                + (elapsedNanos < 0 ? "" : " in " + elapsedMillis() + " ms") + "]";
    }

    /** This machine's name, looked up once (a slow resolver must not cost every request). */
    private static final class Host {
        static final String NAME = lookup();

        private static String lookup() {
            String env = System.getenv("HOSTNAME");
            if (env != null && !env.isBlank()) {
                return env.trim();
            }
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException | RuntimeException e) {
                return "localhost";
            }
        }
    }
}
