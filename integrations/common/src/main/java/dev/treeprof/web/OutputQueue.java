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

    private final ThreadPoolExecutor writer;

    OutputQueue(int capacity) {
        writer = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity), r -> {
            Thread t = new Thread(r, "treeprof-writer-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        writer.allowCoreThreadTimeOut(true);
    }

    /** Queues the task; false when the queue is full. */
    boolean offer(Runnable task) {
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
}
