"""`claude-trace report` and `find` on a trace file written by the OpenTelemetry Python SDK.

The file comes from the real peer: the Python SDK (`opentelemetry-sdk`) exporting through its
JSON Lines file exporter (`opentelemetry-exporter-otlp-json-file`, `FileSpanExporter(path)`).
Its Claude-like spans carry GenAI token counts but no `claude.cost.usd`, so the report must
price them itself, counting cached tokens at their cache rates. Every expected value is
computed here, in Python, from the spans the SDK exported (an in-memory exporter sees the same
spans as the file exporter) and from the prices in reference/pricing.md.

The CLI binary is `$CLAUDE_TRACE_BIN`, else `<repo>/.build/debug/claude-trace` (built when
missing). The tests are skipped only while that binary is the "coming soon" placeholder.

Run: cd Integration && python -m pytest -q tests/test_report_python_fixture.py
Regenerate the committed fixture (read by the Swift unit tests too):
    python tests/test_report_python_fixture.py --write-fixtures
"""

import json
import os
import random
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from opentelemetry.exporter.otlp.json.file import FileSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import SpanKind, Status, StatusCode, set_span_in_context

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURES = HERE.parent / "fixtures"
FIXTURE_NAME = "python-sdk-claude-spans"

# USD per million tokens from reference/pricing.md (checked 2026-11): base input, 5-minute
# cache write, cache read, output. A model missing here has an unknown price.
RATES = {
    "claude-sonnet-4-5": (Decimal("3"), Decimal("3.75"), Decimal("0.30"), Decimal("15")),
    "claude-haiku-4-5": (Decimal("1"), Decimal("1.25"), Decimal("0.10"), Decimal("5")),
}
# The API error types another SDK puts in error.type, and the report's category for them.
ERROR_CATEGORIES = {"overloaded_error": "overloaded", "rate_limit_error": "rate_limit"}
NOON = 1_794_312_000_000_000_000  # 2026-11-10T12:00:00Z, Unix nanoseconds
SECOND = 1_000_000_000


class SeededIds(IdGenerator):
    """Deterministic ids, so the committed fixture only changes when the SDK's output does."""

    def __init__(self, seed):
        self.random = random.Random(seed)

    def generate_span_id(self):
        return self.random.getrandbits(64) or 1

    def generate_trace_id(self):
        return self.random.getrandbits(128) or 1


def claude_attributes(model, response_model=None, prompt=None, cache_read=None, cache_creation=None,
                      output=None, legacy=False, **extra):
    """GenAI attributes as a non-Claude-Trace SDK writes them: tokens, no claude.cost.usd.
    `prompt` is gen_ai.usage.input_tokens, which includes the cache counts."""
    attributes = {"gen_ai.operation.name": "chat", "gen_ai.request.model": model,
                  ("gen_ai.system" if legacy else "gen_ai.provider.name"): "anthropic"}
    if response_model:
        attributes["gen_ai.response.model"] = response_model
    for key, value in [("gen_ai.usage.input_tokens", prompt), ("gen_ai.usage.output_tokens", output),
                       ("gen_ai.usage.cache_read.input_tokens", cache_read),
                       ("gen_ai.usage.cache_creation.input_tokens", cache_creation)]:
        if value is not None:
            attributes[key] = value
    attributes.update(extra)
    return attributes


