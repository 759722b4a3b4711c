#!/usr/bin/env bash
# The integration suite: real peers (an OpenTelemetry collector, the official protobuf
# definitions, the official Anthropic SDK) against the library. Installs what it needs into a
# venv of its own, starts every server on 127.0.0.1 and stops it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work="$here/.work"
mkdir -p "$work"

if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"

(cd "$root" && swift build --product integration-probe && swift build --product claude-trace)
export PROBE_BIN="$root/.build/debug/integration-probe"
export CLAUDE_TRACE_BIN="$root/.build/debug/claude-trace"
# The Hummingbird app of the swift-distributed-tracing backend (its own package).
(cd "$here/Tracing" && swift build --product tracing-e2e)
export TRACING_E2E_BIN="$here/Tracing/.build/debug/tracing-e2e"

cd "$here"
"$work/venv/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
