#!/usr/bin/env bash
# The hot-path ratios of issue 10 on a shared machine: each scope is timed in alternating bursts
# with its two-nanoTime() floor on the same thread (PairedFloor), 3 forks, with -prof gc, and
# paired.py prints the ratios (about 4 minutes on 2 cores).
#
# Usage: benchmarks/paired.sh [--no-build] [JAR...]
#   --no-build  use the existing target/benchmarks.jar
#   JAR...      run these benchmark jars instead, one fork each in turn, 3 rounds (a baseline and a
#               change alternate, so both see the same load); prints one table per jar
set -euo pipefail
cd "$(dirname "$0")"
JAVA=${JAVA:-java}
build=1
jars=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) jars+=("$arg") ;;
  esac
done
mkdir -p results
if [ ${#jars[@]} -eq 0 ]; then
  if [ "$build" = 1 ]; then
    (cd .. && mvn -B -q -pl benchmarks -am -DskipTests package)
  fi
  "$JAVA" -jar target/benchmarks.jar -f 3 -prof gc -rf json -rff results/paired.json \
    '^dev\.treeprof\.benchmarks\.PairedFloor\.' | tee results/paired.txt
  python3 paired.py results/paired.json
  exit
fi
for round in 1 2 3; do
  for i in "${!jars[@]}"; do
    "$JAVA" -jar "${jars[$i]}" -f 1 -prof gc -rf json -rff "results/paired-jar$i-r$round.json" \
      '^dev\.treeprof\.benchmarks\.PairedFloor\.' > "results/paired-jar$i-r$round.txt"
  done
done
for i in "${!jars[@]}"; do
  echo "${jars[$i]}:"
  python3 paired.py results/paired-jar$i-r*.json
done
