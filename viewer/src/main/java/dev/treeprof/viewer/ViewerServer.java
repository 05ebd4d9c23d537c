package dev.treeprof.viewer;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.treeprof.Stats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The standalone viewer: serves the page and the profiles found under the given files and
 * directories on the JDK's HTTP server. It binds {@code 127.0.0.1} unless told otherwise
 * ({@link #DEFAULT_HOST}); on a loopback address it answers only requests addressed to a loopback
 * host name, so a web page elsewhere cannot reach it through DNS rebinding.
 *
 * <p>Every response carries a strict Content-Security-Policy (scripts and styles from this server
 * only, no inline script, no {@code eval}, no other host) and {@code X-Content-Type-Options:
 * nosniff}. Files are served only through the {@link ProfileIndex}: anything not found by its scan
 * (traversal, encoded separators, absolute paths, links leading outside) is a 404.
 */
public final class ViewerServer implements AutoCloseable {

    /** The address bound unless another is asked for. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The port used unless another is asked for. */
    public static final int DEFAULT_PORT = 8040;

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

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

    private final HttpServer server;
    private final ExecutorService executor;
    private final ProfileIndex index;
    private final boolean loopback;
    private final Map<String, byte[]> resources = new LinkedHashMap<>();
    private final ResponseCache profiles = new ResponseCache(128L << 20);

    private ViewerServer(HttpServer server, ExecutorService executor, ProfileIndex index, boolean loopback) {
        this.server = server;
        this.executor = executor;
        this.index = index;
        this.loopback = loopback;
    }

    /**
     * Starts serving the profiles under {@code paths}.
     *
     * @param host the address to bind, e.g. {@link #DEFAULT_HOST}
     * @param port the port, 0 for any free one
     * @throws IOException if a path does not exist or the port cannot be bound
     */
    public static ViewerServer start(String host, int port, List<Path> paths) throws IOException {
        ProfileIndex index = new ProfileIndex(paths);
        InetAddress address = InetAddress.getByName(host);
        HttpServer http = HttpServer.create(new InetSocketAddress(address, port), 50);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "treeprof-viewer-http");
            t.setDaemon(true);
            return t;
        });
        ViewerServer s = new ViewerServer(http, executor, index, address.isLoopbackAddress());
        for (String name : new java.util.TreeSet<>(STATIC.values())) {
            s.resources.put(name, resource(name));
        }
        http.createContext("/", s::handle);
        http.setExecutor(executor);
        index.refresh();
        http.start();
        return s;
    }

    /** True if binding this host exposes the viewer beyond this machine. */
    public static boolean isExposed(String host) throws IOException {
        return !InetAddress.getByName(host).isLoopbackAddress();
    }

    /** The warning printed when the viewer listens on an address other machines can reach. */
    public static String exposureWarning(String host) {
        return "warning: treeprof view listens on " + host + ": anyone who can reach it can read the profiles,"
                + " which reveal your code's names and your request paths";
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ViewerServer.class.getResourceAsStream("static/" + name)) {
            if (in == null) {
                throw new IOException("viewer resource missing from the jar: " + name);
            }
            return in.readAllBytes();
        }
    }

    /** The port listened on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8040/}. */
    public String url() {
        InetAddress a = server.getAddress().getAddress();
        String host = a.isAnyLocalAddress() ? "127.0.0.1" : a.getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + "/";
    }

    /** Stops serving. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        index.close();
    }

    private void handle(HttpExchange x) {
        try {
            Headers h = x.getResponseHeaders();
            h.set("Content-Security-Policy", CSP);
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Referrer-Policy", "no-referrer");
            h.set("X-Frame-Options", "DENY");
            h.set("Cache-Control", "no-store");
            String method = x.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                h.set("Allow", "GET, HEAD");
                sendText(x, 405, "method not allowed");
                return;
            }
            if (loopback && !loopbackHost(x.getRequestHeaders().getFirst("Host"))) {
                sendText(x, 403, "this viewer answers only requests addressed to localhost");
                return;
            }
            route(x);
        } catch (IOException | RuntimeException e) {
            // the client went away, or a bug: answer if still possible, never take the server down
            try {
                sendText(x, 500, "internal error");
            } catch (IOException | RuntimeException ignored) {
                // response already started
            }
        } finally {
            x.close();
        }
    }

    static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && h.substring(1, end).equals("::1");
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        return h.equals("localhost") || h.equals("127.0.0.1");
    }

    private void route(HttpExchange x) throws IOException {
        String raw = x.getRequestURI().getRawPath();
        String resource = STATIC.get(raw);
        if (resource != null) {
            send(x, 200, contentType(resource), resources.get(resource));
            return;
        }
        Map<String, List<String>> query;
        try {
            query = Query.parse(x.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException e) {
            sendText(x, 400, "bad query string");
            return;
        }
        switch (raw) {
            case "/api/list":
                list(x, query);
                return;
            case "/api/profile":
                profile(x, query);
                return;
            case "/api/download":
                download(x, query);
                return;
            default:
                if (raw.startsWith("/raw/")) {
                    rawFile(x, raw.substring("/raw/".length()));
                    return;
                }
                sendText(x, 404, "not found");
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

    private void list(HttpExchange x, Map<String, List<String>> query) throws IOException {
        index.refreshSoon();
        String since = first(query, "since");
        if (since != null && since.equals(Long.toString(index.version()))) {
            send(x, 200, "application/json", ("{\"version\":" + index.version() + ",\"unchanged\":true}")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(x, 200, "application/json", index.listJson());
    }

    /** The entries a request names ({@code f=id}, repeatable), or null after answering 404. */
    private List<ProfileIndex.Entry> entries(HttpExchange x, Map<String, List<String>> query) throws IOException {
        List<String> ids = query.getOrDefault("f", List.of());
        if (ids.isEmpty()) {
            sendText(x, 400, "no profile named (f=...)");
            return null;
        }
        List<ProfileIndex.Entry> found = new ArrayList<>();
        for (String id : ids) {
            ProfileIndex.Entry e = index.find(id);
            if (e == null) {
                sendText(x, 404, "not found");
                return null;
            }
            found.add(e);
        }
        return found;
    }

    /** Loads and merges the entries (pstats' add; trees merged by path), or null after answering. */
    private Stats load(HttpExchange x, List<ProfileIndex.Entry> found) throws IOException {
        Path[] files = new Path[found.size()];
        for (int i = 0; i < files.length; i++) {
            try {
                files[i] = index.openable(found.get(i));
            } catch (IOException e) {
                sendText(x, 404, "not found");
                return null;
            }
        }
        try {
            // one file: loaded once, also when its summary is being made right now
            return files.length == 1 ? index.load(found.get(0), files[0]) : Stats.load(files);
        } catch (IOException | RuntimeException e) {
            sendJsonError(x, 422, ProfileIndex.message(e));
            return null;
        }
    }

    private void profile(HttpExchange x, Map<String, List<String>> query) throws IOException {
        List<ProfileIndex.Entry> found = entries(x, query);
        if (found == null) {
            return;
        }
        StringBuilder key = new StringBuilder();
        for (ProfileIndex.Entry e : found) {
            key.append(e.id).append('\0').append(e.size).append('\0').append(e.modifiedMillis).append('\n');
        }
        byte[] cached = profiles.get(key.toString());
        if (cached != null) {
            send(x, 200, "application/json", cached);
            return;
        }
        Stats stats = load(x, found);
        if (stats == null) {
            return;
        }
        List<String> names = new ArrayList<>();
        for (ProfileIndex.Entry e : found) {
            names.add(e.name);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProfileJson.write(stats, names, out);
        byte[] json = out.toByteArray();
        profiles.put(key.toString(), json);
        send(x, 200, "application/json", json);
    }

    private void download(HttpExchange x, Map<String, List<String>> query) throws IOException {
        String[] format = DOWNLOADS.get(String.valueOf(first(query, "format")));
        if (format == null) {
            sendText(x, 400, "format must be one of " + new java.util.TreeSet<>(DOWNLOADS.keySet()));
            return;
        }
        List<ProfileIndex.Entry> found = entries(x, query);
        if (found == null) {
            return;
        }
        Stats stats = load(x, found);
        if (stats == null) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            stats.dumpStats(out, format[0]);
        } catch (IllegalArgumentException e) {
            // e.g. speedscope or folded of a flat .prof, whose paths are unknown
            sendText(x, 422, ProfileIndex.message(e));
            return;
        }
        String base = found.size() == 1 ? baseName(found.get(0).name) : "merged-" + found.size();
        x.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + safeFileName(base) + format[1] + "\"");
        send(x, 200, format[2], out.toByteArray());
    }

    private void rawFile(HttpExchange x, String rawId) throws IOException {
        String id;
        try {
            id = Query.decodePath(rawId);
        } catch (IllegalArgumentException e) {
            sendText(x, 404, "not found");
            return;
        }
        ProfileIndex.Entry e = index.find(id);
        if (e == null) {
            sendText(x, 404, "not found");
            return;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(index.openable(e));
        } catch (IOException ex) {
            sendText(x, 404, "not found");
            return;
        }
        String name = e.file.getFileName().toString();
        x.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + safeFileName(name) + "\"");
        send(x, 200, "application/octet-stream", bytes);
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

    private static void sendText(HttpExchange x, int status, String text) throws IOException {
        send(x, status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void sendJsonError(HttpExchange x, int status, String message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        }
        send(x, status, "application/json", out.toByteArray());
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        if (body.length >= Gzip.MIN_BYTES && Gzip.compressible(type)) {
            x.getResponseHeaders().set("Vary", "Accept-Encoding");
            if (Gzip.accepted(x.getRequestHeaders().getFirst("Accept-Encoding"))) {
                x.getResponseHeaders().set("Content-Encoding", "gzip");
                body = Gzip.of(body);
            }
        }
        if (x.getRequestMethod().equals("HEAD")) {
            x.sendResponseHeaders(status, -1);
            return;
        }
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * Runs the viewer until the process is stopped: {@code [--host H] [--port P] PATH...}.
     * Exit status 2 for a usage error, 1 when a path does not exist or the port is taken.
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, true));
    }

    /** What {@link #main} does, returning the exit status; {@code block} waits until interrupted. */
    static int run(String[] args, PrintStream out, PrintStream err, boolean block) {
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--host") || a.equals("--port")) && i + 1 < args.length) {
                String v = args[++i];
                if (a.equals("--host")) {
                    host = v;
                } else {
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 0 || port > 65535) {
                        err.println("treeprof view: --port must be a number from 0 to 65535, not " + v);
                        return 2;
                    }
                }
            } else if (a.startsWith("-")) {
                err.println("Usage: treeprof view [--host H] [--port P] PATH...");
                return 2;
            } else {
                paths.add(Path.of(a));
            }
        }
        if (paths.isEmpty()) {
            err.println("Usage: treeprof view [--host H] [--port P] PATH...");
            return 2;
        }
        return serve(host, port, paths, out, err, block);
    }

    /**
     * Serves the paths until the process is stopped (if {@code block}), printing the address and,
     * for a host other machines can reach, {@link #exposureWarning}. Returns the exit status.
     */
    public static int serve(String host, int port, List<Path> paths, PrintStream out, PrintStream err, boolean block) {
        ViewerServer s;
        try {
            if (isExposed(host)) {
                err.println(exposureWarning(host));
            }
            s = start(host, port, paths);
        } catch (IOException | IllegalArgumentException | UncheckedIOException e) {
            err.println("treeprof view: " + ProfileIndex.message(e));
            return 1;
        }
        out.println("treeprof view: serving " + paths.size() + (paths.size() == 1 ? " path" : " paths")
                + " at " + s.url() + " (Ctrl-C to stop)");
        out.flush();
        if (!block) {
            s.close();
            return 0;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(s::close, "treeprof-viewer-stop"));
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        s.close();
        return 0;
    }
}
