/**
 * werkzeug's {@code ProfilerMiddleware} for Undertow: {@link dev.treeprof.undertow.ProfilerHandler}
 * (an {@code HttpHandler}) and {@link dev.treeprof.undertow.ProfilerHandlerWrapper} (a
 * {@code HandlerWrapper}) profile each request across the IO thread, dispatched workers and async
 * completion, with the options of {@link dev.treeprof.web.ProfilerOptions}.
 */
package dev.treeprof.undertow;
