package dev.treeprof.e2e.minimal;

import dev.treeprof.Binding;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import dev.treeprof.spi.ProfilerLookup;
import dev.treeprof.spi.ProfilerProvider;
import dev.treeprof.spi.RecordingSwitch;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A second, deliberately naive implementation of the SPI, written against the API alone: it proves
 * the web integrations need nothing of treeprof-impl. It records nested scopes per thread, and
 * nothing else; no bounds, no repairs, no speed.
 */
public final class MinimalProvider implements ProfilerProvider {

    private static final List<ProfilerLookup> LOOKUPS = new CopyOnWriteArrayList<>();
    private static final ThreadLocal<Deque<MinimalProfiler>> BOUND = ThreadLocal.withInitial(ArrayDeque::new);
    private static final AtomicInteger RECORDING = new AtomicInteger();
    private final MinimalProfiler defaultProfiler = new MinimalProfiler();

    private static volatile RecordingSwitch.Control recordingSwitch;

    static void recording(boolean more) {
        int n = RECORDING.addAndGet(more ? 1 : -1);
        if (recordingSwitch != null) {
            recordingSwitch.set(n > 0);
        }
    }

    @Override
    public void bound(RecordingSwitch.Control control) {
        recordingSwitch = control;
    }

    static Binding bind(MinimalProfiler p) {
        Deque<MinimalProfiler> stack = BOUND.get();
        stack.push(p);
        return () -> stack.remove(p);
    }

    @Override
    public Scope enter(ScopeName name) {
        MinimalProfiler p = null;
        for (ProfilerLookup l : LOOKUPS) {
            Profiler answer = l.current();
            if (answer instanceof MinimalProfiler) {
                p = (MinimalProfiler) answer;
                break;
            }
        }
        if (p == null) {
            p = BOUND.get().peek();
        }
        if (p == null && defaultProfiler.isEnabled()) {
            p = defaultProfiler;
        }
        return p == null || !p.isEnabled() ? Scope.noop() : p.enter(name);
    }

    @Override
    public ScopeName intern(String name) {
        return ScopeName.of(name);
    }

    @Override
    public ScopeName callSite() {
        return ScopeName.of("<call site>");
    }

    @Override
    public Profiler newProfiler() {
        return new MinimalProfiler();
    }

    /** A profiler on the caller's clock (its unit is ignored here: the minimal stats print no times). */
    @Override
    public Profiler newProfiler(java.util.function.LongSupplier timer, double timeUnit) {
        return new MinimalProfiler(timer);
    }

    @Override
    public Profiler defaultProfiler() {
        return defaultProfiler;
    }

    @Override
    public void addLookup(ProfilerLookup lookup) {
        LOOKUPS.add(lookup);
    }

    @Override
    public void removeLookup(ProfilerLookup lookup) {
        LOOKUPS.remove(lookup);
    }

    @Override
    public Stats load(Path... files) {
        throw new UnsupportedOperationException("the minimal provider loads nothing");
    }

    @Override
    public Stats emptyStats() {
        return new MinimalStats(List.of(), java.util.Map.of());
    }
}
