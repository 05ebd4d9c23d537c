/**
 * treeprof's API: scopes, profilers, pstats-style stats and the read-only call-tree view, plus the
 * SPI an implementation provides. Without an implementation every call is a cheap no-op.
 */
module dev.treeprof {
    exports dev.treeprof;
    exports dev.treeprof.spi;
    // not API: the compact pair views the implementation builds a whole table's rows over
    exports dev.treeprof.internal to dev.treeprof.impl;

    uses dev.treeprof.spi.ProfilerProvider;
}
