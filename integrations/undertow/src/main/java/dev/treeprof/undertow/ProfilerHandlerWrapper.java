package dev.treeprof.undertow;

import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RecentProfiles;
import dev.treeprof.web.RequestProfiling;
import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;

/**
 * {@link ProfilerHandler} as an Undertow {@link HandlerWrapper}, for the places that compose
 * handlers from wrappers (e.g. {@code DeploymentInfo.addOuterHandlerChainWrapper}). Every handler
 * it wraps shares one profiling core: one set of {@link #recent() recent profiles}, one profile
 * directory and its retention.
 *
 * <pre>{@code
 * ProfilerHandlerWrapper profiler = new ProfilerHandlerWrapper(options);
 * Undertow.builder().setHandler(profiler.wrap(app));
 * profiler.recent().list();   // the last requests' profiles
 * }</pre>
 */
public final class ProfilerHandlerWrapper implements HandlerWrapper {

    private final RequestProfiling profiling;

    /** A wrapper with the defaults: werkzeug's report to {@code System.out}, no files. */
    public ProfilerHandlerWrapper() {
        this(ProfilerOptions.defaults());
    }

    /**
     * A wrapper with these options.
     *
     * @throws NullPointerException if options is null
     */
    public ProfilerHandlerWrapper(ProfilerOptions options) {
        this.profiling = new RequestProfiling(options);
    }

    /** {@code handler}, profiled. */
    @Override
    public ProfilerHandler wrap(HttpHandler handler) {
        return new ProfilerHandler(handler, profiling);
    }

    /** The options. */
    public ProfilerOptions options() {
        return profiling.options();
    }

    /** The profiles of the last requests through any handler this wrapper made, newest first. */
    public RecentProfiles recent() {
        return profiling.recent();
    }
}
