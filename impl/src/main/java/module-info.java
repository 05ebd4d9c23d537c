/**
 * treeprof's implementation: the recorder, pstats' numbers and the file formats. Applications use
 * it through the API only; it exports nothing and provides the API's {@code ProfilerProvider}.
 * (On the class path, where the command line tool and the tests use its file layer, a module
 * descriptor has no effect.)
 */
module dev.treeprof.impl {
    requires dev.treeprof;
    requires org.slf4j;
    requires com.github.benmanes.caffeine;
    requires com.fasterxml.jackson.core;

    provides dev.treeprof.spi.ProfilerProvider with dev.treeprof.impl.TreeprofProvider;
}
