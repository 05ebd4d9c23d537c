#!/usr/bin/env bash
# The cost of turning recordings into stats, reports and files, as A/B runs on a shared machine:
#   request  TreeprofRequest: one web request's profile (5 nodes): snapshot, werkzeug report,
#            .prof and .json bytes (the middleware's per-request output), in ns/op
#   bulk     TreeprofBulk.stats100k / statsTable100k: snapshot and pstats table of 100,000 nodes
# Every run uses -prof gc (B/op is exact; time on 2 shared cores is noisy: compare the errors).
#
# Usage: benchmarks/stats-ab.sh [--no-build] [--report-only] [request|bulk|all] [JAR...]
#   --no-build  use the existing target/benchmarks.jar
#   --report-only  run nothing: print the table of the last run's results (same JAR list)
#   JAR...      compare these benchmark jars (e.g. one built from main, one from a branch): one fork
#               of each in turn, 3 rounds, so both see the same load; with no JAR, target/benchmarks.jar
#               runs 3 forks. Prints one table per jar (mean and 99.9% error over every iteration
#               of the 3 forks, the best iteration, allocation per op) and writes results/stats-ab.json
#               (each fork's JMH output stays in target/stats-ab/).
# A jar built from an older commit needs TreeprofRequest.java copied into its tree to have it.
set -euo pipefail
cd "$(dirname "$0")"
JAVA=${JAVA:-java}
build=1
report_only=0
which=all
jars=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --report-only) report_only=1 ;;
    request|bulk|all) which=$arg ;;
    *) jars+=("$arg") ;;
  esac
done
case "$which" in
  request) regex='^dev\.treeprof\.benchmarks\.TreeprofRequest\.' ;;
  bulk) regex='^dev\.treeprof\.benchmarks\.TreeprofBulk\.stats' ;;
  all) regex='^dev\.treeprof\.benchmarks\.(TreeprofRequest\.|TreeprofBulk\.stats)' ;;
esac
mkdir -p results
if [ "$report_only" = 1 ]; then
  [ ${#jars[@]} -gt 0 ] || jars=(target/benchmarks.jar)
elif [ ${#jars[@]} -eq 0 ]; then
  rm -rf target/stats-ab; mkdir -p target/stats-ab
  if [ "$build" = 1 ]; then
    (cd .. && mvn -B -q -pl benchmarks -am -DskipTests package)
  fi
  jars=(target/benchmarks.jar)
  "$JAVA" -jar target/benchmarks.jar -f 3 -prof gc -rf json -rff target/stats-ab/jar0-r1.json "$regex" \
    > target/stats-ab/jar0-r1.txt
else
  rm -rf target/stats-ab; mkdir -p target/stats-ab
  for round in 1 2 3; do
    for i in "${!jars[@]}"; do
      echo "round $round: ${jars[$i]}" >&2
      "$JAVA" -jar "${jars[$i]}" -f 1 -prof gc -rf json -rff "target/stats-ab/jar$i-r$round.json" "$regex" \
        > "target/stats-ab/jar$i-r$round.txt"
    done
  done
fi
python3 - "${jars[@]}" <<'PYEOF'
import glob, json, math, statistics, sys
from collections import defaultdict
# two-sided 99.9% Student t quantiles, as JMH's error, by degrees of freedom (beyond 30: normal)
T = {1: 636.62, 2: 31.599, 3: 12.924, 4: 8.610, 5: 6.869, 6: 5.959, 7: 5.408, 8: 5.041, 9: 4.781,
     10: 4.587, 11: 4.437, 12: 4.318, 13: 4.221, 14: 4.140, 15: 4.073, 19: 3.883, 24: 3.745, 29: 3.659}
def t(df):
    keys = [k for k in sorted(T) if k <= df]
    return T[keys[-1]] if df <= 29 else 3.291
out = []
for i, jar in enumerate(sys.argv[1:]):
    runs = defaultdict(list)
    alloc = defaultdict(list)
    unit = {}
    for f in sorted(glob.glob(f"target/stats-ab/jar{i}-r*.json")):
        for r in json.load(open(f)):
            name = r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1]
            params = r.get("params")
            if params:
                name += "[" + ",".join(f"{k}={v}" for k, v in params.items()) + "]"
            for fork in r["primaryMetric"]["rawData"]:
                runs[name] += fork
            unit[name] = r["primaryMetric"]["scoreUnit"]
            norm = r["secondaryMetrics"].get("gc.alloc.rate.norm")
            if norm:
                alloc[name].append(norm["score"])
    print(f"\n{jar}:")
    print(f"  {'benchmark':40} {'mean':>12} {'± error':>10} {'best':>12} {'unit':6} {'B/op':>14}  iterations")
    for name, xs in sorted(runs.items()):
        m = statistics.mean(xs)
        err = t(len(xs) - 1) * statistics.stdev(xs) / math.sqrt(len(xs)) if len(xs) > 1 else float("nan")
        b = statistics.mean(alloc[name]) if alloc[name] else float("nan")
        print(f"  {name:40} {m:12.3f} {err:10.3f} {min(xs):12.3f} {unit[name]:6} {b:14.0f}  {len(xs)}")
        out.append({"jar": jar, "benchmark": name, "mean": m, "error": err, "best": min(xs), "unit": unit[name],
                    "bytesPerOp": b, "iterations": len(xs)})
with open("results/stats-ab.json", "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
PYEOF
