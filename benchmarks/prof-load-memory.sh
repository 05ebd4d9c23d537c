#!/usr/bin/env bash
# Peak memory (and wall time) of loading a 100,000-function .prof and printing its top 10 by
# cumulative time: Python's pstats against treeprof's command line, on the same generated file.
#
# Usage: benchmarks/prof-load-memory.sh [RUNS] (default 3)
#   JAVA=/path/to/java picks the JVM; JAVA_OPTS adds JVM options to the treeprof runs.
# Builds the command line jar first when it is missing (mvn package -pl cli -am, tests skipped).
# Prints each run's peak resident set size (GNU time's "Maximum resident set size") and wall time.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-3}
JAVA=${JAVA:-java}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

jar=$(ls cli/target/treeprof-cli-*.jar 2>/dev/null | grep -v -e original- -e sources -e javadoc | head -1 || true)
if [ -z "$jar" ]; then
  mvn -B -q -ntp package -DskipTests -pl cli -am
  jar=$(ls cli/target/treeprof-cli-*.jar | grep -v -e original- -e sources -e javadoc | head -1)
fi

python3 benchmarks/make_big_prof.py "$work/big.prof" 100000
echo "file: $(stat -c %s "$work/big.prof") bytes, 100000 functions"

measure() {
  local label=$1
  shift
  for i in $(seq 1 "$runs"); do
    /usr/bin/time -v "$@" >/dev/null 2>"$work/time.txt"
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
    printf '%-10s run %d: peak RSS %6d MB, wall %s\n' "$label" "$i" $((rss / 1024)) "$wall"
  done
}

measure pstats python3 -c "import pstats, sys; pstats.Stats(sys.argv[1]).sort_stats('cumulative').print_stats(10)" "$work/big.prof"
# shellcheck disable=SC2086
measure treeprof "$JAVA" ${JAVA_OPTS:-} -jar "$jar" stats --sort cumulative --restrict 10 "$work/big.prof"
