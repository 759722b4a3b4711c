"""One trace from an HTTP request to a Claude call, through swift-distributed-tracing.

`tracing-e2e` (Integration/Tracing/Sources/tracing-e2e) is a real Hummingbird 2 app on
127.0.0.1 with its `TracingMiddleware`, ClaudeTrace installed as the swift-distributed-tracing
backend (`ClaudeTraceTracer.bootstrap`) and swift-log's metadata provider `.claudeTrace`. Its
`POST /chat` route calls Claude (the project's test double) and makes one AsyncHTTPClient
request to a server here that records the headers it got. A request comes in with a
`traceparent`; the spans are read back from the OTLP file with the official
`opentelemetry-proto` classes and from rotel, the real collector, which gets them as well.
"""

import http.server
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from conftest import free_port, otlp_to_proto, wait_for_port

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from claude_double import server as double  # noqa: E402

SERVER, CLIENT = 2, 3  # OTLP span kinds


@pytest.fixture(scope="module")
def app_binary():
    path = os.environ.get("TRACING_E2E_BIN")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("TRACING_E2E_BIN is not set: run through Integration/run.sh, which builds Integration/Tracing")
    return path


class Downstream:
    """An HTTP server that answers every GET with 200 and records the request headers."""

    def __init__(self):
        self.headers = []
        downstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                downstream.headers.append({k.lower(): v for k, v in self.headers.items()})
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/downstream"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def post(port, path, headers=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=b"{}", method="POST", headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


def file_spans(path):
    spans = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        message = otlp_to_proto(json.loads(line))
        for resource_spans in message.resource_spans:
            for scope_spans in resource_spans.scope_spans:
                spans.extend(scope_spans.spans)
    return spans


def attribute(span, key):
    for kv in span.attributes:
        if kv.key == key:
            return kv.value.WhichOneof("value") and getattr(kv.value, kv.value.WhichOneof("value"))
    return None


@pytest.mark.parametrize("protocol", ["http/protobuf", "http/json"])
def test_one_trace_from_request_to_claude_call(app_binary, rotel, tmp_path, protocol):
    claude, claude_port = double.start(port=0)
    downstream = Downstream()
    trace_file = tmp_path / "traces.jsonl"
    port = free_port()
    log = open(tmp_path / "app.log", "w+b")
    env = dict(os.environ,
               PORT=str(port), CLAUDE_BASE_URL=f"http://127.0.0.1:{claude_port}", DOWNSTREAM_URL=downstream.url,
               OTEL_TRACES_EXPORTER="otlp/file,otlp", OTEL_EXPORTER_OTLP_FILE_PATH=str(trace_file),
               OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=rotel.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL=protocol,
               OTEL_BSP_SCHEDULE_DELAY="50")
    app = subprocess.Popen([app_binary], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        assert wait_for_port(port, timeout=30), "the app did not listen"
        trace_id, caller_span_id = secrets.token_hex(16), secrets.token_hex(8)
        status, body = post(port, "/chat", {"traceparent": f"00-{trace_id}-{caller_span_id}-01"})
        assert status == 200 and body.startswith("Echo: Hello from a traced route")
        assert body.splitlines()[-1] == "200"
        assert post(port, "/flush") == (200, "flushed\n")

        spans = file_spans(trace_file)
        # ONE trace: the incoming one. (The /flush request's span ends after the flush.)
        assert {span.trace_id.hex() for span in spans} == {trace_id}
        server = [span for span in spans if span.kind == SERVER]
        assert len(server) == 1, [span.name for span in spans]
        server = server[0]
        assert server.name == "/chat"
        assert server.parent_span_id.hex() == caller_span_id
        assert attribute(server, "http.request.method") == "POST"
        assert attribute(server, "http.response.status_code") == 200
        claude_calls = [span for span in spans if attribute(span, "gen_ai.provider.name") == "anthropic"]
        http_calls = [span for span in spans if span.kind == CLIENT and span not in claude_calls]
        assert len(claude_calls) == 1 and len(http_calls) == 1, [span.name for span in spans]
        claude_call, http_call = claude_calls[0], http_calls[0]
        assert claude_call.kind == CLIENT and claude_call.parent_span_id == server.span_id
        assert attribute(claude_call, "gen_ai.usage.input_tokens") > 0
        assert http_call.name == "GET" and http_call.parent_span_id == server.span_id
        # The AsyncHTTPClient request carried a traceparent naming its own span.
        assert len(downstream.headers) == 1
        assert downstream.headers[0]["traceparent"] == f"00-{trace_id}-{http_call.span_id.hex()}-01"

        # The route's log lines carry the trace id (and the server span's id).
        lines = [line for line in (tmp_path / "app.log").read_text().splitlines()
                 if "calling Claude" in line or "downstream answered" in line]
        assert len(lines) == 2, (tmp_path / "app.log").read_text()
        for line in lines:
            assert f"trace_id={trace_id}" in line and f"span_id={server.span_id.hex()}" in line

        # The same spans reached the collector.
        received = rotel.wait_for_spans(3)
        by_id = {span.get("ID"): span for span in received}
        for span in (server, claude_call, http_call):
            seen = by_id.get(span.span_id.hex())
            assert seen is not None, f"{span.name} not in rotel's log"
            assert seen["Trace ID"] == trace_id and seen["Name"] == span.name
            assert seen.get("Parent ID", "") == span.parent_span_id.hex()
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(app.pid, signal.SIGKILL)
            app.wait(timeout=10)
        log.close()
        downstream.stop()
        claude.shutdown()
        claude.server_close()
