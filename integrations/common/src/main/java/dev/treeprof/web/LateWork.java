package dev.treeprof.web;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ends the profiles whose work is still running a grace period after their response completed.
 * One daemon thread for the whole JVM, idle unless such a request exists; a watch is cancelled
 * (and removed, so it holds nothing) when its request ends normally.
 */
final class LateWork {

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private LateWork() {
    }

    private static ScheduledThreadPoolExecutor timer() {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "treeprof-late-work-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        t.setKeepAliveTime(10, TimeUnit.SECONDS);
        t.allowCoreThreadTimeOut(true);
        return t;
    }

    /** Calls {@link ProfiledRequest#lateWorkExpired} after the grace period unless cancelled first. */
    static Future<?> watch(ProfiledRequest request, long graceMillis) {
        return TIMER.schedule(() -> request.lateWorkExpired(graceMillis), graceMillis, TimeUnit.MILLISECONDS);
    }

}
