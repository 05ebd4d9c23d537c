#!/usr/bin/env bash
# Runs treeprof's examples end to end: builds the project (tests skipped), then runs the chosen example.
#   ./run-example.sh              all examples
#   ./run-example.sh walkthrough  the cProfile walkthrough (sleep + recursion), dumps to ./profile_output/
#   ./run-example.sh undertow     the walkthrough's Flask app on Undertow, profiled per request
#   ./run-example.sh vertx        the same app on Vert.x: timers, executeBlocking, one profile per request
#   ./run-example.sh view         all examples, then `treeprof view profile_output` (the browser viewer) until Ctrl-C
set -euo pipefail
cd "$(dirname "$0")"
which="${1:-all}"
mvn -B -q -ntp install -DskipTests -pl examples -am
run() { mvn -B -q -ntp -pl examples exec:java -Dexec.mainClass="$1" ${2:+-Dexec.args="$2"}; }
case "$which" in
  walkthrough|all|view) run dev.treeprof.examples.Walkthrough profile_output ;;&
  undertow|all|view) run dev.treeprof.examples.undertow.UndertowWalkthrough profile_output ;;&
  vertx|all|view) run dev.treeprof.examples.vertx.VertxWalkthrough profile_output ;;&
  view) exec ./treeprof view profile_output ;;
  walkthrough|undertow|vertx|all) ;;
  *) echo "usage: $0 [walkthrough|undertow|vertx|all|view]" >&2; exit 2 ;;
esac
