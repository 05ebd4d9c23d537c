#!/usr/bin/env bash
# Load test of the request profiling middleware (issue "Under load"): each server mode in its own
# JVM, driven by wrk over loopback only, the unprofiled baseline interleaved, bounded in time.
# Not part of the test command. Prints a table and writes results/load.tsv and results/LOAD.md.
#
#   benchmarks/load.sh [--rounds N] [--duration SECONDS] [--warmup SECONDS] [--no-build]
#   benchmarks/load.sh --soak [--duration SECONDS]     undertow with a .prof per request, default 600 s
#
# Modes (see LoadServer): off (no profiler), memory (every request profiled, kept in memory, no
# output), report (werkzeug's report to a null stream), prof (a .prof file per request), sampled
# (1% profiled, with files). wrk: 1 thread, 32 connections, as in the issue.
# The unprofiled and every-request-in-memory servers are then also measured below saturation
# (paced.lua: 96 connections, each pausing 1 ms between a response and its next request), whose
# p99 is the server's own rather than the scheduler's; a second table gives it.
# Each server is warmed up under the same load for 15 s before it is measured: on two cores the
# JIT compilers still take a tenth of a core 5 s into the load, more in the profiled modes (more
# code to compile), so a shorter warm-up measures the JIT as much as the steady state. The warm-up
# ends with a short second run, so the recompilation that wrk's closing its connections sets off
# is over before the measured run starts (load-lib.sh, warm_up).
set -euo pipefail
cd "$(dirname "$0")"

rounds=2
duration=10
warmup=15
build=1
soak=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift ;;
    --duration) duration=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --no-build) build=0 ;;
    --soak) soak=1; duration=600 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

. ./load-lib.sh
ensure_wrk
if [ "$build" = 1 ]; then
  (cd .. && mvn -B -q -ntp -pl benchmarks -am -DskipTests package)
fi
JAR=target/benchmarks.jar
JAVA=${JAVA:-java}
mkdir -p results

# run FRAMEWORK MODE ROUND -> appends one line to results/load.tsv
run() {
  local fw=$1 mode=$2 round=$3 port dir log pid out
  port=$(free_port)
  dir=$(mktemp -d /tmp/treeprof-load.XXXXXX)
  log=$(mktemp)
  "$JAVA" -Xmx1g -XX:+UseG1GC -cp "$JAR" dev.treeprof.benchmarks.load.LoadServer "$fw" "$mode" "$port" "$dir/profiles" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/ready" && break
    sleep 0.1
  done
  warm_up "$port" "$warmup"
  out=$(wrk -t1 -c32 -d"${duration}s" --latency "http://127.0.0.1:$port/orders/42")
  local paced=""
  if [ "$mode" = off ] || [ "$mode" = memory ]; then
    # Latency below saturation. Driven flat out, two cores run wrk and the server's two threads, so
    # the p99 above is often a scheduler time slice (about 3 ms), whichever mode. Paced (96
    # connections, each pausing 1 ms between a response and its next request: about 40% of the
    # unprofiled server's rate here), the tail is the server's own. A 5 s run first takes the
    # recompilation that closing the saturating run's connections sets off (load-lib.sh).
    wrk -t1 -c96 -d5s -s paced.lua "http://127.0.0.1:$port/orders/42" >/dev/null
    paced=$(wrk -t1 -c96 -d"${duration}s" --latency -s paced.lua "http://127.0.0.1:$port/orders/42")
  fi
  sleep 1 # let the background writer drain what it can
  local heap
  heap=$(curl -s "http://127.0.0.1:$port/_heap")
  local files bytes
  files=0 bytes=0
  if [ -d "$dir/profiles" ]; then
    files=$(find "$dir/profiles" -maxdepth 1 -type f ! -name '.*' | wc -l)
    bytes=$( (du -sb "$dir/profiles" 2>/dev/null || true) | cut -f1)
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$fw" "$mode" "$round" "$files" "${bytes:-0}" "$heap" <<PY >>results/load.tsv
import re, sys
fw, mode, rnd, files, nbytes, heap = sys.argv[1:7]
out = """$out"""
paced = """$paced"""
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)", v)
    if not m:
        return float("nan")
    n, unit = m.groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
