#!/usr/bin/env bash
# Fuzzes every parser that reads a peer's bytes with libFuzzer and AddressSanitizer, for a
# bounded time each: bash run.sh [seconds per target, default 20]
#
# Builds this package once (debug, into .build here), then runs each target on a fresh copy
# of its seed corpus under .work/ (the committed corpus/ is never written). A crashing, leaking,
# hanging or memory-hungry input is written to .work/crashes/<target>/ and fails the run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-20}
targets=(http-response sse otlp-json claude-json trace-context)
work="$here/.work"
cd "$here"

# Internal parsers are reached with @testable import, so the library is compiled with testing
# enabled; SwiftPM makes each target's Swift entry point `main`, which starts libFuzzer's driver.
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing -Xswiftc -use-ld=lld)
mkdir -p "$work"
echo "building the fuzz targets"
build_start=$SECONDS
for target in "${targets[@]}"; do
  if ! swift build "${flags[@]}" --product "fuzz-$target" >"$work/build.log" 2>&1; then
    cat "$work/build.log"
    exit 1
  fi
done
rm -f "$work/build.log"
echo "built in $((SECONDS - build_start)) s"
bin=$(swift build "${flags[@]}" --show-bin-path)

# Swift's own crash reporter would catch a trap before libFuzzer does (and can sit waiting on
# a symbolicator): libFuzzer's handler must see it to write the input and stop.
export SWIFT_BACKTRACE=enable=no

running=""
stop() { if [ -n "$running" ]; then kill "$running" 2>/dev/null || true; wait "$running" 2>/dev/null || true; fi; }
trap stop EXIT
trap 'stop; exit 130' INT TERM

failed=0
for target in "${targets[@]}"; do
  corpus="$work/corpus/$target"
  crashes="$work/crashes/$target"
  log="$work/$target.log"
  rm -rf "$corpus"
  mkdir -p "$corpus" "$crashes"
  cp "$here/corpus/$target/"* "$corpus/"
  status=0
  # `timeout` is a backstop only: libFuzzer stops itself after -max_total_time.
  TMPDIR="$work" timeout --kill-after=10 $((seconds + 60)) "$bin/fuzz-$target" "$corpus" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$crashes/" >"$log" 2>&1 &
  running=$!
  wait "$running" || status=$?
  running=""
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ "$status" -eq 0 ]; then
    result="ok"
  else
    failed=1
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    result="FAILED (exit $status) ${artifact:-see $log}"
  fi
  printf '%-14s %10s runs %8s execs/s  %s\n' "$target" "${runs:-?}" "${speed:-?}" "$result"
done
rm -f "$work"/claude-trace-fuzz-otlp-*.jsonl
exit "$failed"
