package dev.treeprof.web.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * "Warn once, then quietly": the first failure of a kind is logged at WARN with its stack trace,
 * later ones at DEBUG, so a broken directory or a failing predicate does not flood the log of a
 * busy server. Shared by treeprof's web integrations; not for applications.
 */
public final class Warnings {

    private final Logger log;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** Failures of one kind, logged to this logger. */
    public Warnings(Logger log) {
        this.log = log;
    }

    /** Logs {@code "treeprof " + what}: at WARN with the stack the first time, at DEBUG after. Never throws. */
    public void failed(String what, Throwable cause) {
        try {
            if (warned.compareAndSet(false, true)) {
                log.warn("treeprof {} (further failures at DEBUG)", what, cause);
            } else if (log.isDebugEnabled()) {
                log.debug("treeprof {}: {}", what, String.valueOf(cause));
            }
        } catch (RuntimeException | LinkageError e) {
            // A broken logger must not break the request either.
        }
    }

    /** The failures stopped: the next one warns again. Returns whether a warning had been logged. */
    public boolean recovered() {
        return warned.compareAndSet(true, false);
    }

    /**
     * Counts events that are dropped on purpose (a full queue) and logs their count at most once
     * per interval, never on the dropping thread's critical path beyond a counter increment and a
     * clock read.
     */
    public static final class DropCounter {
        private final Logger log;
        private final String what;
        private final long intervalNanos;
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong reported = new AtomicLong();
        private final AtomicLong nextReportNanos;

        /** Drops of {@code what} (e.g. "profile reports and files"), logged at most once per interval. */
        public DropCounter(Logger log, String what, long intervalNanos) {
            this.log = log;
            this.what = what;
            this.intervalNanos = intervalNanos;
            this.nextReportNanos = new AtomicLong(System.nanoTime());
        }

        /** One more dropped. */
        public void drop(String why) {
            dropped.incrementAndGet();
            long now = System.nanoTime();
            long next = nextReportNanos.get();
            if (now - next >= 0 && nextReportNanos.compareAndSet(next, now + intervalNanos)) {
                long total = dropped.get();
                long since = total - reported.getAndSet(total);
                try {
                    log.warn("treeprof dropped {} {} in the last period ({} in all): {}", since, what, total, why);
                } catch (RuntimeException | LinkageError e) {
                    // never let logging fail the caller
                }
            }
        }

        /** How many were dropped since start. */
        public long count() {
            return dropped.get();
        }
    }
}
