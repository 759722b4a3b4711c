"""The GenAI client metrics, end to end: the demo's metrics received by rotel over OTLP/HTTP JSON
and protobuf; every metrics request parsed strictly by opentelemetry-proto's
ExportMetricsServiceRequest; histogram buckets adding up to their counts; token and cost sums
equal to the spans' own attributes for the same calls; the Prometheus text parsed by the
official prometheus_client parser with the same values; and a collector that is down.
"""

import json
import math
import time
from pathlib import Path

import pytest

from test_cli import attributes, run, spans_of, cli  # noqa: F401  (cli is a fixture)

METRIC_NAMES = {
    "gen_ai.client.token.usage", "gen_ai.client.operation.duration",
    "gen_ai.client.operation.time_to_first_chunk", "claude.client.cost", "claude.client.errors",
}


def metrics_message(request):
    """The official ExportMetricsServiceRequest in a captured request, parsed strictly as its
    Content-Type says (protobuf must re-serialize to exactly the bytes sent)."""
    from google.protobuf import json_format
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest

    content_type = request["headers"]["content-type"]
    if content_type == "application/x-protobuf":
        message = ExportMetricsServiceRequest.FromString(request["body"])
        assert message.SerializeToString(deterministic=True) == request["body"], "the protobuf body is not canonical"
        return message
    assert content_type == "application/json", content_type
    return json_format.ParseDict(json.loads(request["body"]), ExportMetricsServiceRequest(), ignore_unknown_fields=False)


def points_by_metric(message):
    """{metric name: (metric, [data points])} across the request."""
    result = {}
    for resource_metrics in message.resource_metrics:
        for scope_metrics in resource_metrics.scope_metrics:
            assert scope_metrics.scope.name == "claude-trace.claude"
            for metric in scope_metrics.metrics:
                kind = metric.WhichOneof("data")
                points = list(getattr(metric, kind).data_points)
                result[metric.name] = (metric, points)
    return result


def point_attributes(point):
    from google.protobuf import json_format
    return {kv.key: next(iter(json_format.MessageToDict(kv.value).values())) for kv in point.attributes}


def chat_spans(directory):
    return [attributes(span) for span in spans_of(directory / "traces.jsonl") if span["name"].startswith("chat ")]


def run_demo(cli, directory, endpoint, protocol, extra_env=None):  # noqa: F811
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": protocol}
    env.update(extra_env or {})
    return run(cli, "demo", "--calls", "16", "--seed", "5", "--prometheus-out", "prometheus.txt", cwd=directory, env=env)


@pytest.mark.parametrize("protocol", ["http/json", "http/protobuf"])
def test_rotel_receives_the_demos_metrics(cli, start_rotel, tmp_path, protocol):  # noqa: F811
    rotel = start_rotel(debug_logs=("metrics",))
    run_demo(cli, tmp_path, f"http://127.0.0.1:{rotel.http_port}", protocol)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "claude.client.errors" not in rotel.log:
        time.sleep(0.1)
    log = rotel.log
    for name in METRIC_NAMES:
        assert f"-> Name: {name}" in log, f"{name} not in rotel's log:\n{log[-3000:]}"
    # rotel prints "DataType: Empty" for a metric it could not decode.
    assert "DataType: Empty" not in log
    assert log.count("DataType: Histogram") == 3 and log.count("DataType: Sum") >= 2
    assert "AGGREGATION_TEMPORALITY_CUMULATIVE" in log


