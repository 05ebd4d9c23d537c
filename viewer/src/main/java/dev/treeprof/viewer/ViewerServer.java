package dev.treeprof.viewer;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
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

    static final String CSP = ViewerResponse.CSP;

    private final HttpServer server;
    private final ExecutorService executor;
    private final ProfileIndex index;
    private final ViewerRoutes routes;
    private final boolean loopback;

    private ViewerServer(HttpServer server, ExecutorService executor, ProfileIndex index, boolean loopback) {
        this.server = server;
        this.executor = executor;
        this.index = index;
        this.routes = ViewerRoutes.forFiles(index);
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
            String method = x.getRequestMethod();
            ViewerResponse r;
            if (loopback && !loopbackHost(x.getRequestHeaders().getFirst("Host"))) {
                r = ViewerResponse.text(403, "this viewer answers only requests addressed to localhost");
            } else {
                r = routes.handle(method, "", x.getRequestURI().getRawPath(), x.getRequestURI().getRawQuery());
            }
            send(x, method, r);
        } catch (IOException | RuntimeException e) {
            // the client went away: nothing more to answer, and never take the server down
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

    private static void send(HttpExchange x, String method, ViewerResponse r) throws IOException {
        Headers h = x.getResponseHeaders();
        for (Map.Entry<String, String> e : r.headers().entrySet()) {
            h.set(e.getKey(), e.getValue());
        }
        byte[] body = r.body();
        String type = r.headers().getOrDefault("Content-Type", "");
        if (body.length >= Gzip.MIN_BYTES && Gzip.compressible(type)) {
            // the routes' kept arrays (page files, converted profiles, a listing) are compressed once
            h.set("Vary", "Accept-Encoding");
            if (Gzip.accepted(x.getRequestHeaders().getFirst("Accept-Encoding"))) {
                h.set("Content-Encoding", "gzip");
                body = method.equals("HEAD") ? body : Gzip.of(body);
            }
        }
        if (method.equals("HEAD")) {
            x.sendResponseHeaders(r.status(), -1);
            return;
        }
        x.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
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
