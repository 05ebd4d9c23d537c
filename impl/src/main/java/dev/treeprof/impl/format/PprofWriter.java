package dev.treeprof.impl.format;

import dev.treeprof.CallNode;
import dev.treeprof.ScopeName;
import dev.treeprof.ThreadTree;
import dev.treeprof.impl.stats.StatsTable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes pprof's {@code profile.proto}, gzipped: the format of {@code go tool pprof} and of the
 * continuous-profiling backends (Pyroscope, Parca, Cloud Profiler). The encoding is written by
 * hand with {@link ProtoEncoder}; {@code impl/docs/pprof.md} says why and how treeprof's trees map
 * onto pprof's samples.
 *
 * <p>Two sample types, {@code calls/count} and {@code wall/nanoseconds} (own time, the default),
 * and one sample per call path of each thread's tree: the stack of the path, leaf first, the
 * path's calls and own time, and a {@code thread} label. So pprof's flat column is pstats' tottime,
 * its cum column pstats' cumtime, and the tree reads back exactly. Request metadata becomes labels
 * of every sample ({@code method}, {@code route}, {@code path}, {@code status}, {@code host}), and
 * all metadata travels as {@code key=value} comments.
 */
final class PprofWriter {

    static final String CALLS = "calls";
    static final String COUNT = "count";
    static final String WALL = "wall";
    static final String NANOSECONDS = "nanoseconds";
    static final String THREAD_LABEL = "thread";

    /**
     * Paths deeper than this are cut: everything below is summed into one sample ending in
     * {@link #TRUNCATED}. Each sample repeats its whole stack, so a file grows with the square of
     * the depth; Go's runtime records a few dozen frames at most.
     */
    static final int MAX_DEPTH = 1024;

    /** The frame standing for the cut part of paths deeper than {@link #MAX_DEPTH}. */
    static final ScopeName TRUNCATED = ScopeName.of("[deeper frames truncated]");

    /**
     * Metadata keys whose values become sample labels, with the label's name; for a label named
     * twice, the first key present wins (the route template before the path, the request's host
     * before the recording process's).
     */
    static final String[][] LABELS = {
        {"request.method", "method"},
        {"request.route", "route"},
        {"route", "route"},
        {"request.path", "path"},
        {"request.status", "status"},
        {"request.host", "host"},
        {"host", "host"},
        {Facts.HOST_PREFIX + "name", "host"},
    };

    private final Map<String, Long> strings = new LinkedHashMap<>();
    private final Map<ScopeName, Long> locations = new LinkedHashMap<>();
    private final ProtoEncoder top = new ProtoEncoder();
    private final ProtoEncoder msg = new ProtoEncoder();
    private final ProtoEncoder sub = new ProtoEncoder();
    private final long[] values = new long[2];
    private long[] stack = new long[64];
    private long[] reversed = new long[64];

    private PprofWriter() {
        str("");
    }