@pytest.mark.parametrize("protocol", ["http/json", "http/protobuf"])
def test_metrics_parse_strictly_and_equal_the_spans_totals_and_the_prometheus_text(cli, capture_server, tmp_path, protocol):  # noqa: F811
    from prometheus_client.parser import text_string_to_metric_families

    server = capture_server()
    run_demo(cli, tmp_path, f"http://127.0.0.1:{server.port}", protocol)
    requests = [r for r in server.requests if r["path"] == "/v1/metrics"]
    assert requests, [r["path"] for r in server.requests]
    messages = [metrics_message(r) for r in requests]
    # Cumulative: the last export (on shutdown) holds every call.
    metrics = points_by_metric(messages[-1])
    assert METRIC_NAMES <= set(metrics)

    for name, (metric, points) in metrics.items():
        if metric.WhichOneof("data") == "histogram":
            assert metric.histogram.aggregation_temporality == 2
            for point in points:
                assert sum(point.bucket_counts) == point.count
                assert len(point.bucket_counts) == len(point.explicit_bounds) + 1
        else:
            assert metric.sum.is_monotonic and metric.sum.aggregation_temporality == 2
    token_metric, token_points = metrics["gen_ai.client.token.usage"]
    assert token_metric.unit == "{token}"
    assert list(token_points[0].explicit_bounds) == [float(4 ** n) for n in range(14)]
    duration_metric, duration_points = metrics["gen_ai.client.operation.duration"]
    assert duration_metric.unit == "s"
    assert list(duration_points[0].explicit_bounds) == pytest.approx([0.01 * 2 ** n for n in range(14)])

    spans = chat_spans(tmp_path)

    def token_sum(kind):
        return sum(p.sum for p in token_points if point_attributes(p)["gen_ai.token.type"] == kind)

    assert token_sum("input") == sum(int(s.get("gen_ai.usage.input_tokens", 0)) for s in spans)
    assert token_sum("output") == sum(int(s.get("gen_ai.usage.output_tokens", 0)) for s in spans)
    cost = sum(p.as_double for p in metrics["claude.client.cost"][1])
    assert cost == pytest.approx(sum(int(s.get("claude.cost.picodollars", 0)) for s in spans) * 1e-12, rel=1e-12)
    assert sum(p.count for p in duration_points) == len(spans)
    errors = sum(p.as_int for p in metrics["claude.client.errors"][1])
    assert errors == sum(1 for s in spans if "error.type" in s) and errors > 0
    assert all("user.id" not in point_attributes(p) for _, points in metrics.values() for p in points)
    for point in duration_points:
        labels = point_attributes(point)
        assert labels["gen_ai.operation.name"] == "chat" and labels["gen_ai.provider.name"] == "anthropic"
        assert "gen_ai.request.model" in labels and "server.address" in labels and "server.port" in labels

    # The Prometheus text of the same run, after the last export: the same values.
    families = {f.name: f for f in text_string_to_metric_families((tmp_path / "prometheus.txt").read_text())}
    prom_count = sum(s.value for s in families["gen_ai_client_operation_duration_seconds"].samples
                     if s.name.endswith("_count"))
    assert prom_count == sum(p.count for p in duration_points)
    prom_input = sum(s.value for s in families["gen_ai_client_token_usage"].samples
                     if s.name.endswith("_sum") and s.labels["gen_ai_token_type"] == "input")
    assert prom_input == token_sum("input")
    prom_cost = sum(s.value for s in families["claude_client_cost_USD"].samples)
    assert prom_cost == pytest.approx(cost, rel=1e-12)
    prom_errors = sum(s.value for s in families["claude_client_errors"].samples)
    assert prom_errors == errors
    # Buckets are cumulative in Prometheus: the +Inf bucket is the count.
    for sample in families["gen_ai_client_operation_duration_seconds"].samples:
        if sample.name.endswith("_bucket") and sample.labels["le"] == "+Inf":
            key = {k: v for k, v in sample.labels.items() if k != "le"}
            count = next(s.value for s in families["gen_ai_client_operation_duration_seconds"].samples
                         if s.name.endswith("_count") and s.labels == key)
            assert sample.value == count


def test_metrics_are_retried_when_the_collector_is_down_and_the_demo_still_finishes(cli, capture_server, tmp_path):  # noqa: F811
    def respond(index, request):
        if request["path"] == "/v1/metrics":
            return 503, {"Content-Type": "application/json"}, b"{}"
        return 200, {"Content-Type": "application/json"}, b"{}"

    server = capture_server(respond)
    result = run_demo(cli, tmp_path, f"http://127.0.0.1:{server.port}", "http/protobuf",
                      {"OTEL_EXPORTER_OTLP_METRICS_TIMEOUT": "2000"})
    attempts = [r for r in server.requests if r["path"] == "/v1/metrics"]
    assert len(attempts) >= 2, "a 503 is retried"
    assert "data points" in result.stderr and "failed" in result.stderr
    # The spans still arrived, and the demo printed its dashboard.
    assert any(r["path"] == "/v1/traces" for r in server.requests)
    assert (tmp_path / "prometheus.txt").read_text().count("claude_client_errors_total{") >= 1


