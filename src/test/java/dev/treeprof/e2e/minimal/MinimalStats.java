package dev.treeprof.e2e.minimal;

import dev.treeprof.CallTree;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import dev.treeprof.ThreadTree;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The minimal provider's stats: one row per name, summed over paths; a plain text layout of its own. */
final class MinimalStats implements Stats {

    private final List<ThreadTree> threads;
    private final Map<String, String> metadata;
    private final Consumer<String> out;

    MinimalStats(List<ThreadTree> threads, Map<String, String> metadata) {
        this(threads, metadata, System.out::print);
    }

    private MinimalStats(List<ThreadTree> threads, Map<String, String> metadata, Consumer<String> out) {
        this.threads = List.copyOf(threads);
        this.metadata = Map.copyOf(metadata);
        this.out = out;
    }

    @Override
    public List<StatsRow> rows() {
        Map<ScopeName, long[]> sums = new LinkedHashMap<>();
        for (ThreadTree t : threads) {
            t.root().walk((n, depth) -> {
                if (depth > 0) {
                    long[] s = sums.computeIfAbsent(n.name(), k -> new long[3]);
                    s[0] += n.calls();
                    s[1] += n.ownNanos();
                    s[2] += n.totalNanos();
                }
                return true;
            });
        }
        List<StatsRow> rows = new ArrayList<>();
        sums.forEach((name, s) -> rows.add(new StatsRow(name, s[0], s[0], s[1] / 1e9, s[2] / 1e9, Map.of(), Map.of())));
        return rows;
    }

    @Override
    public String formatStats(Object... restrictions) {
        StringBuilder b = new StringBuilder("minimal stats: " + totalCalls() + " calls\n");
        for (StatsRow r : rows()) {
            b.append("  ").append(r.label()).append(" x").append(r.totalCalls()).append('\n');
        }
        return b.toString();
    }

    @Override
    public void dumpStats(OutputStream stream, String format) throws IOException {
        stream.write(("minimal " + format + " dump\n" + metadata + "\n" + formatStats()).getBytes(StandardCharsets.UTF_8));
        stream.flush();
    }

    @Override
    public void dumpStats(Path file) throws IOException {
        try (OutputStream o = Files.newOutputStream(file)) {
            dumpStats(o, "text");
        }
    }

    @Override
    public CallTree callTree() {
        return CallTree.of(threads);
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public Stats withMetadata(Map<String, String> entries) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.putAll(entries);
        return new MinimalStats(threads, m, out);
    }

    @Override
    public long startMillis() {
        return 0;
    }

    @Override
    public long durationNanos() {
        return 0;
    }

    @Override
    public Stats sortStats(String... keys) {
        return this;
    }

    @Override
    public Stats reverseOrder() {
        return this;
    }

    @Override
    public Stats stripDirs() {
        return this;
    }

    @Override
    public Stats add(Stats... others) {
        List<ThreadTree> all = new ArrayList<>(threads);
        for (Stats o : others) {
            all.addAll(o.callTree().threads());
        }
        return new MinimalStats(all, metadata, out);
    }

    @Override
    public Stats stream(PrintStream stream) {
        return new MinimalStats(threads, metadata, stream::print);
    }

    @Override
    public Stats sink(Consumer<String> reportSink) {
        return new MinimalStats(threads, metadata, reportSink);
    }

    @Override
    public Stats printStats(Object... restrictions) {
        out.accept(formatStats(restrictions));
        return this;
    }

    @Override
    public Stats printCallers(Object... restrictions) {
        return this;
    }

    @Override
    public Stats printCallees(Object... restrictions) {
        return this;
    }

    @Override
    public String formatCallers(Object... restrictions) {
        return "";
    }

    @Override
    public String formatCallees(Object... restrictions) {
        return "";
    }

    @Override
    public List<StatsRow> rows(Object... restrictions) {
        return rows();
    }

    @Override
    public StatsRow row(String label) {
        return rows().stream().filter(r -> r.label().equals(label)).findFirst().orElse(null);
    }

    @Override
    public long totalCalls() {
        return rows().stream().mapToLong(StatsRow::totalCalls).sum();
    }

    @Override
    public long primitiveCalls() {
        return totalCalls();
    }

    @Override
    public double totalTime() {
        return rows().stream().mapToDouble(StatsRow::tottime).sum();
    }

    @Override
    public Map<String, Stats> byThread() {
        Map<String, Stats> m = new LinkedHashMap<>();
        for (ThreadTree t : threads) {
            m.put(t.threadName(), new MinimalStats(List.of(t), metadata, out));
        }
        return m;
    }

}
