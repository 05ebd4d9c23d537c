#!/usr/bin/env bash
# The browser viewer's speed in headless Chromium (Debian's chromium and chromium-driver):
#   first paint of a ~100,000-node profile (target 1.5 s), zoom click redraw (target 50 ms),
#   a directory of 10,000 profile files listed (target 2 s).
#   benchmarks/viewer-speed.sh [FILES]     (default 10000 files)
# Builds the viewer and its tests through the reactor (nothing installed), then runs
# dev.treeprof.viewer.ViewerSpeed from the viewer's test classes.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp test-compile dependency:build-classpath -pl viewer -am \
  -Dmdep.outputFile=target/viewer-speed.classpath -Dmdep.includeScope=test
cp="viewer/target/test-classes:viewer/target/classes:$(cat viewer/target/viewer-speed.classpath)"
exec java -cp "$cp" dev.treeprof.viewer.ViewerSpeed "$@"
