package dev.treeprof.impl.format;

import dev.treeprof.CallNode;
import dev.treeprof.ScopeName;
import dev.treeprof.ThreadTree;
import dev.treeprof.impl.format.ProtoDecoder.LongList;
import dev.treeprof.impl.stats.StatsTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads pprof's {@code profile.proto}, gzipped or not, as written by treeprof, Go's
 * {@code runtime/pprof}, async-profiler and other producers, into stats with exact call trees: a
 * sample is a stack, so each distinct stack of a thread is one path of its tree, holding the summed
 * values of its samples.
 *
 * <p>Of several sample types the calls are the type named {@code calls} (else the first counted
 * one, e.g. Go's {@code samples}), the time the type named {@code wall} (else the default type
 * when it is a time, else the first time). The {@code thread} label names the thread; samples
 * without one go to a thread named {@value #NO_THREAD}. Inline frames (several lines in one
 * location) become separate scopes, innermost deepest. A scope is named by its function's name,
 * file and start line, so all lines of one function are one scope, as in pstats. Comments of the
 * form {@code key=value} become metadata (treeprof writes its metadata that way).
 */
final class PprofReader {

    /** The thread of samples without a {@code thread} label. */
    static final String NO_THREAD = "all threads";

    private static final String WHAT = "of the decompressed profile";

    private final String file;

    private final List<String> strings = new ArrayList<>();
    private final LongList sampleTypes = new LongList();
    private long defaultSampleType;
    private final LongList sampleStart = new LongList();
    private final LongList sampleLocations = new LongList();
    private final LongList sampleValuesStart = new LongList();
    private final LongList sampleValues = new LongList();
    private final LongList sampleLabelsStart = new LongList();
    private final LongList sampleLabels = new LongList();
    private final LongList sampleOffsets = new LongList();
    private final Map<Long, long[]> locations = new HashMap<>();
    private final Map<Long, long[]> functions = new HashMap<>();
    private final LongList comments = new LongList();
    private long timeNanos;
    private long durationNanos;

    private PprofReader(String file) {
        this.file = file;
    }

    /** Whether the bytes start as gzip does (pprof files are gzipped; treeprof writes no other gzip). */
    static boolean isGzip(byte[] data) {
        return data.length >= 2 && (data[0] & 0xFF) == 0x1F && (data[1] & 0xFF) == 0x8B;
    }

    /**
     * Whether an uncompressed file could be a profile message: its first byte is the tag of one of
     * {@code Profile}'s fields with that field's wire type.
     */
    static boolean looksLikeRawProto(byte[] data) {
        if (data.length < 2) {
            return false;
        }
        int tag = data[0] & 0xFF;
        int field = tag >>> 3;
        int wire = tag & 7;
        if (field < 1 || field > 15) {
            return false;
        }
        boolean len = field <= 6 || field == 11 || field == 13;
        return wire == (len ? ProtoDecoder.LEN : ProtoDecoder.VARINT) || (field == 13 && wire == ProtoDecoder.VARINT);
    }

    /**
     * Reads a profile, gzipped or not.
     *
     * @throws BadDumpException when it is not a readable pprof profile
     */
    static StatsTable read(byte[] data, String file) throws BadDumpException {
        byte[] proto = data;
        String what = "";
        if (isGzip(data)) {
            proto = gunzip(data, file);
            what = WHAT;
        }
        PprofReader r = new PprofReader(file);
        ProtoDecoder d = new ProtoDecoder(proto, 0, proto.length, file, what);
        r.profile(d);
        return r.build(d);
    }