rpsm = re.search(r"Requests/sec:\s+([\d.]+)", out)
rps = float(rpsm.group(1)) if rpsm else 0.0
def errors_in(text):
    n = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return n + (int(non2xx.group(1)) if non2xx else 0)
errors = errors_in(out) + errors_in(paced)
def percentile(text, p):
    m = re.search(r"\s%s%%\s+(\S+)" % p, text)
    return ms(m.group(1)) if m else float("nan")
p99 = percentile(out, 99)
pm = re.search(r"Requests/sec:\s+([\d.]+)", paced)
paced_cols = ["%.0f" % float(pm.group(1)), "%.3f" % percentile(paced, 50), "%.3f" % percentile(paced, 99)] if pm else ["", "", ""]
h = dict(kv.split("=") for kv in heap.split())
print("\t".join([fw, mode, rnd, "%.0f" % rps, "%.2f" % p99, str(errors), h.get("used", "0"), h.get("recent", "0"),
                 h.get("dropped", "0"), files, nbytes, h.get("ended", "0")] + paced_cols))
PY
  tail -1 results/load.tsv
  rm -rf "$dir" "$log"
  # let the disk settle (the previous mode's files are written back and deleted) before the next JVM
  sync
  sleep 3
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
# soak FRAMEWORK: a .prof per request at full rate for $duration s; heap (after GC), files and bytes
# sampled every 60 s; wrk's errors at the end. Writes results/SOAK.md.
soak() {
  local fw=$1 port dir pid wrk_out wrk_pid
  port=$(free_port)
  dir=$(mktemp -d /tmp/treeprof-soak.XXXXXX)
  "$JAVA" -Xmx1g -XX:+UseG1GC -cp "$JAR" dev.treeprof.benchmarks.load.LoadServer "$fw" prof "$port" "$dir/profiles" \
    >"$dir/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/ready" && break; sleep 0.1; done
  wrk_out="$dir/wrk.txt"
  wrk -t1 -c32 -d"${duration}s" --latency "http://127.0.0.1:$port/orders/42" >"$wrk_out" &
  wrk_pid=$!
  echo "| minute | heap used after GC | recent | dropped outputs | files | bytes on disk |" >results/SOAK.md
  echo "|---|---|---|---|---|---|" >>results/SOAK.md
  local minute=0
  while kill -0 "$wrk_pid" 2>/dev/null; do
    sleep 60 || true
    minute=$((minute + 1))
    local heap files bytes
    heap=$(curl -s -m 30 "http://127.0.0.1:$port/_heap" || echo "used=? recent=? dropped=?")
    files=$( (find "$dir/profiles" -maxdepth 1 -type f ! -name '.*' 2>/dev/null || true) | wc -l)
    bytes=$( (du -sb "$dir/profiles" 2>/dev/null || true) | cut -f1)
    python3 -c "import sys; h=dict(kv.split('=') for kv in sys.argv[1].split()); u=h['used']; \
print('| %s | %s | %s | %s | %s | %s |' % (sys.argv[2], ('%.1f MiB' % (int(u)/2**20)) if u.isdigit() else u, h['recent'], h['dropped'], sys.argv[3], sys.argv[4]))" \
      "$heap" "$minute" "$files" "${bytes:-0}" | tee -a results/SOAK.md
  done
  wait "$wrk_pid" || true
  {
    echo
    echo '```'
    cat "$wrk_out"
    echo '```'
  } >>results/SOAK.md
  grep -E "Requests/sec|Socket errors|Non-2xx|requests in" "$wrk_out" || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}

if [ "$soak" = 1 ]; then
  soak undertow
  exit 0