def write_fixture(path):
    """Writes the fixture with the Python SDK's file exporter; returns the exported spans."""
    memory = InMemorySpanExporter()
    provider = TracerProvider(
        resource=Resource.create({"service.name": "python-fixture", "service.instance.id": "fixture-1"}),
        id_generator=SeededIds(2026))
    provider.add_span_processor(BatchSpanProcessor(FileSpanExporter(str(path))))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("fixture.claude", "1.0.0")

    def span(name, start, end, parent=None, kind=SpanKind.INTERNAL, attributes=None, status=None):
        context = set_span_in_context(parent) if parent is not None else None
        created = tracer.start_span(name, context=context, kind=kind, attributes=attributes, start_time=NOON + start)
        if status is not None:
            created.set_status(status)
        created.end(end_time=NOON + end)
        return created

    # Trace 1, nested: handle-ticket → retrieve → chat (cached prompt), and a streamed chat.
    root = tracer.start_span("handle-ticket", kind=SpanKind.SERVER, attributes={"ticket.id": "T-1"}, start_time=NOON)
    retrieve = tracer.start_span("retrieve", context=set_span_in_context(root), start_time=NOON + SECOND // 10)
    span("chat claude-sonnet-4-5", SECOND // 5, 9 * SECOND // 10, retrieve, SpanKind.CLIENT, claude_attributes(
        "claude-sonnet-4-5", "claude-sonnet-4-5-20250929", prompt=1500, cache_read=200, cache_creation=300, output=50,
        **{"gen_ai.response.id": "msg_01PyFixtureA", "anthropic.request_id": "req_011PyFixtureA",
           "claude.request_id": "6f1c2a4e-python-fixture-a", "user.id": "u-1", "claude.feature": "summary"}))
    retrieve.end(end_time=NOON + SECOND)
    span("chat claude-haiku-4-5", SECOND, 5 * SECOND // 2, root, SpanKind.CLIENT, claude_attributes(
        "claude-haiku-4-5", "claude-haiku-4-5-20251001", prompt=800, cache_read=0, cache_creation=0, output=120,
        **{"gen_ai.request.stream": True, "gen_ai.response.time_to_first_chunk": 0.35,
           "gen_ai.response.id": "msg_01PyFixtureB", "anthropic.request_id": "req_011PyFixtureB",
           "user.id": "u-2", "claude.feature": "triage"}))
    root.end(end_time=NOON + 3 * SECOND)
    provider.force_flush()

    # Trace 2: the older gen_ai.system attribute, the next UTC day, a cache read.
    span("chat claude-haiku-4-5", 86_400 * SECOND, 86_400 * SECOND + SECOND // 2, None, SpanKind.CLIENT,
         claude_attributes("claude-haiku-4-5", prompt=400, cache_read=100, output=30, legacy=True,
                           **{"user.id": "u-1", "gen_ai.response.id": "msg_01PyFixtureC"}))
    # Trace 3: an overloaded call, no tokens.
    span("chat claude-sonnet-4-5", 60 * SECOND, 62 * SECOND, None, SpanKind.CLIENT,
         claude_attributes("claude-sonnet-4-5", **{"error.type": "overloaded_error", "anthropic.request_id": "req_011PyFixtureD"}),
         Status(StatusCode.ERROR, "Overloaded"))
    # Trace 4: a model without a known price.
    span("chat claude-mythos-5-2", 120 * SECOND, 121 * SECOND, None, SpanKind.CLIENT,
         claude_attributes("claude-mythos-5-2", prompt=100, output=10, **{"user.id": "u-3"}))
    # Trace 5: not a Claude call.
    span("chat gpt-4o", 180 * SECOND, 181 * SECOND, None, SpanKind.CLIENT,
         {"gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 999,
          "gen_ai.usage.output_tokens": 999})
    provider.shutdown()
    return list(memory.get_finished_spans())


def utc_day(nanoseconds):
    import datetime
    return datetime.datetime.fromtimestamp(nanoseconds // SECOND, datetime.timezone.utc).strftime("%Y-%m-%d")


def exact_quantiles(values):
    ordered = sorted(values)
    return {name: ordered[int(q * (len(ordered) - 1))] for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))}


