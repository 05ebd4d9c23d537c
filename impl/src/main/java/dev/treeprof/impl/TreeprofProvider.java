package dev.treeprof.impl;

import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.impl.format.Dumps;
import dev.treeprof.impl.record.NameTable;
import dev.treeprof.impl.record.Recorder;
import dev.treeprof.impl.record.TreeProfiler;
import dev.treeprof.impl.stats.StatsTable;
import dev.treeprof.spi.ProfilerLookup;
import dev.treeprof.spi.ProfilerProvider;
import dev.treeprof.spi.RecordingSwitch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * The provider the API finds through {@link java.util.ServiceLoader}.
 *
 * <p>System properties: {@code treeprof.maxNodesPerTree} (default 100000) caps each thread's
 * tree; {@code treeprof.nameTableSize} (default 10000) bounds the tables of string and call-site
 * names.
 */
public final class TreeprofProvider implements ProfilerProvider {

    /** System property capping each thread's tree, in every profiler including the process-wide one. */
    static final String MAX_NODES_PROPERTY = "treeprof.maxNodesPerTree";

    private final TreeProfiler global = new TreeProfiler(dev.treeprof.impl.record.Clock.SYSTEM, maxNodesPerTree());
    private final NameTable names = new NameTable(Integer.getInteger("treeprof.nameTableSize", NameTable.DEFAULT_SIZE));

    @Override
    public void bound(RecordingSwitch.Control recordingSwitch) {
        Recorder.useSwitch(recordingSwitch);
    }

    @Override
    public Scope enter(ScopeName name) {
        return Recorder.enter(global, name);
    }

    @Override
    public ScopeName intern(String name) {
        return names.intern(name);
    }

    @Override
    public ScopeName callSite() {
        return names.callSite();
    }

    @Override
    public Profiler newProfiler() {
        return new TreeProfiler(dev.treeprof.impl.record.Clock.SYSTEM, maxNodesPerTree());
    }

    @Override
    public Profiler newProfiler(LongSupplier timer, double timeUnit) {
        return TreeProfiler.withTimer(timer, timeUnit, maxNodesPerTree());
    }

    /** The node cap asked for by {@value #MAX_NODES_PROPERTY}; a bad value is warned about, not fatal. */
    static int maxNodesPerTree() {
        String v = System.getProperty(MAX_NODES_PROPERTY);
        if (v == null) {
            return TreeProfiler.DEFAULT_MAX_NODES;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LoggerFactory.getLogger("dev.treeprof").warn("treeprof: -D{}={} is not a positive integer; using {}",
                MAX_NODES_PROPERTY, v, TreeProfiler.DEFAULT_MAX_NODES);
        return TreeProfiler.DEFAULT_MAX_NODES;
    }

    @Override
    public Profiler defaultProfiler() {
        return global;
    }

    @Override
    public void addLookup(ProfilerLookup lookup) {
        Recorder.addLookup(lookup);
    }

    @Override
    public void removeLookup(ProfilerLookup lookup) {
        Recorder.removeLookup(lookup);
    }

    @Override
    public Stats load(Path... files) throws IOException {
        return Dumps.load(files);
    }

    @Override
    public Stats emptyStats() {
        return StatsTable.empty().withWriter(Dumps.WRITER);
    }
}
