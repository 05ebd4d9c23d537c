package dev.treeprof.web;

import java.util.concurrent.LinkedBlockingQueue;
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
 * always has work (the queue stays at least half full) and would take a whole core for itself:
 * on a small machine that core is taken from the server (on two cores, half of it), whatever a
 * file costs. So while it is that far behind, the writer rests after its work in proportion to
 * the CPU time it took, keeping to {@value #MACHINE_SHARE} of the machine's CPU at most (half a
 * core on two cores; no rest at all from four cores on), or to the share set with
 * {@code -Dtreeprof.writerCpuShare}. What it cannot write in that share is dropped and counted,
 * as for a full queue.
 * A writer that keeps up never rests. At shutdown the drain runs without rests.
 *
 * <p><b>Steady streams in batches.</b> A lone output wakes the writer at once. When outputs come
 * steadily (the queue ran empty twice within {@value PacedWriter#BATCH_NANOS} ns), the writer
 * waits that long after emptying the queue and then takes what gathered in one go: the requests'
 * threads then queue without waking anyone, and the writer starts cold once per batch instead of
 * once per file.
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
    /** The most of the machine's CPU the writer takes while it is behind, by default. */
    static final double MACHINE_SHARE = 0.25;
    /**
     * The system property that sets that share (a fraction of the machine's CPU, above 0; 1 or
     * more never rests), e.g. to give the writer more room on a machine with cores to spare.
     */
    static final String SHARE_PROPERTY = "treeprof.writerCpuShare";

    private final PacedWriter writer;

    /** Whether the shutdown drain is registered; set once, only ever read outside the lock as a hint. */
    private volatile boolean drainRegistered;

    OutputQueue(int capacity) {
        double coreShare = Math.min(1.0, machineShare() * Runtime.getRuntime().availableProcessors());
        writer = new PacedWriter(capacity, coreShare);
        writer.allowCoreThreadTimeOut(true);
    }

    /** The writer's share of the machine's CPU: {@link #SHARE_PROPERTY}, or the default when unset or not a fraction above 0. */
    static double machineShare() {
        String v = System.getProperty(SHARE_PROPERTY);
        if (v == null) {
            return MACHINE_SHARE;
        }
        try {
            double share = Double.parseDouble(v.trim());
            if (share > 0 && Double.isFinite(share)) {
                return share;
            }
        } catch (NumberFormatException e) {
            // fall through to the warning
        }
        org.slf4j.LoggerFactory.getLogger(RequestProfiling.class).warn(
                "treeprof: -D{}={} is not a fraction above 0; using {}", SHARE_PROPERTY, v, MACHINE_SHARE);
        return MACHINE_SHARE;
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
            writer.wakeIfHalfFull();
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
     * The single writer thread with its rests: while it is behind (half the queue or more waiting:
     * a burst that leaves a short queue is not), it counts the CPU time it works (see
     * {@link WorkClock}); once that reaches {@link #QUANTUM_NANOS}, it parks for as long
     * as keeps its busy time to {@code coreShare} of one core. Only the writer thread touches the
     * counters.
     */
    private static final class PacedWriter extends ThreadPoolExecutor {
        /** Rests are taken in pieces of at least this much work: parking has a granularity of its own. */
        static final long QUANTUM_NANOS = 2_000_000;
        /** Tasks between two reads of the clock while behind. */
        static final int CHECK_EVERY = 8;
        /**
         * The window in which a steady stream of outputs is collected between two wake-ups: short
         * enough that a file is on disk soon after its request (a person looking for it never
         * notices a tenth of a second), long enough that a wake-up serves many outputs at the
         * rates where wake-ups cost something. The first file of a batch costs the writer far more
         * than the next ones (its caches and the machine's are cold again after the wait): at
         * about 650 files a second on a 2-core VM, 100 ms windows cost 65 to 107 µs of CPU per file
         * where 20 ms windows cost 89 to 169 (see benchmarks/FINDINGS.md).
         */
        static final long BATCH_NANOS = 100_000_000;
        /** When the queue last ran empty; 0 before the first time. */
        private long lastEmpty;
        /** The writer thread while it waits for a batch to gather, else null. */
        private volatile Thread collecting;

        /** Nanoseconds of rest per nanosecond of work; 0 when the writer may take a whole core. */
        private final double restPerWork;
        /** Work waiting from which the writer counts as behind: half the queue. */
        private final int behind;
        /** The clock when the writer fell behind or last rested; -1 while it keeps up. */
        private long mark = -1;
        private int tasks;

        PacedWriter(int capacity, double coreShare) {
            // A two-lock queue: the request threads offering and the writer taking never wait for
            // each other, and its size (read on every offer and after every task) is one atomic
            // read. An ArrayBlockingQueue has one lock for all of it, which under load had the
            // server's threads queue up behind the writer three times per request.
            super(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(capacity), r -> {
                Thread t = new Thread(r, "treeprof-writer-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, (task, executor) -> {
                throw FULL;
            });
            this.restPerWork = coreShare >= 1.0 ? 0 : (1 - coreShare) / coreShare;
            this.behind = Math.max(1, capacity / 2);
        }

        /**
         * The queue ran empty. If it did so less than a window ago too, outputs come steadily (a
         * sampled 1% of a busy server is hundreds a second): rather than be woken for each one,
         * which costs the request's thread a wake-up call and the writer a cold start per output,
         * the writer lets the window's outputs gather and takes them in one go. A lone output is
         * written at once.
         */
        private void collectNext() {
            mark = -1;
            long now = System.nanoTime();
            boolean steady = lastEmpty != 0 && now - lastEmpty < BATCH_NANOS;
            lastEmpty = now;
            if (steady && !isShutdown()) {
                collecting = Thread.currentThread();
                if (getQueue().size() < behind) { // an offer may have filled it since it ran empty
                    java.util.concurrent.locks.LockSupport.parkNanos(this, BATCH_NANOS);
                }
                collecting = null;
            }
        }

        /**
         * Ends the wait of a writer collecting a batch once half the queue waits: a small queue
         * ({@code writeQueueCapacity}) would otherwise fill during the window and drop outputs
         * that the writer could well write. A volatile read per output otherwise.
         */
        void wakeIfHalfFull() {
            Thread t = collecting;
            if (t != null && getQueue().size() >= behind) {
                java.util.concurrent.locks.LockSupport.unpark(t);
            }
        }

        @Override
        protected void afterExecute(Runnable r, Throwable t) {
            if (getQueue().isEmpty()) {
                collectNext();
                return;
            }
            if (restPerWork == 0) {
                return;
            }
            if (getQueue().size() < behind) {
                mark = -1; // keeping up (a burst leaves a short queue): no rest, and no clock read
                return;
            }
            // Behind: the CPU clock is a system call on some machines, so it is read when the
            // writer falls behind and then every CHECK_EVERY tasks, not around every task.
            if (mark < 0) {
                mark = WorkClock.now();
                tasks = 0;
                return;
            }
            if (++tasks < CHECK_EVERY) {
                return;
            }
            tasks = 0;
            long worked = WorkClock.now() - mark;
            if (worked >= QUANTUM_NANOS && !isShutdown()) {
                java.util.concurrent.locks.LockSupport.parkNanos((long) (worked * restPerWork));
                mark = WorkClock.now();
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