def expected_report(spans, path):
    """The report, computed from the exported spans by the rules the report documents."""
    calls, errors, unpriced = 0, {}, 0
    total = Decimal(0)
    by = {"byModel": {}, "byUser": {}, "byFeature": {}, "byDay": {}}
    tokens = {"input": 0, "output": 0, "cacheRead": 0, "cacheCreation": 0}
    latency, ttft = {}, {}
    for span in spans:
        attributes = dict(span.attributes)
        if (attributes.get("gen_ai.provider.name") or attributes.get("gen_ai.system")) != "anthropic":
            continue
        calls += 1
        model = attributes.get("gen_ai.response.model") or attributes.get("gen_ai.request.model")
        failed = span.status.status_code == StatusCode.ERROR
        if failed:
            category = ERROR_CATEGORIES.get(attributes.get("error.type"), "unknown")
            errors[category] = errors.get(category, 0) + 1
        cost = Decimal(0)
        if "gen_ai.usage.input_tokens" in attributes or "gen_ai.usage.output_tokens" in attributes:
            read = attributes.get("gen_ai.usage.cache_read.input_tokens", 0)
            creation = attributes.get("gen_ai.usage.cache_creation.input_tokens", 0)
            uncached = attributes.get("gen_ai.usage.input_tokens", 0) - read - creation
            output = attributes.get("gen_ai.usage.output_tokens", 0)
            for key, value in (("input", uncached), ("output", output), ("cacheRead", read), ("cacheCreation", creation)):
                tokens[key] += value
            rates = RATES.get(re.sub(r"-\d{8}$", "", model))
            if rates is None:
                unpriced += 1
            else:
                rate_in, rate_write, rate_read, rate_out = rates
                cost = (uncached * rate_in + creation * rate_write + read * rate_read + output * rate_out) / Decimal(1_000_000)
                # The report, like the monitor, counts each call to the nanodollar.
                cost = cost.quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
        total += cost
        for key, name in (("byModel", model), ("byUser", attributes.get("user.id", "(none)")),
                          ("byFeature", attributes.get("claude.feature", "(none)")), ("byDay", utc_day(span.start_time))):
            by[key][name] = by[key].get(name, Decimal(0)) + cost
        if not failed:
            latency.setdefault(model, []).append((span.end_time - span.start_time) / SECOND)
            if "gen_ai.response.time_to_first_chunk" in attributes:
                ttft.setdefault(model, []).append(attributes["gen_ai.response.time_to_first_chunk"])
    lines = [line for line in Path(path).read_text().splitlines() if line.strip()]
    return {
        "calls": calls, "errors": errors, "unpricedCalls": unpriced,
        "cost": {"totalUSD": str(total), "totalNanodollars": int(total * 10**9),
                 **{key: {name: str(value) for name, value in values.items()} for key, values in by.items()}},
        "tokens": tokens,
        "latency": {model: {**exact_quantiles(values), "count": len(values)} for model, values in latency.items()},
        "timeToFirstChunk": {model: {**exact_quantiles(values), "count": len(values)} for model, values in ttft.items()},
        "file": {"lines": len(lines), "badLines": 0, "truncatedLastLine": False},
    }


def trace_shapes(spans):
    """For each trace: its spans depth first (children by start time) as (depth, name, ids)."""
    by_trace = {}
    for span in spans:
        by_trace.setdefault(span.context.trace_id, []).append(span)
    shapes = {}
    for trace_id, members in by_trace.items():
        children = {}
        for span in members:
            children.setdefault(span.parent.span_id if span.parent else None, []).append(span)
        order = []

        def visit(span, depth):
            order.append((depth, span.name))
            for child in sorted(children.get(span.context.span_id, []), key=lambda s: (s.start_time, s.name)):
                visit(child, depth + 1)

        for top in sorted(children[None], key=lambda s: s.start_time):
            visit(top, 0)
        shapes[trace_id] = order
    return shapes


# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cli():
    binary = os.environ.get("CLAUDE_TRACE_BIN") or str(ROOT / ".build" / "debug" / "claude-trace")
    if not os.environ.get("CLAUDE_TRACE_BIN") and not os.path.exists(binary):
        subprocess.run(["swift", "build", "--product", "claude-trace"], cwd=ROOT, check=True)
    assert os.path.exists(binary), f"no claude-trace binary at {binary}: build it with `swift build --product claude-trace`"
    return binary


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "python.jsonl"
    spans = write_fixture(path)
    return path, spans, expected_report(spans, path)


