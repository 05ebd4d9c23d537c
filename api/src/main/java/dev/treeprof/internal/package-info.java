/**
 * Not API: types the API module shares with treeprof's implementation only (a qualified export in
 * the module descriptor). On the class path they are visible, but may change in any release, and
 * they trust their callers (arrays are adopted, not copied).
 */
package dev.treeprof.internal;
