#!/usr/bin/env bash
# Where a server mode's CPU goes, by thread group: runs LoadServer in one mode under wrk (loopback
# only, bounded in time) and prints, for each group of threads (event loops or I/O threads, the
# treeprof writer, the JIT compilers, GC), the CPU it used during the measured run, in ticks and
# in microseconds per request, and how much of it was the kernel's (system time: system calls,
# page faults). Read from /proc, so nothing is added to the server. Not part of the test command.
#
#   benchmarks/threads.sh [--warmup S] [--duration S] [--jar JAR] FRAMEWORK MODE [MODE ...]
#
# e.g. benchmarks/threads.sh vertx sampled-nofiles sampled
# On a machine with two cores, wrk takes one and the server the other: a group that uses more CPU
# in one mode than in another (the writer, a JIT compiler still at work) takes it from the threads
# that serve requests, which is what a lower request rate then shows. THREADS_JAVA_OPTS adds JVM
# options to the server (e.g. -XX:+PrintCompilation; the server's log is kept, its path printed).
set -euo pipefail
cd "$(dirname "$0")"

warmup=15
duration=8
jar=target/benchmarks.jar
while [ $# -gt 0 ]; do
  case "$1" in
    --warmup) warmup=$2; shift ;;
    --duration) duration=$2; shift ;;
    --jar) jar=$2; shift ;;
    *) break ;;
  esac
  shift
done
if [ $# -lt 2 ]; then
  sed -n '2,14p' "$0" >&2
  exit 2
fi
fw=$1
shift
. ./load-lib.sh
ensure_wrk
[ -f "$jar" ] || (cd .. && mvn -B -q -ntp -pl benchmarks -am -DskipTests package)
JAVA=${JAVA:-java}
hz=$(getconf CLK_TCK)

# CPU ticks of the process's threads (user and system), summed by thread name without its
# trailing number, and how many threads the group has (two Vert.x servers on one event loop show
# as one thread)
ticks() {
  for t in /proc/"$1"/task/*; do
    # a thread may end while we read: skip it
    name=$(tr ' ' '_' <"$t/comm" 2>/dev/null | sed 's/[#0-9-]*$//') || continue
    # utime and stime are fields 14 and 15 of stat; the name (field 2) may hold spaces, so cut after ')'
    stat=$(sed 's/.*) //' "$t/stat" 2>/dev/null) || continue
    [ -n "$name" ] && [ -n "$stat" ] || continue
    set -- $stat
    echo "$name ${12} ${13}"
  done | awk '{u[$1] += $2; s[$1] += $3; n[$1]++} END {for (k in u) print k, u[k], s[k], n[k]}' | sort
}

for mode in "$@"; do
  port=$(free_port)
  dir=$(mktemp -d /tmp/treeprof-threads.XXXXXX)
  "$JAVA" -Xmx1g -XX:+UseG1GC ${THREADS_JAVA_OPTS:-} -cp "target/classes:$jar" dev.treeprof.benchmarks.load.LoadServer \
    "$fw" "$mode" "$port" "$dir/profiles" >"$dir/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/ready" && break; sleep 0.1; done
  warm_up "$port" "$warmup"
  ticks "$pid" >"$dir/before"
  rate=$(wrk -t1 -c32 -d"${duration}s" "http://127.0.0.1:$port/orders/42" | awk '/Requests\/sec/ {print $2}')
  ticks "$pid" >"$dir/after"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$fw $mode: $rate req/s over ${duration}s after ${warmup}s of warm-up (server log: $dir/server.log)"
  join "$dir/before" "$dir/after" | awk -v r="$rate" -v d="$duration" -v hz="$hz" '
    { u = $5 - $2; k = $6 - $3; t = u + k
      if (t > 0) printf "  %-24s %3d threads %6d ticks  %6.2f us/request  (kernel %5.1f%%: %5.2f us/request)\n",
        $1, $7, t, t * 1e6 / hz / (r * d), 100 * k / t, k * 1e6 / hz / (r * d) }'
  rm -rf "$dir/profiles"
done
