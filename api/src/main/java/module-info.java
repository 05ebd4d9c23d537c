/**
 * treeprof's API: scopes, profilers, pstats-style stats and the read-only call-tree view, plus the
 * SPI an implementation provides. Without an implementation every call is a cheap no-op.
 */
module dev.treeprof {
    exports dev.treeprof;
    exports dev.treeprof.spi;

    uses dev.treeprof.spi.ProfilerProvider;
}
