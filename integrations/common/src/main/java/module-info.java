/**
 * The framework-neutral core of treeprof's werkzeug-style request profiling: options, the request
 * lifecycle, safe file names, retention and recent profiles. Needs the API only.
 */
module dev.treeprof.web {
    requires transitive dev.treeprof;
    requires org.slf4j;
    requires java.net.http;
    // The writer's pacing reads its thread's CPU time there when present; without it, wall time.
    requires static java.management;

    exports dev.treeprof.web;
    exports dev.treeprof.web.internal to dev.treeprof.undertow, dev.treeprof.vertx;
}
