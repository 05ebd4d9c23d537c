package dev.treeprof.impl.record;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts misuse the recorder repaired (scopes closed out of order, twice, on the wrong thread, or
 * never) and node-cap overflows per profiler, and warns once per kind per process through SLF4J.
 * Only ever called off the normal path.
 */
public final class Anomalies {

    /** What went wrong. */
    public enum Kind {
        OUT_OF_ORDER_CLOSE("a scope was closed while scopes opened inside it were still open; they were closed with it"),
        DOUBLE_CLOSE("a scope was closed twice; the second close was ignored"),
        WRONG_THREAD_CLOSE("a scope was closed on a thread other than the one that opened it; it ended at that close"
                + " (its own thread takes it off its stack at its next scope)"),
        UNCLOSED("a scope was never closed before its thread ended; it was closed at the thread's last recorded instant"),
        NODE_LIMIT("a call tree reached its node limit; calls on new paths are counted under {treeprof: node limit reached}"),
        NULL_NAME("a scope was opened with a null name; it is recorded as " + NameTable.NULL_LABEL),
        BINDING_OUT_OF_ORDER("a profiler binding was closed out of order or on another thread; it was ignored");

        final String message;

        Kind(String message) {
            this.message = message;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger("dev.treeprof");
    private static final Kind[] KINDS = Kind.values();

    /**
     * The counts, made at the first anomaly: a web request's profiler (one per request) almost
     * never sees one, and this is one array fewer per request.
     */
    private volatile AtomicLongArray counts;
    /** Warned once per kind per process: request integrations make a profiler per request. */
    static final AtomicReferenceArray<Object> WARNED = new AtomicReferenceArray<>(KINDS.length);

    private AtomicLongArray counts() {
        AtomicLongArray c = counts;
        if (c == null) {
            synchronized (this) {
                c = counts;
                if (c == null) {
                    c = new AtomicLongArray(KINDS.length);
                    counts = c;
                }
            }
        }
        return c;
    }

    void report(Kind kind, String detail) {
        counts().incrementAndGet(kind.ordinal());
        if (WARNED.compareAndSet(kind.ordinal(), null, Boolean.TRUE)) {
            try {
                LOG.warn("treeprof: {} ({}). Further occurrences are counted, not logged.", kind.message, detail);
            } catch (RuntimeException ignored) {
                // a broken logging setup must not break the measured code
            }
        }
    }

    void add(Kind kind, long n) {
        if (n > 0) {
            counts().addAndGet(kind.ordinal(), n);
        }
    }

    /** How often this kind happened. */
    public long count(Kind kind) {
        AtomicLongArray c = counts;
        return c == null ? 0 : c.get(kind.ordinal());
    }

    /** Every kind that happened, with its count. */
    public Map<Kind, Long> snapshot() {
        Map<Kind, Long> m = new EnumMap<>(Kind.class);
        AtomicLongArray all = counts;
        if (all == null) {
            return m;
        }
        for (Kind k : KINDS) {
            long c = all.get(k.ordinal());
            if (c > 0) {
                m.put(k, c);
            }
        }
        return m;
    }
}
