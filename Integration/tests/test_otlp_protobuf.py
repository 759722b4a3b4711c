"""`http/protobuf`, the default protocol, against the official `opentelemetry-proto` classes:
every body is parsed with `ExportTraceServiceRequest.FromString` and must equal, field for field,
the JSON encoding of the same spans (written by the file exporter in the same run); answers built
with `ExportTraceServiceResponse` must be read for partial success.
"""

import json

from conftest import otlp_to_proto, proto_spans, request_message, run_probe_otlp

PROTOBUF = {"Content-Type": "application/x-protobuf"}


def partial_success(rejected, message):
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (  # noqa: PLC0415
        ExportTracePartialSuccess, ExportTraceServiceResponse)

    response = ExportTraceServiceResponse(partial_success=ExportTracePartialSuccess(rejected_spans=rejected, error_message=message))
    return response.SerializeToString()


def test_a_protobuf_body_equals_the_json_encoding_of_the_same_spans(probe, capture_server, tmp_path):
    server = capture_server()
    path = tmp_path / "same.jsonl"
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--file", path, "--spans", 16, "--batch-size", 100)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and len(server.requests) == 1
    assert server.requests[0]["headers"]["content-type"] == "application/x-protobuf"
    from_protobuf = request_message(server.requests[0])
    from_json = otlp_to_proto(json.loads(lines[0]))
    # NaN, ±Infinity, Int64.min/max, empty arrays and strings, U+2028 and friends included.
    assert from_protobuf == from_json
    assert from_protobuf.SerializeToString(deterministic=True) == from_json.SerializeToString(deterministic=True)
    assert run.exporter("otlp")["protocol"] == "http/protobuf"
    assert run.exporter("file")["exportedSpans"] == run.exporter("otlp")["exportedSpans"] == 16


def test_every_span_of_many_protobuf_batches_equals_its_json_encoding(probe, capture_server, tmp_path):
    server = capture_server()
    path = tmp_path / "many.jsonl"
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--file", path, "--spans", 200, "--batch-size", 32)
    # The two exporters batch independently: compare span by span, with resource and scope.
    def by_span_id(messages):
        found = {}
        for message in messages:
            for resource, scope, span in proto_spans(message):
                assert span.span_id not in found, "a span was sent twice"
                found[span.span_id] = (resource, scope, span)
        return found

    from_protobuf = by_span_id(request_message(request) for request in server.requests)
    from_json = by_span_id(otlp_to_proto(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines())
    assert len(from_protobuf) == len(from_json) == len(run.spans) == 200
    for span_id, (resource, scope, span) in from_json.items():
        assert from_protobuf[span_id] == (resource, scope, span), f"span {span.name!r} differs"


def test_a_protobuf_partial_success_is_reported_not_retried(probe, capture_server):
    server = capture_server(lambda index, request: (200, PROTOBUF, partial_success(3, "quota for tenant")))
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--spans", 10)
    assert len(server.requests) == 1
    assert "rejected 3 of 10 spans (partial success): quota for tenant" in run.stderr
    otlp = run.exporter("otlp")
    assert otlp["rejectedSpans"] == 3 and otlp["exportedSpans"] == 7 and otlp["retries"] == 0


def test_a_protobuf_answer_without_a_content_type_is_read_as_the_request_was(probe, capture_server):
    server = capture_server(lambda index, request: (200, {}, partial_success(4, "sampled away")))
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--spans", 10)
    assert "rejected 4 of 10 spans (partial success): sampled away" in run.stderr
    assert run.exporter("otlp")["rejectedSpans"] == 4


def test_zero_rejected_with_a_message_is_a_warning(probe, capture_server):
    server = capture_server(lambda index, request: (200, PROTOBUF, partial_success(0, "attribute truncated")))
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--spans", 10)
    assert "accepted 10 spans with a warning: attribute truncated" in run.stderr
    otlp = run.exporter("otlp")
    assert otlp["exportedSpans"] == 10 and otlp["rejectedSpans"] == 0


def test_a_protobuf_error_status_is_reported_with_its_message_and_not_retried(probe, capture_server):
    # google.rpc.Status { int32 code = 1; string message = 2; }, written out from status.proto.
    message = b"invalid span"
    status = b"\x08\x03\x12" + bytes([len(message)]) + message
    server = capture_server(lambda index, request: (400, PROTOBUF, status))
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--spans", 10)
    assert len(server.requests) == 1
    assert "HTTP 400 (invalid span)" in run.stderr and "not retried" in run.stderr
    assert run.exporter("otlp")["failedSpans"] == 10