    private static byte[] gunzip(byte[] data, String file) throws BadDumpException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length * 4));
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data), 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > Dumps.MAX_FILE_BYTES) {
                    throw new BadDumpException(file, null, "gzip data decompresses to more than the "
                            + Dumps.MAX_FILE_BYTES + " bytes treeprof loads");
                }
                out.write(buf, 0, n);
            }
        } catch (BadDumpException e) {
            throw e;
        } catch (EOFException e) {
            throw new BadDumpException(file, null, "gzip data ends early (truncated file?)", e);
        } catch (ZipException e) {
            throw new BadDumpException(file, null, "corrupt gzip data: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BadDumpException(file, null, "cannot decompress gzip data: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private void profile(ProtoDecoder d) throws BadDumpException {
        while (d.next()) {
            switch (d.field()) {
                case 1: {
                    ProtoDecoder m = d.message();
                    long type = 0;
                    long unit = 0;
                    while (m.next()) {
                        if (m.field() == 1) {
                            type = m.int64();
                        } else if (m.field() == 2) {
                            unit = m.int64();
                        } else {
                            m.skip();
                        }
                    }
                    sampleTypes.add(type);
                    sampleTypes.add(unit);
                    break;
                }
                case 2:
                    sample(d);
                    break;
                case 4:
                    location(d);
                    break;
                case 5:
                    function(d);
                    break;
                case 6:
                    strings.add(d.string());
                    break;
                case 9:
                    timeNanos = d.int64();
                    break;
                case 10:
                    durationNanos = d.int64();
                    break;
                case 13:
                    d.repeated(comments);
                    break;
                case 14:
                    defaultSampleType = d.int64();
                    break;
                default:
                    d.skip();
            }
        }
    }

    private void sample(ProtoDecoder d) throws BadDumpException {
        sampleOffsets.add(d.fieldStart());
        sampleStart.add(sampleLocations.size);
        sampleValuesStart.add(sampleValues.size);
        sampleLabelsStart.add(sampleLabels.size);
        ProtoDecoder m = d.message();
        while (m.next()) {
            switch (m.field()) {
                case 1:
                    m.repeated(sampleLocations);
                    break;
                case 2:
                    m.repeated(sampleValues);
                    break;
                case 3: {
                    ProtoDecoder l = m.message();
                    long key = 0;
                    long str = 0;
                    while (l.next()) {
                        if (l.field() == 1) {
                            key = l.int64();
                        } else if (l.field() == 2) {
                            str = l.int64();
                        } else {
                            l.skip();
                        }
                    }
                    sampleLabels.add(key);
                    sampleLabels.add(str);
                    break;
                }
                default:
                    m.skip();
            }
        }
    }

    /** A location as {@code [offset, address, functionId, line, functionId, line, ...]}, caller last. */
    private void location(ProtoDecoder d) throws BadDumpException {
        int at = d.fieldStart();
        ProtoDecoder m = d.message();
        long id = 0;
        long address = 0;
        LongList lines = new LongList();
        lines.add(at);
        lines.add(0);
        while (m.next()) {
            switch (m.field()) {
                case 1:
                    id = m.int64();
                    break;
                case 3:
                    address = m.int64();
                    break;
                case 4: {
                    ProtoDecoder l = m.message();
                    long fn = 0;
                    long line = 0;
                    while (l.next()) {
                        if (l.field() == 1) {
                            fn = l.int64();
                        } else if (l.field() == 2) {
                            line = l.int64();
                        } else {
                            l.skip();
                        }
                    }
                    lines.add(fn);
                    lines.add(line);
                    break;
                }
                default:
                    m.skip();
            }
        }
        lines.values[1] = address;
        if (id == 0) {
            throw d.fail(at, "a location has id 0, which profile.proto reserves");
        }
        if (locations.put(id, java.util.Arrays.copyOf(lines.values, lines.size)) != null) {
            throw d.fail(at, "location id " + id + " is defined twice");
        }
    }

    /** A function as {@code [offset, name, systemName, filename, startLine]}. */
    private void function(ProtoDecoder d) throws BadDumpException {
        int at = d.fieldStart();
        ProtoDecoder m = d.message();
        long id = 0;
        long[] f = new long[5];
        f[0] = at;
        while (m.next()) {
            int field = m.field();
            if (field == 1) {
                id = m.int64();
            } else if (field >= 2 && field <= 5) {
                f[field - 1] = m.int64();
            } else {
                m.skip();
            }
        }
        if (id == 0) {
            throw d.fail(at, "a function has id 0, which profile.proto reserves");
        }
        if (functions.put(id, f) != null) {
            throw d.fail(at, "function id " + id + " is defined twice");
        }
    }

    /** A mutable path while samples are summed. */
    private static final class PathNode {
        final ScopeName name;
        long calls;
        long ownNanos;
        long totalNanos;
        final Map<ScopeName, PathNode> children = new LinkedHashMap<>();

        PathNode(ScopeName name) {
            this.name = name;
        }
    }

    private StatsTable build(ProtoDecoder d) throws BadDumpException {
        if (!strings.isEmpty() && !strings.get(0).isEmpty()) {
            throw d.fail(0, "the string table's first entry is \"" + strings.get(0)
                    + "\", not the empty string profile.proto requires");
        }
        int types = sampleTypes.size / 2;
        String[] typeName = new String[types];
        String[] unitName = new String[types];
        StringBuilder typeNames = new StringBuilder();
        for (int t = 0; t < types; t++) {
            typeName[t] = str(sampleTypes.values[2 * t], "sample type " + t);
            unitName[t] = str(sampleTypes.values[2 * t + 1], "sample type " + t);
            typeNames.append(t == 0 ? "" : ", ").append(typeName[t]).append('/').append(unitName[t]);
        }
        int callsIndex = -1;
        for (int t = 0; t < types; t++) {
            if (unitName[t].equals(PprofWriter.COUNT)
                    && (callsIndex < 0 || typeName[t].equals(PprofWriter.CALLS) && !typeName[callsIndex].equals(PprofWriter.CALLS))) {
                callsIndex = t;
            }
        }
        int timeIndex = -1;
        for (int t = 0; t < types; t++) {
            if (timeScale(unitName[t]) > 0 && (timeIndex < 0 || rank(t, typeName) > rank(timeIndex, typeName))) {
                timeIndex = t;
            }
        }
        long timeScale = timeIndex < 0 ? 0 : timeScale(unitName[timeIndex]);
        if (types == 0 && sampleStart.size > 0) {
            throw d.fail(0, "the profile has samples but no sample types");
        }

        Map<Long, ScopeName> names = new HashMap<>();
        for (Map.Entry<Long, long[]> e : functions.entrySet()) {
            long[] f = e.getValue();
            String where = "function " + e.getKey();
            String name = str(f[1], where);
            if (name.isEmpty()) {
                name = str(f[2], where);
            }
            if (name.isEmpty()) {
                name = "function " + e.getKey();
            }
            String fileName = str(f[3], where);
            if (f[4] < Integer.MIN_VALUE || f[4] > Integer.MAX_VALUE) {
                throw d.fail((int) f[0], "start line " + f[4] + " of function " + e.getKey() + " is out of range");
            }
            names.put(e.getKey(), ScopeName.of(fileName.isEmpty() ? ScopeName.NO_FILE : fileName, (int) f[4], name));
        }
        Map<Long, ScopeName[]> frames = new HashMap<>();
        for (Map.Entry<Long, long[]> e : locations.entrySet()) {
            long[] l = e.getValue();
            int n = (l.length - 2) / 2;
            ScopeName[] rootFirst;
            if (n == 0) {
                // not symbolized: only an address is known
                rootFirst = new ScopeName[] {ScopeName.of("0x" + Long.toHexString(l[1]))};
            } else {
                rootFirst = new ScopeName[n];
                for (int k = 0; k < n; k++) {
                    long fn = l[2 + 2 * k];
                    ScopeName s = names.get(fn);
                    if (s == null) {
                        throw d.fail((int) l[0], "location " + e.getKey() + " names function " + fn
                                + ", which the profile does not define");
                    }
                    rootFirst[n - 1 - k] = s;
                }
            }
            frames.put(e.getKey(), rootFirst);
        }

        long threadKey = strings.indexOf(PprofWriter.THREAD_LABEL);
        Map<String, PathNode> threads = new LinkedHashMap<>();
        int samples = sampleStart.size;
        for (int s = 0; s < samples; s++) {
            int at = (int) sampleOffsets.values[s];
            int vFrom = (int) sampleValuesStart.values[s];
            int vTo = s + 1 < samples ? (int) sampleValuesStart.values[s + 1] : sampleValues.size;
            if (vTo - vFrom != types) {
                throw d.fail(at, "sample " + s + " has " + (vTo - vFrom) + " values for " + types + " sample types");
            }
            long calls = callsIndex < 0 ? 0 : sampleValues.values[vFrom + callsIndex];
            if (calls < 0) {
                throw d.fail(at, "sample " + s + " has a negative count " + calls + " (a difference of profiles?)");
            }
            long nanos = 0;
            if (timeIndex >= 0) {
                try {
                    nanos = Math.multiplyExact(sampleValues.values[vFrom + timeIndex], timeScale);
                } catch (ArithmeticException e) {
                    throw d.fail(at, "sample " + s + "'s time overflows 64-bit nanoseconds");
                }
            }
            String thread = NO_THREAD;
            int lFrom = (int) sampleLabelsStart.values[s];
            int lTo = s + 1 < samples ? (int) sampleLabelsStart.values[s + 1] : sampleLabels.size;
            for (int l = lFrom; l < lTo; l += 2) {
                if (threadKey > 0 && sampleLabels.values[l] == threadKey && sampleLabels.values[l + 1] != 0) {
                    thread = str(sampleLabels.values[l + 1], "sample " + s);
                }
            }
            int from = (int) sampleStart.values[s];
            int to = s + 1 < samples ? (int) sampleStart.values[s + 1] : sampleLocations.size;
            if (from == to) {
                // no stack: no path to give the values to
                continue;
            }
            PathNode node = threads.computeIfAbsent(thread, k -> new PathNode(ThreadTree.ROOT));
            for (int i = to - 1; i >= from; i--) {
                long loc = sampleLocations.values[i];
                ScopeName[] fs = frames.get(loc);
                if (fs == null) {
                    throw d.fail(at, "sample " + s + " names location " + loc + ", which the profile does not define");
                }
                for (ScopeName f : fs) {
                    node = node.children.computeIfAbsent(f, PathNode::new);
                }
            }
            node.calls += calls;
            node.ownNanos += nanos;
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        StringBuilder other = new StringBuilder();
        for (int c = 0; c < comments.size; c++) {
            String text = str(comments.values[c], "comment " + c);
            int eq = text.indexOf('=');
            if (eq > 0) {
                metadata.put(text.substring(0, eq), text.substring(eq + 1));
            } else {
                other.append(other.length() == 0 ? "" : "\n").append(text);
            }
        }
        if (other.length() > 0) {
            metadata.put("pprof.comments", other.toString());
        }
        String ours = PprofWriter.CALLS + "/" + PprofWriter.COUNT + ", " + PprofWriter.WALL + "/" + PprofWriter.NANOSECONDS;
        if (!typeNames.toString().equals(ours)) {
            metadata.put("pprof.sampleTypes", typeNames.toString());
        }

        List<ThreadTree> out = new ArrayList<>();
        for (Map.Entry<String, PathNode> e : threads.entrySet()) {
            out.add(ThreadTree.of(e.getKey(), freeze(e.getValue())));
        }
        long startMillis = timeNanos > 0 ? timeNanos / 1_000_000L : 0;
        return StatsTable.fromThreads(out, metadata, startMillis, Math.max(0, durationNanos));
    }

    /**
     * The immutable tree, totals summed bottom-up (own time plus the children's totals), no
     * recursion. A recorded tree has exactly these totals, so it reads back as it was written.
     */
    private static CallNode freeze(PathNode root) {
        List<PathNode> order = new ArrayList<>();
        List<PathNode> todo = new ArrayList<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            PathNode n = todo.remove(todo.size() - 1);
            order.add(n);
            todo.addAll(n.children.values());
        }
        Map<PathNode, CallNode> built = new HashMap<>();
        for (int i = order.size() - 1; i >= 0; i--) {
            PathNode n = order.get(i);
            long total = n.ownNanos;
            List<CallNode> kids = new ArrayList<>(n.children.size());
            for (PathNode c : n.children.values()) {
                CallNode k = built.remove(c);
                kids.add(k);
                total += k.totalNanos();
            }
            n.totalNanos = total;
            // the synthetic root records no time of its own, as a recorded root does not
            built.put(n, n == root ? CallNode.of(n.name, 0, 0, 0, kids)
                    : CallNode.of(n.name, n.calls, total, n.ownNanos, kids));
        }
        return built.get(root);
    }

    /** Which time type to prefer: {@code wall}, then the profile's default type, then the first. */
    private int rank(int t, String[] typeName) {
        if (typeName[t].equals(PprofWriter.WALL)) {
            return 2;
        }
        return defaultSampleType != 0 && sampleTypes.values[2 * t] == defaultSampleType ? 1 : 0;
    }

    private static long timeScale(String unit) {
        switch (unit.toLowerCase(Locale.ROOT)) {
            case "nanoseconds":
            case "ns":
                return 1;
            case "microseconds":
            case "us":
                return 1_000;
            case "milliseconds":
            case "ms":
                return 1_000_000;
            case "seconds":
            case "s":
                return 1_000_000_000;
            default:
                return 0;
        }
    }

    private String str(long index, String where) throws BadDumpException {
        if (index < 0 || index >= strings.size()) {
            if (index == 0 && strings.isEmpty()) {
                return "";
            }
            throw new BadDumpException(file, where, "string index " + index + " is out of range (the string table holds "
                    + strings.size() + " strings)");
        }
        return strings.get((int) index);
    }
}
