package dev.treeprof.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class OutputQueueTest {

    private static double shareWith(String value) {
        String before = System.getProperty(OutputQueue.SHARE_PROPERTY);
        try {
            if (value == null) {
                System.clearProperty(OutputQueue.SHARE_PROPERTY);
            } else {
                System.setProperty(OutputQueue.SHARE_PROPERTY, value);
            }
            return OutputQueue.machineShare();
        } finally {
            if (before == null) {
                System.clearProperty(OutputQueue.SHARE_PROPERTY);
            } else {
                System.setProperty(OutputQueue.SHARE_PROPERTY, before);
            }
        }
    }

    @Test
    void theWritersCpuShareIsAQuarterUnlessAValidShareIsSet() {
        assertEquals(0.25, shareWith(null));
        assertEquals(0.5, shareWith("0.5"));
        assertEquals(2.0, shareWith(" 2 "), "1 or more: the writer never rests");
        for (String bad : new String[] {"", "abc", "0", "-0.5", "NaN", "Infinity"}) {
            assertEquals(0.25, shareWith(bad), "a bad value is warned about and the default used: " + bad);
        }
    }

    @Test
    @Timeout(60)
    void aSteadyStreamIsWrittenInBatchesInOrderAndALoneOutputAfterItStillRuns() throws Exception {
        OutputQueue queue = new OutputQueue(1000);
        int n = 300;
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger mostWaiting = new AtomicInteger();
        CountDownLatch stream = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            int id = i;
            assertTrue(queue.offer(() -> {
                mostWaiting.accumulateAndGet(queue.size() - 1, Math::max);
                ran.add(id);
                stream.countDown();
            }));
            LockSupport.parkNanos(1_000_000); // a steady 1,000 outputs a second at most
        }
        assertTrue(stream.await(30, TimeUnit.SECONDS));
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(i);
        }
        assertEquals(expected, ran, "every output, in order");
        assertTrue(mostWaiting.get() > 1, "outputs gathered while the writer waited: " + mostWaiting.get());

        Thread.sleep(200); // the stream is over
        CountDownLatch lone = new CountDownLatch(1);
        assertTrue(queue.offer(lone::countDown));
        assertTrue(lone.await(30, TimeUnit.SECONDS), "a lone output after the stream is written");
    }

    @Test
    @Timeout(60)
    void aSmallQueueIsNotOverrunWhileTheWriterGathersABatch() throws Exception {
        OutputQueue queue = new OutputQueue(8); // writeQueueCapacity(8)
        int n = 300;
        AtomicInteger ran = new AtomicInteger();
        int refused = 0;
        for (int i = 0; i < n; i++) {
            if (!queue.offer(ran::incrementAndGet)) {
                refused++;
            }
            LockSupport.parkNanos(1_000_000); // about 100 outputs in a window, far more than the queue holds
        }
        // The writer keeps up with ease; waiting out its whole window would refuse about half.
        assertTrue(refused <= n / 20, refused + " of " + n + " refused");
        CountDownLatch last = new CountDownLatch(1);
        assertTrue(queue.offer(last::countDown));
        assertTrue(last.await(30, TimeUnit.SECONDS));
        assertEquals(n - refused, ran.get());
    }
}