def test_delta_exports_add_up_to_the_spans_totals(cli, capture_server, tmp_path):  # noqa: F811
    server = capture_server()
    run_demo(cli, tmp_path, f"http://127.0.0.1:{server.port}", "http/protobuf",
             {"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE": "delta", "OTEL_METRIC_EXPORT_INTERVAL": "100"})
    messages = [metrics_message(r) for r in server.requests if r["path"] == "/v1/metrics"]
    assert messages
    input_tokens = calls = 0
    previous_end = None
    for message in messages:
        metrics = points_by_metric(message)
        for metric, _ in metrics.values():
            kind = metric.WhichOneof("data")
            assert getattr(metric, kind).aggregation_temporality == 1, "delta"
        if "gen_ai.client.operation.duration" in metrics:
            points = metrics["gen_ai.client.operation.duration"][1]
            calls += sum(p.count for p in points)
            starts = {p.start_time_unix_nano for p in points}
            if previous_end is not None:
                assert min(starts) >= previous_end, "delta intervals do not overlap"
            previous_end = max(p.time_unix_nano for p in points)
        if "gen_ai.client.token.usage" in metrics:
            input_tokens += sum(p.sum for p in metrics["gen_ai.client.token.usage"][1]
                                if point_attributes(p)["gen_ai.token.type"] == "input")
    spans = chat_spans(tmp_path)
    assert calls == len(spans)
    assert input_tokens == sum(int(s.get("gen_ai.usage.input_tokens", 0)) for s in spans)


def test_metrics_to_a_collector_that_is_not_there_fail_quietly_and_are_counted(cli, tmp_path):  # noqa: F811
    from conftest import free_port

    port = free_port()  # nothing listens on it
    result = run_demo(cli, tmp_path, f"http://127.0.0.1:{port}", "http/protobuf",
                      {"OTEL_EXPORTER_OTLP_TIMEOUT": "1500"})
    assert "data points to" in result.stderr and "connection refused" in result.stderr
    assert "Traces:" in result.stdout, "the demo finished and printed its dashboard"
    families = (tmp_path / "prometheus.txt").read_text()
    assert "gen_ai_client_operation_duration_seconds_count{" in families


def test_a_prometheus_scrape_of_the_listener_parses_and_equals_the_otlp_export(probe, capture_server):
    import subprocess
    import urllib.request

    from prometheus_client.parser import text_string_to_metric_families

    server = capture_server()
    process = subprocess.Popen([probe, "metrics-serve", "--otlp", f"http://127.0.0.1:{server.port}/v1/metrics", "--calls", "9"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line, process.stderr.read()
        url = json.loads(line)["url"]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/metrics")
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            text = response.read().decode()
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    assert process.returncode == 0, process.stderr.read()

    families = {f.name: f for f in text_string_to_metric_families(text)}
    metrics = points_by_metric(metrics_message([r for r in server.requests if r["path"] == "/v1/metrics"][0]))
    duration = families["gen_ai_client_operation_duration_seconds"]
    assert families["gen_ai_client_operation_duration_seconds"].type == "histogram"
    assert sum(s.value for s in duration.samples if s.name.endswith("_count")) == \
        sum(p.count for p in metrics["gen_ai.client.operation.duration"][1]) == 10
    assert sum(s.value for s in families["gen_ai_client_token_usage"].samples if s.name.endswith("_sum")) == \
        sum(p.sum for p in metrics["gen_ai.client.token.usage"][1])
    assert sum(s.value for s in families["claude_client_cost_USD"].samples) == \
        pytest.approx(sum(p.as_double for p in metrics["claude.client.cost"][1]), rel=1e-12)
    assert sum(s.value for s in families["claude_client_errors"].samples) == \
        sum(p.as_int for p in metrics["claude.client.errors"][1]) == 1
    ttfc = families["gen_ai_client_operation_time_to_first_chunk_seconds"]
    assert sum(s.value for s in ttfc.samples if s.name.endswith("_count")) == 4, "the streamed calls only"
    assert "target_info" in families
