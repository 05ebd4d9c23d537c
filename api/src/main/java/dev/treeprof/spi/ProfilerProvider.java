package dev.treeprof.spi;

import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * The service an implementation provides, found with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/dev.treeprof.spi.ProfilerProvider}. Without one on the class path the
 * API binds to a no-op provider: scopes cost a field read and nothing is recorded.
 *
 * <p>When several providers are present, the system property {@value #PROVIDER_PROPERTY} names the
 * class to use; otherwise the first found wins and a warning is printed once to standard error.
 */
public interface ProfilerProvider {

    /** System property naming the provider class to bind when several are present. */
    String PROVIDER_PROPERTY = "treeprof.provider";

    /** The provider the API is bound to. */
    static ProfilerProvider current() {
        return ProviderBinding.PROVIDER;
    }

    /**
     * Called once, when the API binds to this provider, with the only handle that turns
     * {@link RecordingSwitch} on and off: keep it and set it while any profiler records. A provider
     * that is found but not bound never receives it.
     */
    default void bound(RecordingSwitch.Control recordingSwitch) {
    }

    /** Opens a scope on the current thread in whatever profiler is current there. Hot path. */
    Scope enter(ScopeName name);

    /** The scope name for a string, interned in a bounded table. */
    ScopeName intern(String name);

    /** The scope name of the caller of {@link dev.treeprof.Profile#scope()}, from its stack frame. */
    ScopeName callSite();

    /** A new, disabled profiler. */
    Profiler newProfiler();

    /**
     * A new, disabled profiler reading {@code timer}, {@code timeUnit} seconds per tick; see
     * {@link dev.treeprof.Profile#newProfiler(LongSupplier, double)}, which checks the arguments.
     */
    Profiler newProfiler(LongSupplier timer, double timeUnit);

    /** The process-wide profiler driven by {@link dev.treeprof.Profile#enable()}. */
    Profiler defaultProfiler();

    /** Adds a lookup asked before the thread binding; see {@link ProfilerLookup}. */
    void addLookup(ProfilerLookup lookup);

    /** Removes a lookup added by {@link #addLookup}. */
    void removeLookup(ProfilerLookup lookup);

    /** Loads and merges profile files. */
    Stats load(Path... files) throws IOException;

    /** A Stats without rows. */
    Stats emptyStats();
}
