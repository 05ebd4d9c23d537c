#!/usr/bin/env bash
# Runs treeprof's benchmark suite (8 to 10 minutes on 2 cores) and writes:
#   results/jmh.json      every JMH result (ns/op with error, B/op from -prof gc), JMH's JSON
#   results/memory.json   heap growth of 10M scope calls over 1,000 paths (MemoryFootprint)
#   results/machine.json  nproc, CPU model, java -version, load average
#   results/jmh-*.txt     JMH's console output (the dump benchmark prints the file sizes there)
#   RESULTS.md            the tables and the target checks (PASS/MISS with the ratio)
#   README-performance.md the "Performance" section for the main README
#
# Usage: benchmarks/run.sh [--no-build] [--quick]
#   --no-build  use the existing target/benchmarks.jar
#   --quick     very short iterations, to check the suite runs (the figures mean nothing)
# JAVA=/path/to/java picks the JVM (default: java on the PATH).
set -euo pipefail
cd "$(dirname "$0")"

JAVA=${JAVA:-java}
build=1
quick=()
quick_flag=""
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --quick) quick=(-wi 1 -w 200ms -i 1 -r 200ms); quick_flag=--quick ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

if [ "$build" = 1 ]; then
  # Builds the modules it depends on (api, impl, the Vert.x integration) from this tree too (-am),
  # without installing anything.
  (cd .. && mvn -B -q -pl benchmarks -am -DskipTests package)
fi

mkdir -p results
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# 1. The hot path, floors and peers: one JMH run so every ratio compares figures taken together.
#    Iteration counts live in the classes' annotations (Settings.java); -f 1 = one fork each.
"$JAVA" -jar target/benchmarks.jar -f 1 -prof gc "${quick[@]}" \
  -rf json -rff results/jmh-hotpath.json \
  '^dev\.treeprof\.benchmarks\.(Floor|Peers|TreeprofScope|TreeprofVertx)\.' | tee results/jmh-hotpath.txt

# 2. Memory: 10M scope calls over 1,000 paths, heap measured after full GCs of a serial collector.
"$JAVA" -XX:+UseSerialGC -Xms256m -Xmx256m -cp target/benchmarks.jar \
  dev.treeprof.benchmarks.MemoryFootprint results/memory.json

# 3. Last, the 100k-node stats and dumps (the slowest, and the dump writers are the newest code).
"$JAVA" -jar target/benchmarks.jar -f 1 -prof gc "${quick[@]}" \
  -rf json -rff results/jmh-bulk.json \
  '^dev\.treeprof\.benchmarks\.TreeprofBulk\.' | tee results/jmh-bulk.txt

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
java_version=$("$JAVA" -version 2>&1 | tr '\n' ' ' | sed 's/ *$//')
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mhz=$(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo unknown)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain -- .. 2>/dev/null)" ]; then commit="$commit with uncommitted changes"; fi
python3 - "$started" "$(nproc)" "$cpu" "$mhz" "$clocksource" "$java_version" "$load_before" "$load_after" "$(uname -sr)" "$commit" <<'PYEOF'
import json, sys
keys = ["started", "nproc", "cpu", "mhz", "clocksource", "java", "loadBefore", "loadAfter", "kernel", "commit"]
with open("results/machine.json", "w") as f:
    json.dump(dict(zip(keys, sys.argv[1:])), f, indent=2)
    f.write("\n")
# one JSON array with every result, as JMH itself writes it
merged = []
for part in ("results/jmh-hotpath.json", "results/jmh-bulk.json"):
    with open(part) as f:
        merged += json.load(f)
with open("results/jmh.json", "w") as f:
    json.dump(merged, f, indent=4)
    f.write("\n")
PYEOF
rm -f results/jmh-hotpath.json results/jmh-bulk.json  # merged into results/jmh.json

python3 report.py --results results --out RESULTS.md --readme README-performance.md $quick_flag
echo "wrote $(pwd)/RESULTS.md and $(pwd)/README-performance.md"
