package dev.treeprof.benchmarks;

import jdk.jfr.Category;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** The JFR custom event the JFR peer benchmarks commit: a timed region with no fields. */
@Name("dev.treeprof.benchmarks.Scope")
@Label("Benchmark scope")
@Category("treeprof benchmarks")
public class BenchEvent extends Event {
}
