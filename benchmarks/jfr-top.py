#!/usr/bin/env python3
"""Attribution of a JFR recording of LoadServer (benchmarks/ab.sh --jfr records them).

    python3 benchmarks/jfr-top.py RECORDING.jfr [--requests N] [--duration S] [--top K]

Prints, from jdk.ExecutionSample (threads running Java code) and jdk.NativeMethodSample (threads
in native code, idle waits left out):
  * the samples per thread group (server IO threads, treeprof's writer, ...);
  * each sample put into one category: the first frame from the top of the stack that names a
    known piece of treeprof's request path (file syscalls, .prof marshalling, flattening, the
    pstats report, the snapshot, retention, the writer queue, the end of a request, the Vert.x
    context binding and cleaner, profiler creation, the recorder's hot path), else the endpoint's
    own work, else the framework;
  * the top frames by self samples and the top treeprof methods by inclusive samples;
  * from jdk.ObjectAllocationSample, the allocated bytes (JFR's sampled weight) per allocating
    treeprof method, per request when --requests is given.
"""
import argparse
import collections
import json
import subprocess
import sys

# (category, substrings of "Class.method" frames); the first frame from the top of the stack
# that matches any decides. More specific categories come first only by being nearer the top.
CATEGORIES = [
    ("file syscalls", ["sun.nio.fs.UnixNativeDispatcher", "sun.nio.ch.FileDispatcherImpl", "sun.nio.ch.FileChannelImpl",
                       "java.io.FileOutputStream", "sun.nio.fs.UnixChannelFactory", "sun.nio.fs.UnixPath.checkRead",
                       "sun.nio.fs.UnixFileSystemProvider", "sun.nio.fs.UnixFileAttributeViews"]),
    ("marshal (.prof)", ["dev.treeprof.impl.format."]),
    ("pstats report", ["dev.treeprof.impl.stats.PstatsPrinter", "StatsTable.formatStats", "StatsTable.sortStats",
                       "dev.treeprof.impl.stats.PyFormat", "RequestProfiling.report", "dev.treeprof.web.PythonRepr"]),
    ("flatten", ["dev.treeprof.impl.stats.Flattener", "dev.treeprof.impl.stats.FunctionTable",
                 "dev.treeprof.impl.stats.MergedTree", "dev.treeprof.impl.stats.TreeNodes"]),
    ("stats/metadata", ["dev.treeprof.impl.stats.", "RequestInfo.toMetadata"]),
    ("snapshot", ["dev.treeprof.impl.record.TreeProfiler.stats", "TreeProfiler.snapshot", "RequestProfile.snapshot",
                  "dev.treeprof.impl.record.Recorder.snapshot", "dev.treeprof.impl.record.EndedThreads"]),
    ("file name", ["dev.treeprof.web.FileNameFormat", "dev.treeprof.web.SafeFileNames"]),
    ("retention", ["dev.treeprof.web.FileRetention"]),
    ("file write (other)", ["dev.treeprof.web.ProfileFiles", "java.nio.file.Files"]),
    # Not java.util.concurrent.locks as such: the NIO socket channels lock on every read and write,
    # and a lock frame on top would put the server's socket I/O here.
    ("writer queue", ["dev.treeprof.web.OutputQueue", "java.util.concurrent.ThreadPoolExecutor",
                      "java.util.concurrent.LinkedBlockingQueue"]),
    ("vertx binding/cleaner", ["dev.treeprof.vertx.ContextProfilers", "java.lang.ref.Cleaner", "jdk.internal.ref.",
                               "VertxProfiling.begin", "VertxProfiling$Active.end"]),
    ("request end", ["RequestProfiling.end", "ProfiledRequest.finish", "ProfiledRequest.end", "ProfiledRequest.leave",
                     "RecentProfiles", "dev.treeprof.web.RequestProfile.", "ExchangeProfile.exchangeEvent",
                     "ProfilerHandler.ended"]),
    ("request begin", ["RequestProfiling.begin", "dev.treeprof.Profile.newProfiler", "TreeprofProvider.newProfiler",
                       "dev.treeprof.impl.record.TreeProfiler.<init>", "dev.treeprof.impl.record.TreeProfiler.start",
                       "ExchangeProfile.begin", "ProfilerHandler.start", "RequestInfo.of"]),
    ("recorder (scopes)", ["dev.treeprof.impl.record.", "dev.treeprof.Profile.scope", "dev.treeprof.vertx.VertxProfilerLookup",
                           "dev.treeprof.spi."]),
    ("endpoint (and the framework calls it makes)", ["dev.treeprof.benchmarks.load.LoadServer"]),
    ("middleware (other)", ["dev.treeprof."]),
]

IDLE = ("epollWait", "EPoll.wait", "Unsafe.park", "Object.wait", "Thread.sleep", "accept0", "socketAccept",
        "SelectorImpl.select", "poll0", "waitForReferencePendingList", "KQueue")


def frames(ev):
    st = ev["values"].get("stackTrace") or {}
    out = []
    for f in st.get("frames", []):
        m = f.get("method", {})
        t = (m.get("type") or {}).get("name", "?").replace("/", ".")
        out.append(t + "." + m.get("name", "?"))
    return out  # top of stack first


