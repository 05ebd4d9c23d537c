package dev.treeprof.benchmarks;

import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.impl.stats.StatsTable;
import dev.treeprof.ThreadTree;
import dev.treeprof.CallNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The memory target: 10 million scope calls over 1,000 distinct call paths must grow the heap by
 * the trees alone. Records on one thread, then reports the heap growth after full GCs, the bytes
 * the recording thread allocated, and both per tree node; then makes another 10 million calls on
 * the same paths, which must allocate (next to) nothing and not grow the heap.
 *
 * <p>Run with a stop-the-world collector so "used after GC" is exact:
 * {@code java -XX:+UseSerialGC -Xmx256m -cp benchmarks.jar dev.treeprof.benchmarks.MemoryFootprint results/memory.json}
 */
public final class MemoryFootprint {

    static final long CALLS = 10_000_000L;
    /** 10 outer names, each with 99 inner names under it: 10 + 990 = 1,000 distinct paths. */
    static final int OUTER = 10;
    static final int INNER = 99;

    private MemoryFootprint() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "results/memory.json");
        ScopeName[] outer = new ScopeName[OUTER];
        ScopeName[] inner = new ScopeName[OUTER * INNER];
        for (int i = 0; i < OUTER; i++) {
            outer[i] = ScopeName.of("mem.outer" + i);
            for (int j = 0; j < INNER; j++) {
                inner[i * INNER + j] = ScopeName.of("mem.outer" + i + ".inner" + j);
            }
        }
        // Warm the code paths on a throwaway profiler so class loading and JIT data are not counted.
        // On another thread, which then ends: a thread's recorder state caches the last segment it
        // recorded into, which would keep the warm-up tree alive and hide the measured one's growth.
        Thread warmUp = new Thread(() -> {
            Profiler warm = Profile.newProfiler();
            warm.enable();
            run(outer, inner, 1_000_000L);
            warm.disable();
        }, "warm-up");
        warmUp.start();
        try {
            warmUp.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        // Creates this thread's recorder state now, so the measured growth is the tree alone.
        Profile.newProfiler().attach().close();

        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();

        long heap0 = usedAfterGc();
        long alloc0 = threads.getThreadAllocatedBytes(tid);
        Profiler profiler = Profile.newProfiler();
        profiler.enable();
        run(outer, inner, CALLS);
        long alloc1 = threads.getThreadAllocatedBytes(tid);
        long heap1 = usedAfterGc();
        long alloc2 = threads.getThreadAllocatedBytes(tid);
        run(outer, inner, CALLS);
        long alloc3 = threads.getThreadAllocatedBytes(tid);
        long heap2 = usedAfterGc();
        profiler.disable();

        StatsTable stats = (StatsTable) profiler.stats();
        long nodes = 0;
        for (ThreadTree t : stats.threads()) {
            nodes += countNodes(t.root()) - 1; // not the synthetic root
        }
        long calls = stats.totalCalls();
        if (calls != 2 * CALLS) {
            throw new IllegalStateException("expected " + 2 * CALLS + " recorded calls, got " + calls);
        }
        long growth = heap1 - heap0;
        long allocFirst = alloc1 - alloc0;
        long allocSecond = alloc3 - alloc2;
        long growthSecond = heap2 - heap1;
        String json = String.format(Locale.ROOT, "{%n"
                        + "  \"calls\": %d,%n"
                        + "  \"distinctPaths\": %d,%n"
                        + "  \"nodes\": %d,%n"
                        + "  \"heapGrowthBytes\": %d,%n"
                        + "  \"heapGrowthBytesPerNode\": %.1f,%n"
                        + "  \"allocatedBytes\": %d,%n"
                        + "  \"allocatedBytesPerNode\": %.1f,%n"
                        + "  \"secondRunCalls\": %d,%n"
                        + "  \"secondRunAllocatedBytes\": %d,%n"
                        + "  \"secondRunHeapGrowthBytes\": %d,%n"
                        + "  \"gc\": \"%s\"%n"
                        + "}%n",
                CALLS, OUTER + OUTER * INNER, nodes, growth, (double) growth / nodes, allocFirst,
                (double) allocFirst / nodes, CALLS, allocSecond, growthSecond, gcNames());
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, json, StandardCharsets.UTF_8);
        System.out.print(json);
    }

    /** Cycles the 1,000 paths: each outer scope wraps one inner scope, so 2 scope calls per step. */
    private static void run(ScopeName[] outer, ScopeName[] inner, long calls) {
        long steps = calls / 2;
        int i = 0;
        int j = 0;
        for (long k = 0; k < steps; k++) {
            try (Scope o = Profile.scope(outer[i])) {
                try (Scope n = Profile.scope(inner[i * INNER + j])) {
                    // empty body
                }
            }
            if (++j == INNER) {
                j = 0;
                if (++i == OUTER) {
                    i = 0;
                }
            }
        }
    }

    private static long countNodes(CallNode root) {
        long n = 0;
        Deque<CallNode> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            CallNode t = todo.pop();
            n++;
            t.children().forEach(todo::push);
        }
        return n;
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // several collections: finalizable and soft objects can need more than one to go
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static String gcNames() {
        StringBuilder b = new StringBuilder();
        ManagementFactory.getGarbageCollectorMXBeans().forEach(g -> b.append(b.length() == 0 ? "" : ", ").append(g.getName()));
        return b.toString();
    }
}
