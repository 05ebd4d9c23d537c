#!/usr/bin/env bash
# Interleaved A/B of the request middleware under load: the same LoadServer modes run against
# two (or more) builds of treeprof, alternating build by build within each round, so a noisy
# shared machine disturbs both sides alike. Besides wrk's requests per second it reports what
# noise disturbs far less: the server's CPU time per request and the bytes it allocated per
# request (LoadServer's /_stats, read before and after the measured run), and the files written
# and outputs dropped. Loopback only, bounded in time. Not part of the test command.
#
#   benchmarks/ab.sh [--fw undertow|vertx] [--modes off,prof,...] [--rounds N] [--duration S]
#                    [--warmup S] [--jfr DIR] [--no-build] [NAME=JAR ...]
#
# NAME=JAR: a shaded benchmarks jar to measure under NAME, e.g. one built from main and saved:
#   git -C /path/to/main-checkout ... && cp benchmarks/target/benchmarks.jar /tmp/main.jar
#   benchmarks/ab.sh --fw vertx --modes off,prof,sampled main=/tmp/main.jar
# The branch's own build (target/benchmarks.jar) is always measured too, as "branch". The
# LoadServer class itself always comes from this checkout's target/classes (it is put first on
# the class path), so every build is driven by the same server code and answers /_stats.
# --jfr DIR records each measured run with JFR (settings=profile) into DIR and prints its
# attribution (benchmarks/jfr-top.py): hot frames, and where the CPU of the treeprof threads goes.
# AB_JAVA_OPTS adds JVM options to every server; AB_OPTS_<NAME> to the servers of build NAME only,
# e.g. the same jar twice with and without the writer's pacing:
#   AB_OPTS_nopace=-Dtreeprof.writerCpuShare=8 benchmarks/ab.sh --modes prof nopace=target/benchmarks.jar
# AB_DIR_<NAME> puts build NAME's profile directories under another directory than /tmp, e.g. to
# compare the file system /tmp is on with a tmpfs, with the same jar:
#   AB_DIR_shm=/dev/shm benchmarks/ab.sh --modes off,sampled shm=target/benchmarks.jar
# The figures: CPU us/req is the whole server process (I/O threads, writer, GC, JIT) per request;
# writer CPU us/output is the writer threads' CPU per report or file made.
# The warm-up (default 10 s) is two wrk runs, the second 5 s long (load-lib.sh, warm_up): the JIT's
# recompilation after wrk first closes its connections takes a second or two on two cores, and a
# shorter second run would leave it to the measured one.
set -euo pipefail
cd "$(dirname "$0")"

fw=undertow
modes=off,prof
rounds=3
duration=5
warmup=10
jfr=
build=1
jars=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fw) fw=$2; shift ;;
    --modes) modes=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --duration) duration=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --jfr) jfr=$2; shift ;;
    --no-build) build=0 ;;
    *=*) jars+=("$1") ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
jars+=("branch=target/benchmarks.jar")

. ./load-lib.sh
ensure_wrk
if [ "$build" = 1 ]; then
  (cd .. && mvn -B -q -ntp -pl benchmarks -am -DskipTests package)
fi
JAVA=${JAVA:-java}
[ -n "$jfr" ] && mkdir -p "$jfr"
out=$(mktemp /tmp/treeprof-ab.XXXXXX)