    /**
     * Writes the stats' call trees as a gzipped profile; the stream is finished, not closed.
     *
     * @throws IllegalArgumentException when the stats have no call trees (flat rows, e.g. loaded
     *     from a {@code .prof} file: pprof samples are call paths, which those do not know)
     */
    static void write(StatsTable stats, OutputStream out) throws IOException {
        if (stats.callTree().isEmpty()) {
            throw new IllegalArgumentException("pprof export needs call trees, and these stats have none (flat rows, "
                    + "e.g. loaded from a .prof file, do not know their call paths); write .prof or .json instead");
        }
        GZIPOutputStream gz = new GZIPOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        }, 1 << 16);
        new PprofWriter().encode(stats, gz);
        gz.finish();
        out.flush();
    }

    private void encode(StatsTable stats, OutputStream out) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(stats.metadata());
        boolean jvm = false;
        boolean host = false;
        for (String k : meta.keySet()) {
            jvm |= k.startsWith(Facts.JVM_PREFIX);
            host |= k.startsWith(Facts.HOST_PREFIX);
        }
        // recorded here (or loaded without facts): describe this process, as the JSON dump does
        if (!jvm) {
            Facts.jvm().forEach((k, v) -> meta.put(Facts.JVM_PREFIX + k, v));
        }
        if (!host) {
            Facts.host().forEach((k, v) -> meta.put(Facts.HOST_PREFIX + k, v));
        }

        valueType(1, CALLS, COUNT);
        valueType(1, WALL, NANOSECONDS);
        top.flushTo(out);

        Map<String, Long> labels = new LinkedHashMap<>();
        for (String[] l : LABELS) {
            String v = meta.get(l[0]);
            if (v != null && !labels.containsKey(l[1])) {
                labels.put(l[1], str(v));
            }
        }
        long[] labelKeys = new long[labels.size() + 1];
        long[] labelValues = new long[labels.size() + 1];
        labelKeys[0] = str(THREAD_LABEL);
        int li = 1;
        for (Map.Entry<String, Long> e : labels.entrySet()) {
            labelKeys[li] = str(e.getKey());
            labelValues[li++] = e.getValue();
        }

        for (ThreadTree t : stats.callTree().threads()) {
            labelValues[0] = str(t.threadName());
            samples(t.root(), labelKeys, labelValues, out);
        }
        top.flushTo(out);

        for (Map.Entry<ScopeName, Long> e : locations.entrySet()) {
            ScopeName n = e.getKey();
            long id = e.getValue();
            sub.reset();
            sub.int64(1, id);
            sub.int64(2, n.line());
            msg.reset();
            msg.int64(1, id);
            msg.message(4, sub);
            top.message(4, msg);
            msg.reset();
            msg.int64(1, id);
            msg.int64(2, str(n.function()));
            msg.int64(3, str(n.label()));
            msg.int64(4, str(ScopeName.NO_FILE.equals(n.file()) ? "" : n.file()));
            msg.int64(5, n.line());
            top.message(5, msg);
            if (top.size() > 1 << 16) {
                top.flushTo(out);
            }
        }

        long[] comments = new long[meta.size()];
        int c = 0;
        for (Map.Entry<String, String> e : meta.entrySet()) {
            comments[c++] = str(e.getKey() + "=" + e.getValue());
        }
        long wall = str(WALL);
        long nanos = str(NANOSECONDS);
        for (String s : strings.keySet()) {
            top.string(6, s);
            if (top.size() > 1 << 16) {
                top.flushTo(out);
            }
        }
        long start = stats.startMillis();
        top.int64(9, start > 0 && start <= Long.MAX_VALUE / 1_000_000L ? start * 1_000_000L : 0);
        top.int64(10, stats.durationNanos());
        msg.reset();
        msg.int64(1, wall);
        msg.int64(2, nanos);
        top.message(11, msg);
        // the values are exact, not sampled: one nanosecond per unit
        top.int64(12, 1);
        top.packed(13, comments, c);
        top.int64(14, wall);
        top.flushTo(out);
    }

    /** One sample per path below the synthetic root, pre-order, without recursion. */
    private void samples(CallNode root, long[] labelKeys, long[] labelValues, OutputStream out) throws IOException {
        List<CallNode> path = new ArrayList<>();
        List<Integer> next = new ArrayList<>();
        path.add(root);
        next.add(0);
        while (!path.isEmpty()) {
            int d = path.size() - 1;
            CallNode n = path.get(d);
            int i = next.get(d);
            if (i == n.children().size()) {
                path.remove(d);
                next.remove(d);
                continue;
            }
            next.set(d, i + 1);
            CallNode child = n.children().get(i);
            int depth = d + 1;
            ensureStack(depth + 1);
            stack[depth - 1] = location(child.name());
            values[0] = child.calls();
            values[1] = child.ownNanos();
            sample(depth, labelKeys, labelValues);
            if (depth == MAX_DEPTH && !child.children().isEmpty()) {
                truncated(child, depth, labelKeys, labelValues);
            } else if (!child.children().isEmpty()) {
                path.add(child);
                next.add(0);
            }
            if (top.size() > 1 << 16) {
                top.flushTo(out);
            }
        }
    }

    /** Sums everything below {@code cut} into one sample whose leaf is {@link #TRUNCATED}. */
    private void truncated(CallNode cut, int depth, long[] labelKeys, long[] labelValues) {
        long calls = 0;
        long own = 0;
        List<CallNode> todo = new ArrayList<>(cut.children());
        while (!todo.isEmpty()) {
            CallNode n = todo.remove(todo.size() - 1);
            calls += n.calls();
            own += n.ownNanos();
            todo.addAll(n.children());
        }
        stack[depth] = location(TRUNCATED);
        values[0] = calls;
        values[1] = own;
        sample(depth + 1, labelKeys, labelValues);
    }

    /** A sample for the path in {@code stack[0..depth)}, root first; pprof wants the leaf first. */
    private void sample(int depth, long[] labelKeys, long[] labelValues) {
        long[] leafFirst = reversed;
        for (int k = 0; k < depth; k++) {
            leafFirst[k] = stack[depth - 1 - k];
        }
        msg.reset();
        msg.packed(1, leafFirst, depth);
        msg.packed(2, values, 2);
        for (int l = 0; l < labelKeys.length; l++) {
            sub.reset();
            sub.int64(1, labelKeys[l]);
            sub.int64(2, labelValues[l]);
            msg.message(3, sub);
        }
        top.message(2, msg);
    }

    private void valueType(int field, String type, String unit) {
        msg.reset();
        msg.int64(1, str(type));
        msg.int64(2, str(unit));
        top.message(field, msg);
    }

    private long location(ScopeName n) {
        return locations.computeIfAbsent(n, k -> (long) locations.size() + 1);
    }

    private long str(String s) {
        return strings.computeIfAbsent(s, k -> (long) strings.size());
    }

    private void ensureStack(int n) {
        if (n > stack.length) {
            stack = java.util.Arrays.copyOf(stack, Math.max(n, stack.length * 2));
            reversed = new long[stack.length];
        }
    }
}
