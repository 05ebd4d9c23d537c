/**
 * The file layer: dumps of {@link dev.treeprof.impl.stats.StatsTable} in Python's pstats format
 * ({@code .prof}), treeprof's lossless JSON, speedscope, Chrome trace events and folded stacks,
 * and the loaders of {@code .prof} and JSON. {@link dev.treeprof.impl.format.Dumps} is the entry
 * point; the README's "Dump formats" section describes each format.
 */
package dev.treeprof.impl.format;
