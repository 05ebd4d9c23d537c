/**
 * Plumbing shared by treeprof's web integrations (Undertow, Vert.x). Not an API: it may change
 * in any release; applications use {@code dev.treeprof.web} only.
 */
package dev.treeprof.web.internal;
