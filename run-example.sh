#!/usr/bin/env bash
# Runs treeprof's examples end to end: builds the project (tests skipped), then runs the chosen example.
#   ./run-example.sh                  all examples
#   ./run-example.sh walkthrough      the cProfile walkthrough (sleep, recursion, misuse), dumps to ./profile_output/
#   ./run-example.sh undertow         the walkthrough's Flask app on Undertow, profiled per request
#   ./run-example.sh vertx            the same app on Vert.x: timers, executeBlocking, one profile per request
#   ./run-example.sh view             all examples, then `treeprof view profile_output` (the browser viewer) until Ctrl-C
#   ./run-example.sh serve undertow|vertx [PORT]
#                                     serves that app on http://127.0.0.1:PORT/ (default 8080) until Ctrl-C,
#                                     printing a report per request (try: curl http://127.0.0.1:8080/recursive)
# The examples run on the JVM directly (not through Maven), so their output is plain text wherever it
# goes; SLF4J's provider (slf4j-simple, on stderr) comes with the examples module.
set -euo pipefail
cd "$(dirname "$0")"

usage() { echo "usage: $0 [walkthrough|undertow|vertx|all|view] | serve undertow|vertx [PORT]" >&2; exit 2; }
which="${1:-all}"
case "$which" in
  walkthrough|undertow|vertx|all|view) [ $# -le 1 ] || usage ;;
  serve)
    case "${2:-}" in undertow|vertx) ;; *) usage ;; esac
    port="${3:-8080}"
    [[ "$port" =~ ^[0-9]+$ ]] && [ $# -le 3 ] || usage ;;
  *) usage ;;
esac

# Build without installing into ~/.m2; the build's log is shown only when it fails (Maven prints
# terminal escape codes even in batch mode).
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "== Building the examples (mvn package, tests skipped)..."
if ! mvn -B -q -ntp -Dstyle.color=never package -DskipTests -pl examples -am \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >"$log" 2>&1; then
  sed $'s/\e\\[[0-9;]*[A-Za-z]//g' "$log" >&2
  echo "run-example.sh: the build failed" >&2
  exit 1
fi
cp="examples/target/classes:$(cat examples/target/classpath.txt)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
run() { "$java" -cp "$cp" "$@"; }

if [ "$which" = serve ]; then
  case "$2" in
    undertow) exec "$java" -cp "$cp" dev.treeprof.examples.undertow.UndertowWalkthrough profile_output "$port" --serve ;;
    vertx) exec "$java" -cp "$cp" dev.treeprof.examples.vertx.VertxWalkthrough profile_output "$port" --serve ;;
  esac
fi
case "$which" in
  walkthrough|all|view) run dev.treeprof.examples.Walkthrough profile_output ;;&
  undertow|all|view) run dev.treeprof.examples.undertow.UndertowWalkthrough profile_output ;;&
  vertx|all|view) run dev.treeprof.examples.vertx.VertxWalkthrough profile_output ;;&
  view) exec ./treeprof view profile_output ;;
  *) ;;
esac
