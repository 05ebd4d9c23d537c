# What the load scripts (load.sh, ab.sh, threads.sh) share; sourced, not run.

# wrk from Debian when missing.
ensure_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    apt-get update -q && apt-get install -y -q wrk
  fi
}

# A free loopback port.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# warm_up PORT SECONDS: drives the server for SECONDS in two wrk runs, the last one 5 s long
# (half the warm-up when shorter than 10 s). When wrk ends a run it closes its connections, and
# the servers' connection-close path, never taken while the connections were kept alive, makes the
# JIT throw away its compiled I/O methods: about 1,400 methods were compiled again in the next
# second (-XX:+PrintCompilation), and with a single warm-up run that fell into the measured run,
# the C2 compiler taking 60-70 of its 800 ticks in every mode. The second run takes that instead.
warm_up() {
  local port=$1 secs=$2 last
  last=$(( secs >= 10 ? 5 : secs / 2 ))
  if [ $((secs - last)) -gt 0 ]; then
    wrk -t1 -c32 -d"$((secs - last))s" "http://127.0.0.1:$port/orders/42" >/dev/null
  fi
  if [ "$last" -gt 0 ]; then
    wrk -t1 -c32 -d"${last}s" "http://127.0.0.1:$port/orders/42" >/dev/null
  fi
}
