#!/usr/bin/env bash
# The browser viewer's speed in headless Chromium (Debian's chromium and chromium-driver):
#   first paint of a 111,111-node profile (target 1.5 s), zoom click redraw (target 50 ms),
#   a directory of 10,000 profile files listed (target 2 s), and every summary of them in.
#
#   benchmarks/viewer-speed.sh [FILES [RUNS]]     (defaults: 10000 files, 5 page loads)
#
# Each of the RUNS page loads starts a fresh viewer server (nothing converted or cached), opens the
# big profile, opens it again (served from the server's cache), then clicks 10 random frames and
# presses Esc after each; the listing is measured min(RUNS, 3) times, each on a fresh server whose
# index starts cold. A short check on a busy machine: `benchmarks/viewer-speed.sh 2000 2`.
#
# Prints one line per page load with where its time went (the page's resource timing of
# /api/profile and its own marks, window.treeprof.timings), then two Markdown tables: the median
# and max of each phase of a first paint, and the figures for the README (median, max, run count).
# Builds the viewer and its tests through the reactor (nothing installed), then runs
# dev.treeprof.viewer.ViewerSpeed from the viewer's test classes.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp test-compile dependency:build-classpath -pl viewer -am \
  -Dmdep.outputFile=target/viewer-speed.classpath -Dmdep.includeScope=test
cp="viewer/target/test-classes:viewer/target/classes:$(cat viewer/target/viewer-speed.classpath)"
exec java -cp "$cp" dev.treeprof.viewer.ViewerSpeed "$@"
