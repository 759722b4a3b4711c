"""Configuration from OTEL_* variables, end to end: the probe gets no exporter arguments, so the
environment alone decides where spans go, as the OpenTelemetry specification's rules say."""

import json

import pytest

from conftest import request_message, run_probe_otlp


@pytest.mark.parametrize("base, path", [("", "/v1/traces"), ("/", "/v1/traces"), ("/base/", "/base/v1/traces"), ("/base", "/base/v1/traces")])
def test_the_generic_endpoint_gets_v1_traces_appended(probe, capture_server, base, path):
    server = capture_server()
    run_probe_otlp(probe, "--spans", 3, env={"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{server.port}{base}"})
    assert [r["path"] for r in server.requests] == [path]


@pytest.mark.parametrize("suffix, path", [("", "/"), ("/custom/traces", "/custom/traces")])
def test_the_traces_endpoint_is_used_as_is(probe, capture_server, suffix, path):
    server = capture_server()
    run_probe_otlp(probe, "--spans", 3, env={
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"http://127.0.0.1:{server.port}{suffix}",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9/ignored"})
    assert [r["path"] for r in server.requests] == [path]


def test_headers_are_percent_decoded_and_compression_is_applied(probe, capture_server):
    server = capture_server()
    run_probe_otlp(probe, "--spans", 3, env={
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{server.port}",
        "OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer%20abc, x-tenant = a%2Cb",
        "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "gzip"})
    headers = server.requests[0]["headers"]
    assert headers["authorization"] == "Bearer abc" and headers["x-tenant"] == "a,b"
    assert headers["content-encoding"] == "gzip"
    assert request_message(server.requests[0]).resource_spans


def test_otlp_file_writes_json_lines_to_the_configured_path(probe, tmp_path):
    path = tmp_path / "from-env.jsonl"
    run = run_probe_otlp(probe, "--spans", 5, env={"OTEL_TRACES_EXPORTER": "otlp/file", "OTEL_EXPORTER_OTLP_FILE_PATH": str(path)})
    lines = path.read_text().split("\n")[:-1]
    assert sum(len(s["spans"]) for line in lines for r in json.loads(line)["resourceSpans"] for s in r["scopeSpans"]) == 5
    assert run.exporter("file")["path"] == str(path)


@pytest.mark.parametrize("variables, content_type", [
    ({}, "application/x-protobuf"),
    ({"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}, "application/json"),
    ({"OTEL_EXPORTER_OTLP_PROTOCOL": "HTTP/JSON"}, "application/json"),
    ({"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"}, "application/x-protobuf"),
    ({"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"}, "application/json"),
])
def test_the_protocol_is_http_protobuf_unless_a_variable_says_http_json(probe, capture_server, variables, content_type):
    server = capture_server()
    run = run_probe_otlp(probe, "--spans", 3, env={"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{server.port}", **variables})
    assert "OTEL_EXPORTER_OTLP" not in run.stderr
    assert [r["headers"]["content-type"] for r in server.requests] == [content_type]
    assert len(request_message(server.requests[0]).resource_spans[0].scope_spans[0].spans) == 3


def test_grpc_is_reported_and_ignored(probe, capture_server):
    server = capture_server()
    run = run_probe_otlp(probe, "--spans", 3, env={
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{server.port}", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"})
    assert 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="grpc" is invalid' in run.stderr
    # The traces variable is ignored, so the generic one applies.
    assert server.requests[0]["headers"]["content-type"] == "application/json"
    alone = run_probe_otlp(probe, "--spans", 3, env={
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{server.port}", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"})
    assert 'OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is invalid' in alone.stderr
    assert server.requests[1]["headers"]["content-type"] == "application/x-protobuf"


def test_invalid_values_are_reported_by_name_and_defaults_apply(probe, capture_server):
    server = capture_server()
    run = run_probe_otlp(probe, "--spans", 3, env={
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{server.port}", "OTEL_EXPORTER_OTLP_TIMEOUT": "ten seconds",
        "OTEL_BSP_MAX_QUEUE_SIZE": "-1", "OTEL_TRACES_SAMPLER": "sometimes"})
    for variable in ("OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_TRACES_SAMPLER"):
        assert f"{variable}=" in run.stderr, variable
    assert len(run.spans) == 3 and run.exporter("otlp")["exportedSpans"] == 3


def test_otel_sdk_disabled_sends_nothing(probe, capture_server):
    server = capture_server()
    run = run_probe_otlp(probe, "--spans", 3, env={
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{server.port}", "OTEL_SDK_DISABLED": "true"})
    assert run.spans == [] and run.summary["exporters"] == []
    assert server.requests == []
