"""Every byte the OTLP exporters write must parse with the official `opentelemetry-proto`
definitions, strictly, and carry exactly the spans the probe ended.

The file exporter's lines and JSON HTTP bodies go through
`google.protobuf.json_format.ParseDict(…, ignore_unknown_fields=False)` after the hex ids are
turned into base64 (OTLP's one deviation from the generic proto3 JSON mapping that a generic
parser cannot know); the other deviations are asserted on the raw JSON. Binary protobuf bodies
(the default, `http/protobuf`) go through `ExportTraceServiceRequest.FromString`.
"""

import json

import pytest

from conftest import assert_span_matches, check_otlp_deviations, otlp_to_proto, proto_spans, request_message, run_probe_otlp

SPANS = 120
PROTOCOLS = {"http/protobuf": "application/x-protobuf", "http/json": "application/json"}


def json_message(request):
    """An OTLP-JSON request checked for OTLP's deviations, then parsed strictly."""
    check_otlp_deviations(request)
    return otlp_to_proto(request)


def check_messages(messages, run):
    """Checks each parsed request and compares its spans with what the probe ended."""
    expected = {span["spanId"]: span for span in run.spans}
    assert len(expected) == SPANS
    seen = {}
    for message in messages:
        for resource, scope, span in proto_spans(message):
            resource_attributes = {kv.key: kv.value.string_value for kv in resource.attributes}
            assert resource_attributes["service.name"] == "integration-probe"
            assert resource_attributes["telemetry.sdk.name"] == "claude-trace"
            assert resource_attributes["telemetry.sdk.language"] == "swift"
            assert (scope.name, scope.version) == ("integration-probe", "1.0")
            assert span.span_id.hex() not in seen, "a span was sent twice"
            seen[span.span_id.hex()] = span
    assert sorted(seen) == sorted(expected)
    for span_id, span in seen.items():
        assert_span_matches(span, expected[span_id])


def test_every_file_line_parses_with_the_official_proto_and_holds_the_spans(probe, tmp_path):
    path = tmp_path / "traces.jsonl"
    run = run_probe_otlp(probe, "--file", path, "--spans", SPANS, "--batch-size", 25)
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    lines = text.split("\n")[:-1]
    assert all(line for line in lines), "no empty lines"
    requests = [json.loads(line) for line in lines]
    # One line per export; the batch processor sends at most 25 spans per export.
    assert len(lines) >= SPANS // 25
    assert all(sum(len(s["spans"]) for r in request["resourceSpans"] for s in r["scopeSpans"]) <= 25 for request in requests)
    check_messages([json_message(request) for request in requests], run)
    file = run.exporter("file")
    assert file["lines"] == len(lines) and file["failedSpans"] == 0 and file["syncs"] >= 1


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_every_http_body_parses_with_the_official_proto_and_holds_the_spans(probe, capture_server, protocol):
    server = capture_server()
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--protocol", protocol, "--spans", SPANS, "--batch-size", 50,
                         "--header", "authorization=Bearer probe-token")
    assert len(server.requests) >= 3
    for request in server.requests:
        assert request["path"] == "/v1/traces"
        assert request["headers"]["content-type"] == PROTOCOLS[protocol]
        assert request["headers"]["user-agent"].startswith("claude-trace/")
        assert "OTel-OTLP-Exporter-Swift/" in request["headers"]["user-agent"]
        assert request["headers"]["authorization"] == "Bearer probe-token"
    check_messages([request_message(request) for request in server.requests], run)
    otlp = run.exporter("otlp")
    assert otlp["protocol"] == protocol
    assert otlp["exportedSpans"] == SPANS and otlp["failedSpans"] == 0 and otlp["retries"] == 0


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_gzip_bodies_are_valid_gzip_of_valid_otlp(probe, capture_server, protocol):
    server = capture_server()
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--protocol", protocol, "--spans", SPANS, "--gzip")
    assert server.requests
    for request in server.requests:
        assert request["headers"]["content-encoding"] == "gzip"
        assert request["headers"]["content-type"] == PROTOCOLS[protocol]
        assert len(request["raw"]) < len(request["body"]) / 3
    check_messages([request_message(request) for request in server.requests], run)


def test_the_same_spans_through_file_and_http_json_are_the_same_json(probe, capture_server, tmp_path):
    server = capture_server()
    path = tmp_path / "both.jsonl"
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--protocol", "http/json", "--file", path,
                         "--spans", 16, "--batch-size", 100)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and len(server.requests) == 1
    assert json.loads(lines[0]) == json.loads(server.requests[0]["body"])
    assert run.exporter("file")["exportedSpans"] == run.exporter("otlp")["exportedSpans"] == 16


def test_partial_success_is_reported_not_retried(probe, capture_server):
    body = json.dumps({"partialSuccess": {"rejectedSpans": "3", "errorMessage": "quota for tenant"}}).encode()
    server = capture_server(lambda index, request: (200, {"Content-Type": "application/json"}, body))
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--spans", 10)
    assert len(server.requests) == 1
    assert "rejected 3 of 10 spans (partial success): quota for tenant" in run.stderr
    otlp = run.exporter("otlp")
    assert otlp["rejectedSpans"] == 3 and otlp["exportedSpans"] == 7
