package dev.treeprof.web;

import dev.treeprof.Stats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes request profiles to a Pyroscope-compatible ingest endpoint: every interval, the profiles
 * offered since the last push are merged per route ({@link ProfileGroups}) and each group is sent
 * as pprof to {@code POST /ingest?name=APP{route=...}&from=..&until=..&format=pprof}. Nothing is
 * pushed unless an exporter is built and started: it is off by default.
 *
 * <pre>{@code
 * PyroscopeExporter exporter = PyroscopeExporter.builder(URI.create("http://pyroscope:4040"), "shop")
 *         .interval(Duration.ofSeconds(15)).build();
 * exporter.start();
 * // for each finished request profile:
 * exporter.offer(requestProfile.stats());
 * }</pre>
 *
 * <p>A slow or absent backend never slows a request: {@link #offer} only adds to a bounded queue
 * and, when it is full, drops the profile and counts it ({@link #dropped()}). A push that fails
 * (connection refused, timeout, a status other than 2xx) is not retried: its profiles are counted
 * in {@link #failed()} and let go, so memory stays bounded by the queue's capacity whatever the
 * backend does. Pushes run on one daemon thread.
 */
public final class PyroscopeExporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PyroscopeExporter.class);

    private final URI ingest;
    private final String appName;
    private final Duration interval;
    private final Duration timeout;
    private final ProfileGroups.By by;
    private final ArrayBlockingQueue<Stats> queue;
    private final HttpClient http;
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final Object pushLock = new Object();
    private volatile ScheduledExecutorService scheduler;
    private long lastPushMillis = System.currentTimeMillis();
    /** Whether the last push failed: a backend that stays down is warned about once, not every interval. */
    private boolean failing;

    private PyroscopeExporter(Builder b) {
        String base = b.server.toString();
        this.ingest = URI.create(base.endsWith("/") ? base + "ingest" : base + "/ingest");
        this.appName = b.appName;
        this.interval = b.interval;
        this.timeout = b.timeout;
        this.by = b.by;
        this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
        this.http = HttpClient.newBuilder().connectTimeout(b.timeout).build();
    }

    /**
     * An exporter to a Pyroscope server (e.g. {@code http://pyroscope:4040}; {@code /ingest} is
     * added) for the application name {@code appName} (Pyroscope's series name, e.g. {@code shop}).
     */
    public static Builder builder(URI server, String appName) {
        return new Builder(server, appName);
    }

    /** Settings of an exporter. */
    public static final class Builder {
        private final URI server;
        private final String appName;
        private Duration interval = Duration.ofSeconds(15);
        private Duration timeout = Duration.ofSeconds(10);
        private int queueCapacity = 1000;
        private ProfileGroups.By by = ProfileGroups.By.ROUTE;

        private Builder(URI server, String appName) {
            this.server = Objects.requireNonNull(server, "server");
            this.appName = Objects.requireNonNull(appName, "appName");
            String scheme = server.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("the Pyroscope server must be an http or https URI: " + server);
            }
            if (appName.isBlank() || appName.matches(".*[{}=,\\s].*")) {
                throw new IllegalArgumentException("not a Pyroscope application name: '" + appName + "'");
            }
        }

        /** How often to push (default 15 s, at least 1 s). */
        public Builder interval(Duration d) {
            if (d.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("interval below 1 s: " + d);
            }
            this.interval = d;
            return this;
        }

        /** How long one push may take, connecting included (default 10 s). */
        public Builder timeout(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + d);
            }
            this.timeout = d;
            return this;
        }

        /** How many profiles may wait for the next push (default 1000); more are dropped and counted. */
        public Builder queueCapacity(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("queue capacity must be at least 1: " + n);
            }
            this.queueCapacity = n;
            return this;
        }

        /** What a pushed profile groups (default {@link ProfileGroups.By#ROUTE}); the group is its label. */
        public Builder by(ProfileGroups.By b) {
            this.by = Objects.requireNonNull(b, "by");
            return this;
        }

        public PyroscopeExporter build() {
            return new PyroscopeExporter(this);
        }
    }

    /** Starts pushing every interval on a daemon thread; idempotent. */
    public synchronized PyroscopeExporter start() {
        if (scheduler == null) {
            ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "treeprof-pyroscope-exporter");
                t.setDaemon(true);
                return t;
            });
            long ms = interval.toMillis();
            s.scheduleWithFixedDelay(this::pushQuietly, ms, ms, TimeUnit.MILLISECONDS);
            scheduler = s;
        }
        return this;
    }

    /**
     * Queues a finished request's profile for the next push; never blocks. Returns false, and
     * counts the profile as dropped, when the queue is full (the backend is slow or down).
     */
    public boolean offer(Stats requestProfile) {
        Objects.requireNonNull(requestProfile, "requestProfile");
        offered.incrementAndGet();
        if (queue.offer(requestProfile)) {
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    /**
     * Pushes what is queued now, on the calling thread: one request per group. Returns the
     * number of profiles sent; failures are counted, logged once per push, never thrown.
     */
    public int push() {
        synchronized (pushLock) {
            List<Stats> batch = new ArrayList<>(queue.size());
            queue.drainTo(batch);
            long from = lastPushMillis;
            long until = System.currentTimeMillis();
            lastPushMillis = until;
            if (batch.isEmpty()) {
                return 0;
            }
            int ok = 0;
            String firstError = null;
            for (Map.Entry<String, List<Stats>> e : ProfileGroups.group(batch, by).entrySet()) {
                List<Stats> parts = e.getValue();
                try {
                    send(e.getKey(), ProfileGroups.merge(e.getKey(), by, parts), from, until);
                    sent.addAndGet(parts.size());
                    ok += parts.size();
                } catch (IOException | RuntimeException ex) {
                    failed.addAndGet(parts.size());
                    String m = e.getKey() + ": " + ex;
                    lastError.set(m);
                    if (firstError == null) {
                        firstError = m;
                    }
                } catch (InterruptedException ex) {
                    failed.addAndGet(parts.size());
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (firstError != null && !failing) {
                LOG.warn("treeprof could not push profiles to {} (they are dropped, not retried; warned once "
                        + "until a push succeeds): {}", ingest, firstError);
            } else if (firstError != null) {
                LOG.debug("treeprof could not push profiles to {}: {}", ingest, firstError);
            } else if (failing) {
                LOG.info("treeprof pushes profiles to {} again", ingest);
            }
            failing = firstError != null;
            return ok;
        }
    }

    private void pushQuietly() {
        try {
            push();
        } catch (RuntimeException e) {
            LOG.warn("treeprof's Pyroscope push failed: {}", e.toString());
        }
    }

    private void send(String group, Stats merged, long fromMillis, long untilMillis)
            throws IOException, InterruptedException {
        ByteArrayOutputStream pprof = new ByteArrayOutputStream();
        merged.dumpStats(pprof, "pprof");
        String boundary = "treeprof-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        ByteArrayOutputStream body = new ByteArrayOutputStream(pprof.size() + 256);
        body.writeBytes(("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"profile\"; filename=\"profile.pprof\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        pprof.writeTo(body);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        String name = appName + "{" + by.label() + "=" + labelValue(group) + "}";
        URI uri = URI.create(ingest + "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                + "&from=" + fromMillis / 1000 + "&until=" + Math.max(fromMillis / 1000, (untilMillis + 999) / 1000)
                + "&format=pprof&spyName=treeprof");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            String text = response.body();
            throw new IOException("HTTP " + response.statusCode()
                    + (text == null || text.isBlank() ? "" : ": " + text.substring(0, Math.min(200, text.length())).trim()));
        }
    }

    /** A label value Pyroscope's {@code name{k=v,...}} syntax can carry: its delimiters become {@code _}. */
    static String labelValue(String v) {
        return v.replaceAll("[{}=,\\s\"]", "_");
    }

    /** Profiles offered. */
    public long offered() {
        return offered.get();
    }

    /** Profiles dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Profiles sent in pushes the backend accepted. */
    public long sent() {
        return sent.get();
    }

    /** Profiles lost in pushes that failed (not retried). */
    public long failed() {
        return failed.get();
    }

    /** Profiles waiting for the next push; never more than the queue's capacity. */
    public int queued() {
        return queue.size();
    }

    /** The last push error (group and cause), or null. */
    public String lastError() {
        return lastError.get();
    }

    /** Stops the schedule and pushes what is queued once more (bounded by the timeout). */
    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (this) {
            s = scheduler;
            scheduler = null;
        }
        if (s != null) {
            s.shutdownNow();
        }
        push();
    }
}
