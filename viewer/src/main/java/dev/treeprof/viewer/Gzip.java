package dev.treeprof.viewer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Response bodies gzipped for clients that accept it. A 111,111-node profile is 4.8 MB of JSON and
 * 1.3 MB gzipped; on a network that is most of the wait, and even on loopback the browser moves a
 * quarter of the bytes through its network stack. Bodies the server keeps (the page's files, the
 * converted profiles, the listing of one version) are compressed once: the compressed bytes are
 * remembered for as long as the same array is alive, arrays being compared by identity.
 */
final class Gzip {

    /** Smaller bodies go as they are: a header and a dictionary would cost more than they save. */
    static final int MIN_BYTES = 1024;

    private static final Map<byte[], byte[]> COMPRESSED = new WeakHashMap<>();

    private Gzip() {
    }

    /**
     * True if an {@code Accept-Encoding} header lists gzip (or {@code *}) without {@code q=0}.
     */
    static boolean accepted(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] p = part.trim().split(";");
            String coding = p[0].trim().toLowerCase(Locale.ROOT);
            if (!coding.equals("gzip") && !coding.equals("*") && !coding.equals("x-gzip")) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < p.length; i++) {
                String param = p[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
                if (param.startsWith("q=")) {
                    try {
                        refused = Double.parseDouble(param.substring(2)) <= 0;
                    } catch (NumberFormatException e) {
                        refused = true;
                    }
                }
            }
            if (!refused) {
                return true;
            }
        }
        return false;
    }

    /** True for the types worth compressing: text, JSON, JavaScript, CSS, SVG. */
    static boolean compressible(String contentType) {
        String t = contentType.toLowerCase(Locale.ROOT);
        return t.startsWith("text/") || t.startsWith("application/json") || t.startsWith("image/svg+xml");
    }

    /** The body gzipped, made once per array (the fastest level: made while the page waits). */
    static byte[] of(byte[] body) {
        synchronized (COMPRESSED) {
            byte[] done = COMPRESSED.get(body);
            if (done != null) {
                return done;
            }
        }
        byte[] gz = compress(body);
        synchronized (COMPRESSED) {
            COMPRESSED.put(body, gz);
        }
        return gz;
    }

    static byte[] compress(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }
}
