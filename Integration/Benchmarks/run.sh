#!/usr/bin/env bash
# ClaudeTrace against swift-otel 1.6.0 on the same workloads, in one run, on this machine.
#
#   Integration/Benchmarks/run.sh            everything (about 11 minutes, plus the first build)
#   Integration/Benchmarks/run.sh --quick    smaller counts, for a sanity check
#   Integration/Benchmarks/run.sh --only W1,W3
#   Integration/Benchmarks/run.sh --debug --quick --json FILE
#                                            a debug build (faster to build, figures meaningless):
#                                            the integration suite's check that the harness runs
#
# Builds the benchmarks in release mode, installs the rotel collector into a venv of its own
# (.work/venv), starts it on free 127.0.0.1 ports with its blackhole exporter, runs every
# workload (each in a process of its own), stops rotel by pid, prints the table and writes the
# figures to results.json. Take figures on a quiet machine: check `uptime` first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work="$here/.work"
mkdir -p "$work"

configuration=release
json="$here/results.json"
arguments=()
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) configuration=debug ;;
    --json) json=${2:?--json needs a file}; shift ;;
    *) arguments+=("$1") ;;
  esac
  shift
done

if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install -q --disable-pip-version-check rotel
rotel=$("$work/venv/bin/python" -c 'import os, rotel; print(os.path.join(os.path.dirname(rotel.__file__), "rotel-agent"))')
[ -x "$rotel" ] || { echo "rotel-agent not found at $rotel" >&2; exit 1; }

(cd "$here" && swift build -c "$configuration" --product benchmarks && swift build -c "$configuration" --product RefCountCounter)
benchmarks="$here/.build/$configuration/benchmarks"

free_port() {
  "$work/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
http_port=$(free_port)
grpc_port=$(free_port)
while [ "$grpc_port" = "$http_port" ]; do grpc_port=$(free_port); done

# rotel logs one "Received traces … spans=N" line per batch it passes on: the benchmarks count
# what the collector accepted from there, not what was sent.
collector_log="$work/rotel.log"
: > "$collector_log"
"$rotel" start \
  --otlp-http-endpoint "127.0.0.1:$http_port" --otlp-grpc-endpoint "127.0.0.1:$grpc_port" \
  --exporter blackhole --debug-log traces --debug-log-verbosity basic \
  --pid-file "$work/rotel.pid" --log-file "$work/rotel-agent.log" >"$collector_log" 2>&1 &
rotel_pid=$!
stop_rotel() {
  kill "$rotel_pid" 2>/dev/null || true
  wait "$rotel_pid" 2>/dev/null || true
}
trap stop_rotel EXIT

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$http_port") 2>/dev/null; then break; fi
  sleep 0.1
done

"$benchmarks" all \
  --collector "http://127.0.0.1:$http_port/v1/traces" --collector-log "$collector_log" \
  --json "$json" --swift-version "$(swift --version 2>&1 | head -1)" ${arguments[@]+"${arguments[@]}"}