# one NAME JAR MODE ROUND: one server JVM, one measured wrk run; appends a line to $out
one() {
  local name=$1 jar=$2 mode=$3 round=$4 port dir pid before after wrk_out heap rec= opts_var dir_var
  opts_var="AB_OPTS_$name"
  dir_var="AB_DIR_$name"
  port=$(free_port)
  dir=$(mktemp -d "${!dir_var:-/tmp}/treeprof-ab.XXXXXX")
  "$JAVA" -Xmx1g -XX:+UseG1GC ${AB_JAVA_OPTS:-} ${!opts_var:-} -cp "target/classes:$jar" dev.treeprof.benchmarks.load.LoadServer \
    "$fw" "$mode" "$port" "$dir/profiles" >"$dir/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/ready" && break; sleep 0.1; done
  warm_up "$port" "$warmup"
  if [ -n "$jfr" ]; then
    rec="$jfr/$fw-$mode-$name-$round.jfr"
    jcmd "$pid" JFR.start name=ab settings=profile filename="$rec" >/dev/null
  fi
  before=$(curl -s "http://127.0.0.1:$port/_stats")
  wrk_out=$(wrk -t1 -c32 -d"${duration}s" "http://127.0.0.1:$port/orders/42")
  sleep 1 # let the writer finish what it took: its CPU counts for these requests
  after=$(curl -s "http://127.0.0.1:$port/_stats")
  [ -n "$jfr" ] && jcmd "$pid" JFR.stop name=ab >/dev/null
  heap=$(curl -s "http://127.0.0.1:$port/_heap")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$name" "$mode" "$round" "$before" "$after" "$heap" "$wrk_out" <<'PY' | tee -a "$out"
import re, sys
name, mode, rnd, before, after, heap, wrk = sys.argv[1:8]
b = dict(kv.split("=") for kv in before.split())
a = dict(kv.split("=") for kv in after.split())
h = dict(kv.split("=") for kv in heap.split())
m = re.search(r"(\d+) requests in", wrk)
reqs = int(m.group(1)) if m else 0
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1)) if reqs else 0.0
cpu = (int(a["cpu"]) - int(b["cpu"])) / max(1, reqs) / 1000.0
alloc = (int(a["alloc"]) - int(b["alloc"])) / max(1, reqs)
outputs = (int(a["ended"]) - int(b["ended"])) - (int(a["dropped"]) - int(b["dropped"]))
writer = (int(a["writer"]) - int(b["writer"])) / outputs / 1000.0 if outputs > 0 and mode not in ("memory", "off") else 0.0
print("\t".join([name, mode, rnd, "%.0f" % rps, "%.1f" % cpu, "%.0f" % alloc, "%.1f" % writer, str(max(0, outputs)),
                 h.get("dropped", "0"), str(reqs)]))
PY
  [ -n "$rec" ] && python3 jfr-top.py "$rec" --requests "$(tail -1 "$out" | cut -f10)" --duration "$duration" \
    >"${rec%.jfr}.txt" 2>&1 && echo "  attribution: ${rec%.jfr}.txt"
  rm -rf "$dir"
  sleep 1
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $fw, modes $modes, $rounds rounds of ${duration}s"
echo -e "build\tmode\tround\treq/s\tcpu_us/req\talloc_B/req\twriter_us/output\toutputs\tdropped\trequests"
IFS=, read -r -a mode_list <<<"$modes"
for round in $(seq 1 "$rounds"); do
  for mode in "${mode_list[@]}"; do
    for nj in "${jars[@]}"; do
      one "${nj%%=*}" "${nj#*=}" "$mode" "$round"
    done
  done
done

python3 - "$out" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
builds = list(dict.fromkeys(r[0] for r in rows))
modes = list(dict.fromkeys(r[1] for r in rows))
med = lambda xs: statistics.median(xs) if xs else float("nan")
print()
print("| build | mode | req/s (median) | vs off | CPU us/req | alloc B/req | writer CPU us/output | outputs made / dropped (last round) |")
print("|---|---|---|---|---|---|---|---|")
for m in modes:
    for b in builds:
        rs = [r for r in rows if r[0] == b and r[1] == m]
        off = [float(r[3]) for r in rows if r[0] == b and r[1] == "off"]
        rps = med([float(r[3]) for r in rs])
        vs = "%.0f%%" % (100 * rps / med(off)) if off else "-"
        print("| %s | %s | %.0f | %s | %.1f | %.0f | %.1f | %s / %s |" % (b, m, rps, vs, med([float(r[4]) for r in rs]),
              med([float(r[5]) for r in rs]), med([float(r[6]) for r in rs]), rs[-1][7], rs[-1][8]))
PY
rm -f "$out"
