package dev.treeprof.viewer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.treeprof.Stats;
import dev.treeprof.web.RecentProfiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The viewer's HTTP routes, written once for every server: the standalone {@link ViewerServer},
 * and the adapters an application mounts ({@code dev.treeprof.viewer.undertow.UndertowViewer},
 * {@code dev.treeprof.viewer.vertx.VertxViewer}). Framework-free: a request is a method, a path
 * below the mount point and a query string; the answer a {@link ViewerResponse}.
 *
 * <p>The routes, relative to the mount point: the page ({@code /}, {@code /static/...}),
 * {@code /api/list[?since=version]}, {@code /api/profile?f=id[&f=id...][&part=callers]},
 * {@code /api/download?format=prof|json|speedscope|folded&f=id...} and {@code /raw/id}. Profiles are
 * found only by the ids their source listed; anything else is a 404.
 *
 * <p>{@link #handle} may block (it loads files, snapshots stats, writes JSON): call it on a worker
 * thread, never on an event loop or IO thread. Thread-safe.
 */
public final class ViewerRoutes {

    /** The dump formats offered as downloads, by the name the page asks for. */
    private static final Map<String, String[]> DOWNLOADS = Map.of(
            "prof", new String[] {"prof", ".prof", "application/octet-stream"},
            "json", new String[] {"json", ".json", "application/json"},
            "speedscope", new String[] {"speedscope", ".speedscope.json", "application/json"},
            "folded", new String[] {"folded", ".folded", "text/plain; charset=utf-8"});

    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/static/app.js", "app.js",
            "/static/app.css", "app.css",
            "/static/favicon.svg", "favicon.svg");

    private static final JsonFactory FACTORY = new JsonFactory();

    private final ProfileSource source;
    private final Map<String, byte[]> resources;
    private final ResponseCache profiles;
    /** Callers' JSON being written after its profile was answered, by cache key. */
    private final Map<String, CompletableFuture<byte[]>> convertingCallers = new ConcurrentHashMap<>();

    /** Writes callers' JSON in the background; its one thread ends when idle (nothing to close). */
    private static final ExecutorService CONVERTER = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "treeprof-viewer-callers");
                t.setDaemon(true);
                return t;
            });

    private ViewerRoutes(ProfileSource source, long cacheBytes) {
        this.source = source;
        this.resources = Resources.ALL;
        this.profiles = new ResponseCache(cacheBytes);
    }

    /**
     * The live viewer of an application's recent request profiles, as its request middleware keeps
     * them ({@code ProfilerHandler.recent()} of the Undertow or Vert.x integration).
     */
    public static ViewerRoutes forRecent(RecentProfiles recent) {
        // inside someone else's application: a small cache (one request's profile is small)
        return new ViewerRoutes(new RecentSource(recent), 16L << 20);
    }

    /** The viewer of the files an index found. */
    static ViewerRoutes forFiles(ProfileIndex index) {
        return new ViewerRoutes(index, 128L << 20);
    }

    /** The page's files, read from the jar once. */
    private static final class Resources {
        static final Map<String, byte[]> ALL = load();

        private static Map<String, byte[]> load() {
            Map<String, byte[]> m = new java.util.HashMap<>();
            for (String name : new TreeSet<>(STATIC.values())) {
                try (InputStream in = ViewerRoutes.class.getResourceAsStream("static/" + name)) {
                    if (in == null) {
                        throw new UncheckedIOException(new IOException("viewer resource missing from the jar: " + name));
                    }
                    m.put(name, in.readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return Map.copyOf(m);
        }
    }

    /**
     * Answers one request; never throws (a failure is a 500).
     *
     * @param method the request's method; only {@code GET} and {@code HEAD} are answered
     * @param mountPath where the viewer is mounted, e.g. {@code /admin/treeprof}, or {@code ""} at the
     *     root: only the redirect from the mount point to the page ({@code /admin/treeprof} to
     *     {@code /admin/treeprof/}) uses it
     * @param rawPath the request's path below the mount point, still percent-encoded: {@code ""} for
     *     the mount point itself, {@code /} for the page, {@code /api/list}, ...
     * @param rawQuery the query string, still percent-encoded, or null
     */
    public ViewerResponse handle(String method, String mountPath, String rawPath, String rawQuery) {
        try {
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                return ViewerResponse.text(405, "method not allowed", "Allow", "GET, HEAD");
            }
            if (rawPath == null || rawPath.isEmpty()) {
                String segment = mountPath == null ? "" : mountPath.substring(mountPath.lastIndexOf('/') + 1);
                if (segment.isEmpty()) {
                    rawPath = "/";
                } else {
                    // relative to the mount point's parent, so it cannot lead to another host or path
                    return ViewerResponse.text(302, "the viewer is at " + segment + "/", "Location",
                            "./" + Query.encodeSegment(segment) + "/");
                }
            }
            return route(rawPath, rawQuery);
        } catch (IOException | RuntimeException e) {
            return ViewerResponse.text(500, "internal error");
        }
    }

    private ViewerResponse route(String raw, String rawQuery) throws IOException {
        String resource = STATIC.get(raw);
        if (resource != null) {
            return ViewerResponse.of(200, contentType(resource), resources.get(resource));
        }
        Map<String, List<String>> query;
        try {
            query = Query.parse(rawQuery);
        } catch (IllegalArgumentException e) {
            return ViewerResponse.text(400, "bad query string");
        }
        switch (raw) {
            case "/api/list":
                return list(query);
            case "/api/profile":
                return profile(query);
            case "/api/download":
                return download(query);
            default:
                if (raw.startsWith("/raw/")) {
                    return rawFile(raw.substring("/raw/".length()));
                }
                return ViewerResponse.text(404, "not found");
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return "text/html; charset=utf-8";
    }

    private ViewerResponse list(Map<String, List<String>> query) throws IOException {
        long version = source.refreshedVersion();
        String since = first(query, "since");
        if (since != null && since.equals(Long.toString(version))) {
            return json(200, ("{\"version\":" + version + ",\"unchanged\":true}").getBytes(StandardCharsets.UTF_8));
        }
        return json(200, source.listJson());
    }

    /** A request's profiles ({@code f=id}, repeatable). */
    private List<ProfileSource.Item> items(Map<String, List<String>> query) throws ProfileSource.NotFound {
        List<ProfileSource.Item> found = new ArrayList<>();
        for (String id : query.getOrDefault("f", List.of())) {
            found.add(source.lookup(id));
        }
        return found;
    }

    private ViewerResponse profile(Map<String, List<String>> query) throws IOException {
        if (query.getOrDefault("f", List.of()).isEmpty()) {
            return ViewerResponse.text(400, "no profile named (f=...)");
        }
        List<ProfileSource.Item> found;
        try {
            found = items(query);
        } catch (ProfileSource.NotFound e) {
            return notFound(e);
        }
        StringBuilder key = new StringBuilder();
        for (ProfileSource.Item e : found) {
            key.append(e.cacheKey()).append('\n');
        }
        // part=callers: the rows' caller pairs, which the page fetches after its first paint
        boolean callers = "callers".equals(first(query, "part"));
        String callersKey = key + "callers";
        byte[] cached = profiles.get(callers ? callersKey : key.toString());
        if (cached != null) {
            return json(200, cached);
        }
        CompletableFuture<byte[]> converting = callers ? convertingCallers.get(callersKey) : null;
        if (converting != null) {
            try {
                return json(200, converting.join());
            } catch (CompletionException | CancellationException e) {
                // converted afresh below
            }
        }
        Stats stats;
        try {
            stats = source.load(found);
        } catch (ProfileSource.NotFound e) {
            return notFound(e);
        } catch (IOException | RuntimeException e) {
            return jsonError(422, ProfileIndex.message(e));
        }
        List<String> names = new ArrayList<>();
        for (ProfileSource.Item e : found) {
            names.add(e.name());
        }
        if (callers) {
            byte[] pairs = callersJson(stats);
            profiles.put(callersKey, pairs);
            return json(200, pairs);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProfileJson.write(stats, names, out);
        byte[] json = out.toByteArray();
        profiles.put(key.toString(), json);
        // the callers from the same load, written while this answer travels and the page draws:
        // the page's request for them after its first paint waits for this, not for another load
        CompletableFuture<byte[]> pairs = new CompletableFuture<>();
        convertingCallers.put(callersKey, pairs);
        try {
            CONVERTER.execute(() -> {
                try {
                    byte[] b = callersJson(stats);
                    profiles.put(callersKey, b);
                    pairs.complete(b);
                } catch (IOException | RuntimeException e) {
                    pairs.completeExceptionally(e);
                } finally {
                    convertingCallers.remove(callersKey, pairs);
                }
            });
        } catch (RejectedExecutionException e) {
            convertingCallers.remove(callersKey, pairs);
        }
        return json(200, json);
    }

    private static byte[] callersJson(Stats stats) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProfileJson.writeCallers(stats, out);
        return out.toByteArray();
    }

    private ViewerResponse download(Map<String, List<String>> query) throws IOException {
        String[] format = DOWNLOADS.get(String.valueOf(first(query, "format")));
        if (format == null) {
            return ViewerResponse.text(400, "format must be one of " + new TreeSet<>(DOWNLOADS.keySet()));
        }
        if (query.getOrDefault("f", List.of()).isEmpty()) {
            return ViewerResponse.text(400, "no profile named (f=...)");
        }
        List<ProfileSource.Item> found;
        Stats stats;
        try {
            found = items(query);
            stats = source.load(found);
        } catch (ProfileSource.NotFound e) {
            return notFound(e);
        } catch (IOException | RuntimeException e) {
            return jsonError(422, ProfileIndex.message(e));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            stats.dumpStats(out, format[0]);
        } catch (IllegalArgumentException e) {
            // e.g. speedscope or folded of a flat .prof, whose paths are unknown
            return ViewerResponse.text(422, ProfileIndex.message(e));
        }
        String base = found.size() == 1 ? baseName(found.get(0).name()) : "merged-" + found.size();
        return ViewerResponse.of(200, format[2], out.toByteArray(),
                "Content-Disposition", "attachment; filename=\"" + safeFileName(base) + format[1] + "\"");
    }

    private ViewerResponse rawFile(String rawId) throws IOException {
        String id;
        try {
            id = Query.decodePath(rawId);
        } catch (IllegalArgumentException e) {
            return ViewerResponse.text(404, "not found");
        }
        ProfileSource.Raw raw;
        try {
            raw = source.raw(source.lookup(id));
        } catch (ProfileSource.NotFound e) {
            return notFound(e);
        }
        return ViewerResponse.of(200, "application/octet-stream", raw.bytes,
                "Content-Disposition", "attachment; filename=\"" + safeFileName(raw.fileName) + "\"");
    }

    static String baseName(String name) {
        String n = name.substring(name.lastIndexOf('/') + 1);
        for (String ext : new String[] {".json", ".prof", ".pstats"}) {
            if (n.toLowerCase(Locale.ROOT).endsWith(ext)) {
                return n.substring(0, n.length() - ext.length());
            }
        }
        return n;
    }

    /** A file name safe in a Content-Disposition header and on any file system. */
    static String safeFileName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "profile" + s : s;
    }

    private static String first(Map<String, List<String>> query, String key) {
        List<String> v = query.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static ViewerResponse notFound(ProfileSource.NotFound e) {
        return ViewerResponse.text(404, e.getMessage());
    }

    private static ViewerResponse json(int status, byte[] body) {
        return ViewerResponse.of(status, "application/json", body);
    }

    private static ViewerResponse jsonError(int status, String message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        }
        return json(status, out.toByteArray());
    }
}
