#!/usr/bin/env bash
# Every test: unit tests, the concurrency tests again under the thread sanitizer, the DocC
# reference (about 1.5 minutes cold), the parsers under libFuzzer, and the integration suite
# against real peers (which installs its own Python venv).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== unit tests"
swift build --build-tests
swift test --skip-build

echo "== concurrency and OTLP exporter tests under the thread sanitizer"
swift test --scratch-path .build-tsan --sanitize=thread \
  --filter 'ConcurrencyTests|BatchSpanProcessorTests|ContextPropagationTests|SpanTests|SpanBridgeTests|OTLPHTTPExporter'

echo "== the swift-distributed-tracing backend (Integration/Tracing, its own package)"
(cd Integration/Tracing && swift build --build-tests && swift test --skip-build)

echo "== the DocC reference builds, and its catalog's links resolve (Integration/Docs, its own package)"
bash Integration/Docs/run.sh --check

echo "== fuzzing the parsers"
bash Integration/Fuzz/run.sh 20

echo "== integration suite"
bash Integration/run.sh
