/**
 * The live viewer for Undertow applications: {@link dev.treeprof.viewer.undertow.UndertowViewer}.
 * Needs {@code undertow-core}, which the application brings (the viewer's dependency on it is
 * {@code provided}).
 */
package dev.treeprof.viewer.undertow;