def thread_group(ev):
    v = ev["values"]
    t = v.get("sampledThread") or v.get("eventThread") or {}
    name = t.get("javaName") or t.get("osName") or "?"
    for prefix, group in (("treeprof-writer", "treeprof-writer"), ("XNIO-", "undertow-io"), ("vert.x-eventloop", "vertx-eventloop"),
                          ("vert.x-worker", "vertx-worker"), ("treeprof-", "treeprof-other"), ("Common-Cleaner", "cleaner"),
                          ("treeprof-vertx-cleaner", "cleaner")):
        if name.startswith(prefix):
            return group
    return name


# Frames that only wrap the application's handling (the request's root row, the route chain):
# passed over, so the endpoint's and the framework's own work is not counted as the middleware's.
WRAPPERS = ("dev.treeprof.vertx.ProfilerHandler.handle", "dev.treeprof.vertx.VertxProfiling.handle",
            "dev.treeprof.vertx.ProfilerHandler$$Lambda", "dev.treeprof.vertx.ProfilingRequestHandler.handle",
            "dev.treeprof.vertx.ProfilingRequestHandler$$Lambda", "dev.treeprof.undertow.ExchangeProfile.handleRoot",
            "dev.treeprof.undertow.ExchangeProfile.handleAgain", "dev.treeprof.undertow.ProfilerHandler.handleRequest",
            "dev.treeprof.undertow.ExchangeProfile.runDispatched", "dev.treeprof.web.ProfiledRequest.runJoined")

FILE_WORK = ("dev.treeprof.web.ProfileFiles", "dev.treeprof.web.FileRetention", "dev.treeprof.web.ProfileWriter")


def category(fs):
    files = any(k in f for f in fs for k in FILE_WORK)
    for f in fs:
        if f.startswith(WRAPPERS):
            continue
        if not files and (f.startswith("sun.nio.") or f.startswith("java.io.")):
            return "socket/other I/O"
        for cat, keys in CATEGORIES:
            if any(k in f for k in keys):
                return cat
    return "framework/JDK"


def load(path, events):
    raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", events, path], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(raw)["recording"]["events"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recording")
    ap.add_argument("--requests", type=int, default=0)
    ap.add_argument("--duration", type=float, default=0)
    ap.add_argument("--top", type=int, default=15)
    a = ap.parse_args()

    evs = load(a.recording, "jdk.ExecutionSample,jdk.NativeMethodSample")
    java, native = [], []
    for e in evs:
        fs = frames(e)
        if e["type"] == "jdk.NativeMethodSample":
            if not fs or any(k in fs[0] for k in IDLE) or any(k in " ".join(fs[:3]) for k in IDLE):
                continue
            native.append((e, fs))
        else:
            java.append((e, fs))
    n = len(java)
    print("%s: %d Java samples, %d busy native samples%s" % (a.recording, n, len(native),
          ", %d requests" % a.requests if a.requests else ""))

    def share(c, total):
        return "%5.1f%%" % (100.0 * c / total) if total else "  -  "

    print("\nJava samples per thread group:")
    for g, c in collections.Counter(thread_group(e) for e, _ in java).most_common(8):
        print("  %s %6d  %s" % (share(c, n), c, g))

    print("\nJava samples per category (first known frame from the top of the stack):")
    cats = collections.Counter(category(fs) for _, fs in java)
    for cat, c in cats.most_common():
        per_thread = collections.Counter(thread_group(e) for e, fs in java if category(fs) == cat)
        print("  %s %6d  %-24s %s" % (share(c, n), c, cat, ", ".join("%s %d" % kv for kv in per_thread.most_common(3))))

    if native:
        print("\nBusy native samples (wall time in native code, idle waits left out) per category:")
        for cat, c in collections.Counter(category(fs) for _, fs in native).most_common():
            print("  %6d  %s" % (c, cat))
        print("  top native frames:")
        for f, c in collections.Counter(fs[0] for _, fs in native if fs).most_common(6):
            print("  %6d  %s" % (c, f))

    print("\nTop frames, self:")
    for f, c in collections.Counter(fs[0] for _, fs in java if fs).most_common(a.top):
        print("  %s %6d  %s" % (share(c, n), c, f))

    print("\nTop treeprof methods, inclusive:")
    inc = collections.Counter()
    for _, fs in java:
        for f in set(fs):
            if f.startswith("dev.treeprof.") and not f.startswith("dev.treeprof.benchmarks"):
                inc[f] += 1
    for f, c in inc.most_common(a.top + 10):
        print("  %s %6d  %s" % (share(c, n), c, f))

    allocs = load(a.recording, "jdk.ObjectAllocationSample")
    by = collections.Counter()
    total = 0
    for e in allocs:
        w = e["values"].get("weight", 0)
        total += w
        fs = frames(e)
        owner = next((f for f in fs if f.startswith("dev.treeprof.") and not f.startswith("dev.treeprof.benchmarks")), None)
        cls = (e["values"].get("objectClass") or {}).get("name", "?").replace("/", ".")
        by[(owner or "(not under treeprof) " + category(fs), cls)] += w
    div = a.requests or 1
    unit = "B/request" if a.requests else "B"
    print("\nAllocation (JFR sampled weight), total %.0f %s; by innermost treeprof frame and class:" % (total / div, unit))
    for (owner, cls), w in by.most_common(a.top):
        print("  %10.0f %s  %s  %s" % (w / div, unit, owner, cls))


if __name__ == "__main__":
    sys.exit(main())