def run(cli, *arguments):
    result = subprocess.run([cli, *map(str, arguments)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"claude-trace {' '.join(map(str, arguments))} failed:\n{result.stderr}"
    return result.stdout


def assert_report_matches(report, expected):
    assert report["calls"] == expected["calls"]
    assert report["errors"] == expected["errors"]
    assert report["unpricedCalls"] == expected["unpricedCalls"]
    assert report["tokens"] == expected["tokens"]
    assert report["cost"]["totalUSD"] == pytest.approx(float(expected["cost"]["totalUSD"]), abs=1e-12)
    if "totalNanodollars" in report["cost"]:
        assert report["cost"]["totalNanodollars"] == expected["cost"]["totalNanodollars"]
    for key in ("byModel", "byUser", "byFeature", "byDay"):
        wanted = {name: pytest.approx(float(value), abs=1e-12) for name, value in expected["cost"][key].items()}
        assert report["cost"][key] == wanted, key
    for section in ("latency", "timeToFirstChunk"):
        assert set(report[section]) == set(expected[section]), section
        for model, quantiles in expected[section].items():
            assert report[section][model]["count"] == quantiles["count"]
            for name in ("p50", "p95", "p99"):
                assert report[section][model][name] == pytest.approx(quantiles[name], rel=0.01), (section, model, name)


def test_the_fixture_holds_what_python_wrote(fixture):
    path, spans, _ = fixture
    lines = Path(path).read_text().splitlines()
    assert len(lines) >= 2, "the fixture should span several export batches"
    first = json.loads(lines[0])
    assert first["resourceSpans"][0]["scopeSpans"][0]["scope"]["name"] == "fixture.claude"
    assert sum(len(scope["spans"]) for line in lines for resource in json.loads(line)["resourceSpans"]
               for scope in resource["scopeSpans"]) == len(spans)


def test_report_json_matches_the_values_computed_from_the_spans(cli, fixture):
    path, _, expected = fixture
    report = json.loads(run(cli, "report", "--json", path))
    assert_report_matches(report, expected)
    assert report["file"]["lines"] == expected["file"]["lines"]
    assert report["file"]["badLines"] == 0
    assert report["file"]["truncatedLastLine"] is False


def test_report_counts_a_truncated_last_line_and_keeps_the_rest(cli, fixture, tmp_path):
    path, _, expected = fixture
    cut = tmp_path / "cut.jsonl"
    text = Path(path).read_text()
    cut.write_text(text + '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.na')
    report = json.loads(run(cli, "report", "--json", cut))
    assert_report_matches(report, expected)
    assert report["file"]["badLines"] == 1
    assert report["file"]["truncatedLastLine"] is True


@pytest.mark.parametrize("kind", ["claude.request_id", "anthropic.request_id", "gen_ai.response.id",
                                  "trace id", "trace id (uppercase)", "span id"])
def test_find_prints_the_whole_trace_as_a_tree(cli, fixture, kind):
    path, spans, _ = fixture
    chat = next(span for span in spans if span.attributes.get("gen_ai.response.id") == "msg_01PyFixtureA")
    ids = {"claude.request_id": chat.attributes["claude.request_id"],
           "anthropic.request_id": chat.attributes["anthropic.request_id"],
           "gen_ai.response.id": chat.attributes["gen_ai.response.id"],
           "trace id": format(chat.context.trace_id, "032x"),
           "trace id (uppercase)": format(chat.context.trace_id, "032X"),
           "span id": format(chat.context.span_id, "016x")}
    output = run(cli, "find", ids[kind], path)
    shape = trace_shapes(spans)[chat.context.trace_id]
    # Each span of the trace appears once, in depth-first order, indented by its depth (the
    # tree drawing uses three characters per level); no span of another trace appears.
    span_lines = [line for line in output.splitlines() if re.search(r" \[(internal|server|client|producer|consumer)\] ", line)]
    assert len(span_lines) == len(shape), output
    for line, (depth, name) in zip(span_lines, shape):
        assert line.find(name) == 3 * depth, f"{name!r} at depth {depth} in:\n{output}"
    assert format(chat.context.trace_id, "032x") in output
    assert "req_011PyFixtureD" not in output and "msg_01PyFixtureC" not in output


def test_find_says_when_nothing_matches(cli, fixture):
    path, _, _ = fixture
    result = subprocess.run([cli, "find", "req_not_there", str(path)], capture_output=True, text=True, timeout=120)
    assert "no span matches" in result.stdout + result.stderr


if __name__ == "__main__":
    if "--write-fixtures" not in sys.argv:
        sys.exit(f"usage: python {sys.argv[0]} --write-fixtures")
    FIXTURES.mkdir(exist_ok=True)
    target = FIXTURES / f"{FIXTURE_NAME}.jsonl"
    target.unlink(missing_ok=True)  # the exporter appends
    exported = write_fixture(target)
    (FIXTURES / f"{FIXTURE_NAME}.expected.json").write_text(
        json.dumps(expected_report(exported, target), indent=2, sort_keys=True) + "\n")
    print(f"wrote {target} and its expected report")
