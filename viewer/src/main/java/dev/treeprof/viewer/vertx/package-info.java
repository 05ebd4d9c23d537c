/**
 * The live viewer for Vert.x applications: {@link dev.treeprof.viewer.vertx.VertxViewer}, a
 * vertx-web handler. Needs {@code vertx-web}, which the application brings (the viewer's
 * dependency on it is {@code provided}).
 */
package dev.treeprof.viewer.vertx;
