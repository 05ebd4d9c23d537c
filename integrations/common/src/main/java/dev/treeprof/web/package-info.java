/**
 * The framework-neutral core of treeprof's werkzeug-style request profiling middleware.
 *
 * <p>A framework integration (Undertow, Vert.x) builds one {@link dev.treeprof.web.RequestProfiling}
 * from {@link dev.treeprof.web.ProfilerOptions}, calls
 * {@link dev.treeprof.web.RequestProfiling#begin(dev.treeprof.web.RequestInfo)} when a request
 * arrives, binds the returned {@link dev.treeprof.web.ProfiledRequest} around each piece of the
 * request's work ({@link dev.treeprof.web.ProfiledRequest#attach()}), and calls
 * {@link dev.treeprof.web.ProfiledRequest#finish(int)} once the response is complete. The core
 * then prints werkzeug's report, writes the profile file under a safe name with retention, and
 * keeps it among the {@link dev.treeprof.web.RecentProfiles}.
 */
package dev.treeprof.web;
