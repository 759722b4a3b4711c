"""Fault cases for the OTLP exporters, end to end: a collector that comes up late, throttling
with Retry-After, a rejected request, a collector that never answers, an unwritable file.

Timing assertions are lower bounds only (a slow machine must not fail them); upper bounds are
left to the subprocess timeouts.
"""

import json
import subprocess
import time
from email.utils import formatdate

from conftest import free_port, run_probe_otlp

SPANS = 20


def test_spans_reach_a_collector_that_starts_after_the_app(probe, start_rotel):
    port = free_port()
    # The probe ends its spans and shuts down at once; the first attempts find nothing
    # listening and are retried (0 s, 0 s, ~1 s, ~3 s, ~7 s…) within the 20 s export timeout.
    process = subprocess.Popen(
        [probe, "otlp-export", "--endpoint", f"http://127.0.0.1:{port}/v1/traces", "--spans", str(SPANS),
         "--timeout-ms", "20000", "--finite-doubles"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    rotel = start_rotel(http_port=port)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    summary = json.loads(stdout.strip().split("\n")[-1])
    otlp = next(e for e in summary["exporters"] if e["type"] == "otlp")
    assert otlp["exportedSpans"] == SPANS and otlp["failedSpans"] == 0, stderr
    assert otlp["retries"] >= 2
    assert "failed to export" not in stderr
    printed = rotel.wait_for_spans(SPANS)
    assert sorted(s["ID"] for s in printed) == sorted(s["spanId"] for s in summary["spans"])


def test_503_with_retry_after_is_retried_after_the_delay_and_delivered_once(probe, capture_server):
    def respond(index, request):
        if index == 0:
            return 503, {"Retry-After": "1", "Content-Type": "application/json"}, b'{"code":14,"message":"busy"}'
        return 200, {"Content-Type": "application/json"}, b"{}"

    server = capture_server(respond)
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--spans", SPANS)
    assert len(server.requests) == 2
    assert server.requests[1]["time"] - server.requests[0]["time"] >= 0.95
    assert server.requests[0]["body"] == server.requests[1]["body"]
    otlp = run.exporter("otlp")
    assert otlp["exportedSpans"] == SPANS and otlp["retries"] == 1 and otlp["failedSpans"] == 0
    assert "failed to export" not in run.stderr


def test_429_with_an_http_date_retry_after_waits_for_that_date(probe, capture_server):
    def respond(index, request):
        if index == 0:
            return 429, {"Retry-After": formatdate(time.time() + 3, usegmt=True)}, b""
        return 200, {}, b"{}"

    server = capture_server(respond)
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--spans", SPANS)
    assert len(server.requests) == 2
    assert server.requests[1]["time"] - server.requests[0]["time"] >= 1.9
    assert run.exporter("otlp")["exportedSpans"] == SPANS


def test_400_is_not_retried_and_is_reported(probe, capture_server):
    body = json.dumps({"code": 3, "message": "invalid span"}).encode()
    server = capture_server(lambda index, request: (400, {"Content-Type": "application/json"}, body))
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--spans", SPANS)
    assert len(server.requests) == 1
    assert "HTTP 400 (invalid span)" in run.stderr and "not retried" in run.stderr
    otlp = run.exporter("otlp")
    assert otlp["failedSpans"] == SPANS and otlp["exportedSpans"] == 0 and otlp["retries"] == 0


def test_a_collector_that_never_answers_times_out_and_shutdown_still_returns(probe, capture_server):
    server = capture_server(lambda index, request: None)
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--spans", SPANS,
                         "--timeout-ms", 1500, "--shutdown-timeout-ms", 10000, timeout=60)
    assert run.summary["shutdownCompleted"] is True
    assert run.summary["shutdownSeconds"] >= 1.4
    assert "export timeout passed before the collector answered" in run.stderr
    assert run.exporter("otlp")["failedSpans"] == SPANS
    assert len(server.requests) == 1


def test_shutdown_gives_up_at_its_own_timeout_when_the_export_outlasts_it(probe, capture_server):
    server = capture_server(lambda index, request: None)
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--spans", SPANS,
                         "--timeout-ms", 120000, "--export-timeout-ms", 120000, "--shutdown-timeout-ms", 2000, timeout=60)
    assert run.summary["shutdownCompleted"] is False
    assert run.summary["shutdownSeconds"] >= 1.9
    assert "shutdown did not finish within" in run.stderr


def test_a_file_path_that_cannot_be_opened_is_reported(probe, tmp_path):
    # CI runs as root, which ignores directory permissions: put the file under a regular file.
    (tmp_path / "file-not-dir").write_text("x")
    path = tmp_path / "file-not-dir" / "out.jsonl"
    run = run_probe_otlp(probe, "--file", path, "--spans", SPANS)
    assert f"cannot open {path} for appending: Not a directory" in run.stderr
    assert f"could not write {SPANS} spans to {path}" in run.stderr
    file = run.exporter("file")
    assert file["failedSpans"] == SPANS and file["lines"] == 0
