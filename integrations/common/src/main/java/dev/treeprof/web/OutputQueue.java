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
 *
 * <p><b>A paced writer.</b> When requests come faster than files can be written, the writer
 * always has work and would take a whole core for itself: on a small machine that core is taken
 * from the server (on two cores, half of it), whatever a file costs. So while work waits, the
 * writer rests after its work in proportion to the CPU time it took, keeping its share of the
 * machine's CPU to {@value #MACHINE_SHARE} at most (half a core on two cores; no rest at all from
 * four cores on). What it cannot write in that share is dropped and counted, as for a full queue.
 * A writer that keeps up never rests. At shutdown the drain runs without rests.
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
    /** The most of the machine's CPU the writer takes while work waits. */
    static final double MACHINE_SHARE = 0.25;

    private final ThreadPoolExecutor writer;

    /** Whether the shutdown drain is registered; set once, only ever read outside the lock as a hint. */
    private volatile boolean drainRegistered;

    OutputQueue(int capacity) {
        double coreShare = Math.min(1.0, MACHINE_SHARE * Runtime.getRuntime().availableProcessors());
        writer = new PacedWriter(capacity, coreShare);
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

    /**
     * The single writer thread with its rests: after each task it adds the CPU time the task took
     * (see {@link WorkClock}); once that reaches {@link #QUANTUM_NANOS} while more work waits, it parks for as long
     * as keeps its busy time to {@code coreShare} of one core. Only the writer thread touches the
     * counters.
     */
    private static final class PacedWriter extends ThreadPoolExecutor {
        /** Rests are taken in pieces of at least this much work: parking has a granularity of its own. */
        static final long QUANTUM_NANOS = 2_000_000;

        /** Nanoseconds of rest per nanosecond of work; 0 when the writer may take a whole core. */
        private final double restPerWork;
        private long started;
        private long worked;

        PacedWriter(int capacity, double coreShare) {
            super(1, 1, 10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity), r -> {
                Thread t = new Thread(r, "treeprof-writer-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, (task, executor) -> {
                throw FULL;
            });
            this.restPerWork = coreShare >= 1.0 ? 0 : (1 - coreShare) / coreShare;
        }

        @Override
        protected void beforeExecute(Thread t, Runnable r) {
            if (restPerWork > 0) {
                started = WorkClock.now();
            }
        }

        @Override
        protected void afterExecute(Runnable r, Throwable t) {
            if (restPerWork == 0) {
                return;
            }
            worked += Math.max(0, WorkClock.now() - started);
            if (getQueue().isEmpty()) {
                worked = 0; // caught up: it waits for work anyway
            } else if (worked >= QUANTUM_NANOS && !isShutdown()) {
                java.util.concurrent.locks.LockSupport.parkNanos((long) (worked * restPerWork));
                worked = 0;
            }
        }
    }

    /**
     * The writer thread's CPU time, the measure of what it takes from the server: wall time would
     * also count the time the writer waits for the disk or for a core, and on a busy machine make
     * it rest far more than its share. Falls back to wall time where the JVM has no
     * {@code java.management} module or no thread CPU clock.
     */
    private static final class WorkClock {
        private static final java.lang.management.ThreadMXBean THREADS = threads();

        private WorkClock() {
        }

        private static java.lang.management.ThreadMXBean threads() {
            try {
                java.lang.management.ThreadMXBean t = java.lang.management.ManagementFactory.getThreadMXBean();
                if (t.isCurrentThreadCpuTimeSupported() && t.isThreadCpuTimeEnabled()) {
                    t.getCurrentThreadCpuTime();
                    return t;
                }
            } catch (RuntimeException | LinkageError e) {
                // no java.management in this runtime image, or no thread CPU clock: wall time
            }
            return null;
        }

        static long now() {
            return THREADS != null ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
        }
    }
}
