#!/usr/bin/env bash
# Every test: unit tests, the concurrency tests again under the thread sanitizer, the parsers
# under libFuzzer, and the integration suite against real peers (which installs its own Python
# venv).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== unit tests"
swift build --build-tests
swift test --skip-build

echo "== concurrency tests under the thread sanitizer"
swift test --scratch-path .build-tsan --sanitize=thread \
  --filter 'ConcurrencyTests|BatchSpanProcessorTests|ContextPropagationTests|SpanTests|SpanBridgeTests'

echo "== the swift-distributed-tracing backend (Integration/Tracing, its own package)"
(cd Integration/Tracing && swift build --build-tests && swift test --skip-build)

echo "== fuzzing the parsers"
bash Integration/Fuzz/run.sh 20

echo "== integration suite"
bash Integration/run.sh
