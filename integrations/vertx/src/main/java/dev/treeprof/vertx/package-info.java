/**
 * treeprof for Vert.x: werkzeug-style request profiling that follows each request across its
 * asynchronous hops.
 *
 * <ul>
 *   <li>{@link dev.treeprof.vertx.ProfilerHandler}: the vertx-web handler, mounted first on a
 *       {@code Router};</li>
 *   <li>{@link dev.treeprof.vertx.ProfilingRequestHandler}: the wrapper of a plain
 *       {@code Handler<HttpServerRequest>};</li>
 *   <li>{@link dev.treeprof.vertx.VertxProfilerLookup}: how a scope finds its request's profiler
 *       through the current (duplicated) Vert.x context, and how to bind a profiler to a context
 *       yourself.</li>
 * </ul>
 * Options, file names, retention and the report are those of {@code dev.treeprof.web}.
 */
package dev.treeprof.vertx;
