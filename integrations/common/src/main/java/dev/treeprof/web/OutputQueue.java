package dev.treeprof.web;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default place where reports are printed and files written: one daemon thread per
 * middleware (started on demand, gone after 10 idle seconds) behind a bounded queue. Offering to
 * a full queue fails at once instead of waiting, so a request never waits for the disk.
 */
final class OutputQueue {

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final int DRAIN_SECONDS = 5;
    /**
     * What a full queue throws, made once: the JDK's own policy builds a message from the
     * executor's state and a stack trace for every refused task, which is a heavy price on a
     * server's I/O thread exactly when the writer is behind and refusals come by the thousand.
     */
    private static final RejectedExecutionException FULL = new Refused();

    private final ThreadPoolExecutor writer;
    /** Whether the shutdown drain is registered; set once, only ever read outside the lock as a hint. */
    private volatile boolean drainRegistered;

    OutputQueue(int capacity) {
        writer = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity), r -> {
            Thread t = new Thread(r, "treeprof-writer-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (task, executor) -> {
            throw FULL;
        });
        writer.allowCoreThreadTimeOut(true);
    }

    /** Registers the drain at exit once, when there is first something to drain. */
    private void drainAtExit() {
        synchronized (this) {
            if (drainRegistered) {
                return;
            }
            drainRegistered = true;
        }
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(this::drain, "treeprof-writer-drain"));
        } catch (IllegalStateException | SecurityException e) {
            // already shutting down, or not allowed: pending outputs are simply lost at exit
        }
    }

    /**
     * At JVM shutdown (Ctrl-C, SIGTERM) the reports and files already queued are still written,
     * for at most {@value #DRAIN_SECONDS} seconds, so a stopped server does not lose the last
     * requests' files; what is not done by then is lost.
     */
    private void drain() {
        writer.shutdown();
        try {
            writer.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queues the task; false when the queue is full. */
    boolean offer(Runnable task) {
        if (!drainRegistered) {
            drainAtExit();
        }
        if (writer.getQueue().remainingCapacity() == 0) {
            return false; // full now: refuse without asking the executor (a racy look; execute decides otherwise)
        }
        try {
            writer.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    int size() {
        return writer.getQueue().size() + writer.getActiveCount();
    }

    /** A refusal without a stack trace: it never leaves this class. */
    private static final class Refused extends RejectedExecutionException {
        private static final long serialVersionUID = 1L;

        Refused() {
            super("treeprof's writer queue is full", null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