fi
# the soak leaves the last load table alone
echo -e "framework\tmode\tround\treq_per_s\tp99_ms\terrors\theap_used_after\trecent\tdropped_outputs\tfiles\tbytes\tprofiles_ended\tpaced_req_per_s\tpaced_p50_ms\tpaced_p99_ms" >results/load.tsv
for round in $(seq 1 "$rounds"); do
  for fw in undertow vertx; do
    for mode in off memory report prof sampled off; do
      run "$fw" "$mode" "$round"
    done
  done
done

python3 - <<'PY'
import csv, statistics
rows = list(csv.DictReader(open("results/load.tsv"), delimiter="\t"))
def p99_median(rs):
    # a run whose latency line wrk did not print (or printed in a unit not parsed) is left out of
    # the p99 median rather than turning the whole comparison into nan
    known = [float(r["p99_ms"]) for r in rs if float(r["p99_ms"]) == float(r["p99_ms"])]
    return statistics.median(known) if known else float("nan")
targets = {"memory": 0.90, "report": 0.75, "prof": 0.60, "sampled": 0.97}
lines = ["| server | mode | req/s (median of rounds) | vs unprofiled | target | p99 ms | p99 vs unprofiled | errors | heap after load | profiles / reports or files made / dropped (last round) |",
         "|---|---|---|---|---|---|---|---|---|---|"]
for fw in ("undertow", "vertx"):
    base = [r for r in rows if r["framework"] == fw and r["mode"] == "off"]
    base_rps = statistics.median(float(r["req_per_s"]) for r in base)
    base_p99 = p99_median(base)
    for mode in ("off", "memory", "report", "prof", "sampled"):
        rs = [r for r in rows if r["framework"] == fw and r["mode"] == mode]
        rps = statistics.median(float(r["req_per_s"]) for r in rs)
        p99 = p99_median(rs)
        ratio = rps / base_rps
        t = targets.get(mode)
        verdict = "" if t is None else ("PASS" if ratio >= t else "MISS") + " (>= %.0f%%)" % (t * 100)
        if mode == "memory":
            verdict += ", p99 " + ("PASS" if p99 <= 1.5 * base_p99 else "MISS") + " (<= 1.5x)"
        heap = max(int(r["heap_used_after"]) for r in rs) / 2**20
        last = rs[-1]
        ended, dropped = int(last["profiles_ended"]), int(last["dropped_outputs"])
        made = (ended - dropped) if mode in ("report", "prof", "sampled") else 0
        lines.append("| %s | %s | %.0f (%s) | %.0f%% | %s | %.2f | %.2fx | %d | %.1f MiB | %d / %d / %d |" % (
            fw, mode, rps, ", ".join(r["req_per_s"] for r in rs), ratio * 100, verdict, p99, p99 / base_p99,
            sum(int(r["errors"]) for r in rs), heap, ended, made, dropped))
def paced_median(rs, col):
    known = [float(r[col]) for r in rs if r.get(col)]
    known = [v for v in known if v == v]
    return statistics.median(known) if known else float("nan")
lines += ["", "Latency below saturation (96 connections, each pausing 1 ms between a response and its next request; medians of rounds):", "",
          "| server | mode | req/s | p50 ms | p99 ms | p99 vs unprofiled | target |", "|---|---|---|---|---|---|---|"]
for fw in ("undertow", "vertx"):
    base = [r for r in rows if r["framework"] == fw and r["mode"] == "off"]
    base_p99 = paced_median(base, "paced_p99_ms")
    for mode in ("off", "memory"):
        rs = [r for r in rows if r["framework"] == fw and r["mode"] == mode]
        p99 = paced_median(rs, "paced_p99_ms")
        verdict = "" if mode == "off" else ("PASS" if p99 <= 1.5 * base_p99 else "MISS") + " (<= 1.5x)"
        lines.append("| %s | %s | %.0f | %.3f | %.3f (%s) | %.2fx | %s |" % (
            fw, mode, paced_median(rs, "paced_req_per_s"), paced_median(rs, "paced_p50_ms"), p99,
            ", ".join(r["paced_p99_ms"] for r in rs), p99 / base_p99, verdict))
open("results/LOAD.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
