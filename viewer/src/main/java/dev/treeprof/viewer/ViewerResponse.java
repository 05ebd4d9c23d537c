package dev.treeprof.viewer;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One answer of the viewer ({@link ViewerRoutes#handle}): status, headers (always with the
 * viewer's Content-Security-Policy, {@code nosniff} and {@code no-store}) and body, for an adapter
 * to send as it is. Immutable.
 */
public final class ViewerResponse {

    /** Scripts, styles and requests to this origin only; no inline script, no eval, no framing. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;

    private ViewerResponse(int status, Map<String, String> headers, byte[] body) {
        this.status = status;
        this.headers = Collections.unmodifiableMap(headers);
        this.body = body;
    }

    static ViewerResponse of(int status, String contentType, byte[] body, String... extraHeaders) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", contentType);
        h.put("Content-Security-Policy", CSP);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "no-referrer");
        h.put("X-Frame-Options", "DENY");
        h.put("Cache-Control", "no-store");
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            h.put(extraHeaders[i], extraHeaders[i + 1]);
        }
        return new ViewerResponse(status, h, body);
    }

    static ViewerResponse text(int status, String text, String... extraHeaders) {
        return of(status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8), extraHeaders);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The headers to set, by name; {@code Content-Type} among them. Content-Length is the body's length. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The body; not sent in answer to {@code HEAD}. The array is shared: do not change it. */
    public byte[] body() {
        return body;
    }
}
