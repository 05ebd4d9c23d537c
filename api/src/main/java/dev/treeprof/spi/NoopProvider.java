package dev.treeprof.spi;

import dev.treeprof.Binding;
import dev.treeprof.CallTree;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** What the API binds to without an implementation: records nothing, prints empty tables. */
final class NoopProvider implements ProfilerProvider {

    private static final String MISSING = "treeprof-impl is not on the class path";

    private final Profiler defaultProfiler = new NoopProfiler();

    @Override
    public Scope enter(ScopeName name) {
        return Scope.noop();
    }

    @Override
    public ScopeName intern(String name) {
        return ScopeName.of(name);
    }

    @Override
    public ScopeName callSite() {
        return ScopeName.of("<unknown>");
    }

    @Override
    public Profiler newProfiler() {
        return new NoopProfiler();
    }

    @Override
    public Profiler newProfiler(LongSupplier timer, double timeUnit) {
        return new NoopProfiler();
    }

    @Override
    public Profiler defaultProfiler() {
        return defaultProfiler;
    }

    @Override
    public void addLookup(ProfilerLookup lookup) {
    }

    @Override
    public void removeLookup(ProfilerLookup lookup) {
    }

    @Override
    public Stats load(Path... files) {
        throw new UnsupportedOperationException("cannot load profiles: " + MISSING);
    }

    @Override
    public Stats emptyStats() {
        return new NoopStats(System.out::print);
    }

    /**
     * Said once per process on standard error, like SLF4J's "no providers" line: a user who turns
     * profiling on should learn why nothing is recorded. Scopes stay silent.
     */
    private static final java.util.concurrent.atomic.AtomicBoolean TOLD = new java.util.concurrent.atomic.AtomicBoolean();

    static void tellOnce() {
        if (TOLD.compareAndSet(false, true)) {
            System.err.println("treeprof: no implementation found, profiling is off; add treeprof-impl to the class path");
        }
    }

    /** A profiler that never records, so it never reports itself enabled. */
    private static final class NoopProfiler implements Profiler {

        @Override
        public void enable() {
            tellOnce();
        }

        @Override
        public void start() {
            tellOnce();
        }

        @Override
        public void disable() {
        }

        /** Always false: nothing records without an implementation. */
        @Override
        public boolean isEnabled() {
            return false;
        }

        @Override
        public Stats stats() {
            return new NoopStats(System.out::print);
        }

        @Override
        public void printStats() {
            stats().printStats();
        }

        @Override
        public void printStats(String... sortKeys) {
            stats().printStats();
        }

        @Override
        public void dumpStats(Path file) {
            throw new UnsupportedOperationException("cannot write " + file + ": " + MISSING);
        }

        @Override
        public void clear() {
        }

        @Override
        public Binding attach() {
            return Binding.noop();
        }

        @Override
        public Runnable wrap(Runnable task) {
            return task;
        }

        @Override
        public <V> Callable<V> wrap(Callable<V> task) {
            return task;
        }
    }

    /** An empty table. */
    private static final class NoopStats implements Stats {
        private static final String EMPTY = "         0 function calls in 0.000 seconds\n\n";
        private final Consumer<String> out;

        NoopStats(Consumer<String> out) {
            this.out = out;
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
            return this;
        }

        @Override
        public Stats stream(PrintStream stream) {
            return new NoopStats(stream::print);
        }

        @Override
        public Stats sink(Consumer<String> reportSink) {
            return new NoopStats(reportSink);
        }

        @Override
        public Stats printStats(Object... restrictions) {
            out.accept(EMPTY);
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
        public String formatStats(Object... restrictions) {
            return EMPTY;
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
        public List<StatsRow> rows() {
            return List.of();
        }

        @Override
        public List<StatsRow> rows(Object... restrictions) {
            return List.of();
        }

        @Override
        public StatsRow row(String label) {
            return null;
        }

        @Override
        public long totalCalls() {
            return 0;
        }

        @Override
        public long primitiveCalls() {
            return 0;
        }

        @Override
        public double totalTime() {
            return 0;
        }

        @Override
        public Map<String, Stats> byThread() {
            return Map.of();
        }

        @Override
        public void dumpStats(Path file) {
            throw new UnsupportedOperationException("cannot write " + file + ": " + MISSING);
        }

        @Override
        public void dumpStats(OutputStream stream, String format) {
            throw new UnsupportedOperationException("cannot write a " + format + " dump: " + MISSING);
        }

        @Override
        public CallTree callTree() {
            return CallTree.empty();
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public Stats withMetadata(Map<String, String> entries) {
            return this;
        }

        @Override
        public long startMillis() {
            return 0;
        }

        @Override
        public long durationNanos() {
            return 0;
        }
    }
}
