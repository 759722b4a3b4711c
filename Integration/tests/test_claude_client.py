"""The Swift ClaudeClient against the Claude API test double, over real HTTP.

The probe (`integration-probe claude-calls`, Integration/Probe/ClaudeProbe.swift) runs a scripted
set of calls against the double: plain and streamed, every error category the double can
produce, retries, cancellation, a dropped stream. It writes every finished span as one JSON line
and one result line per case; these tests check them attribute by attribute, recompute every
cost from reference/pricing.md, and compare with what the double received.

Run: cd Integration && PROBE_BIN=…/integration-probe python -m pytest -q tests/test_claude_client.py
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import urllib.request
from dataclasses import dataclass

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from claude_double import server as double  # noqa: E402

KEY = "sk-ant-probe-" + secrets.token_hex(16)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
REQUEST_ID = re.compile(r"^req_[A-Za-z0-9]{24,}$")
CLIENT, ERROR = 3, 2  # OTLP span kind and status codes

# reference/pricing.md, USD per million tokens: input, 5-minute write, 1-hour write, read, output.
PRICES = {
    "claude-sonnet-4-6": (3, 3.75, 6, 0.30, 15),
    "claude-opus-4-5-20251101": (5, 6.25, 10, 0.50, 25),
}


def expected_cost(model, usage):
    """The cost formula of reference/pricing.md, from the response's usage."""
    base, w5m, w1h, read, out = PRICES[model]
    created = usage.get("cache_creation_input_tokens", 0)
    breakdown = usage.get("cache_creation")
    if breakdown:
        writes_5m, writes_1h = breakdown["ephemeral_5m_input_tokens"], breakdown["ephemeral_1h_input_tokens"]
    else:
        writes_5m, writes_1h = created, 0
    return (usage["input_tokens"] * base + writes_5m * w5m + writes_1h * w1h
            + usage.get("cache_read_input_tokens", 0) * read + usage["output_tokens"] * out) / 1_000_000


@dataclass
class Run:
    spans: list
    results: dict
    stdout: str
    stderr: str
    seen: list
    raw: str

    def case_span(self, case):
        return next(s for s in self.spans if s["name"] == f"case {case}")

    def chat(self, case):
        """The chat span under the case's root span (exactly one per case)."""
        root = self.case_span(case)
        children = [s for s in self.spans if s["parentSpanId"] == root["spanId"]]
        assert len(children) == 1, f"{case}: {len(children)} chat spans"
        return children[0]

    def requests_for(self, text):
        return [r for r in self.seen if text in json.dumps(r["body"])]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    probe = os.environ.get("PROBE_BIN")
    if not probe or not os.path.exists(probe):
        pytest.fail("PROBE_BIN does not name the built integration-probe (run Integration/run.sh)")
    server, port = double.start(port=0)
    out = tmp_path_factory.mktemp("claude")
    try:
        proc = subprocess.run(
            [probe, "claude-calls", "--base-url", f"http://127.0.0.1:{port}", "--out", str(out / "spans.jsonl"),
             "--results", str(out / "results.jsonl"), "--closed-port", str(free_port())],
            env={**os.environ, "CLAUDE_PROBE_API_KEY": KEY}, capture_output=True, text=True, timeout=240)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/double/requests", timeout=10) as response:
            seen = json.loads(response.read())
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    raw = (out / "spans.jsonl").read_text() + (out / "results.jsonl").read_text()
    spans = [json.loads(line) for line in (out / "spans.jsonl").read_text().splitlines()]
    results = {r["case"]: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}
    return Run(spans, results, proc.stdout, proc.stderr, seen, raw)


SUCCESSES = ["plain_cache_write", "plain_cache_read", "plain_1h_dated_id", "plain_tool", "plain_unknown_price",
             "plain_refusal", "plain_capture", "stream_thinking", "stream_tool", "stream_slow_first_token",
             "retry_then_success", "retry_twice_then_success", "retry_after_ms"]

# case -> (category, HTTP status, error.type)
FAILURES = {
    "error_rate_limit": ("rate_limit", 429, "rate_limit_error"),
    "error_overloaded": ("overloaded", 529, "overloaded_error"),
    "error_server_error": ("server_error", 500, "api_error"),
    "error_unavailable": ("server_error", 503, "api_error"),
    "error_gateway_timeout": ("timeout", 504, "timeout_error"),
    "error_request_timeout": ("timeout", 408, "timeout_error"),
    "error_conflict": ("unknown", 409, "conflict_error"),
    "error_bad_request": ("invalid_request", 400, "invalid_request_error"),
    "error_too_large": ("invalid_request", 413, "request_too_large"),
    "error_context_too_long": ("context_too_long", 400, "invalid_request_error"),
    "error_auth": ("auth_error", 401, "authentication_error"),
    "auth_bad_key": ("auth_error", 401, "authentication_error"),
    "error_permission": ("permission", 403, "permission_error"),
    "error_not_found": ("not_found", 404, "not_found_error"),
    "error_billing": ("unknown", 402, "billing_error"),
    "retries_exhausted": ("overloaded", 529, "overloaded_error"),
    "no_retry_header": ("server_error", 503, "api_error"),
    "stream_error_event": ("overloaded", 200, "overloaded_error"),
    "stream_dropped": ("connection", 200, "connection"),
    "plain_body_dropped": ("connection", 200, "connection"),
    "timeout_client": ("timeout", None, "timeout"),
    "connection_refused": ("connection", None, "connection"),
    "budget_blocked": ("budget_exceeded", None, "budget_exceeded"),
    "cancelled": ("cancelled", None, "cancelled"),
    "stream_cancelled": ("cancelled", None, "cancelled"),
}


def test_every_case_ran_and_every_call_is_one_client_span_under_its_case(run):
    assert set(SUCCESSES) | set(FAILURES) | {"stream_abandoned"} <= set(run.results)
    for case in run.results:
        chat = run.chat(case)
        root = run.case_span(case)
        model = chat["attributes"]["gen_ai.request.model"]
        assert chat["name"] == f"chat {model}"
        assert chat["kind"] == CLIENT
        assert chat["traceId"] == root["traceId"]
        attributes = chat["attributes"]
        assert attributes["gen_ai.operation.name"] == "chat"
        assert attributes["gen_ai.provider.name"] == "anthropic"
        assert "gen_ai.system" not in attributes
        assert UUID.match(attributes["claude.request_id"])
        assert attributes["gen_ai.request.max_tokens"] > 0
        assert attributes["server.address"] == "127.0.0.1"
        assert isinstance(attributes["server.port"], (int, float)) and attributes["server.port"] > 0


def test_a_plain_call_records_request_response_usage_ids_and_rate_limits(run):
    result = run.results["plain_cache_write"]
    a = run.chat("plain_cache_write")["attributes"]
    assert run.chat("plain_cache_write")["status"] == {"code": 0}
    assert a["gen_ai.request.model"] == "claude-sonnet-4-6"
    assert a["gen_ai.request.temperature"] == 0.2
    assert a["gen_ai.request.top_p"] == 0.9
    assert a["gen_ai.request.top_k"] == 50
    assert "gen_ai.request.stream" not in a
    assert a["user.id"] == "u-42"
    assert a["claude.feature"] == "ticket-summary"
    assert a["claude.request_id"] == result["request_id"]
    assert a["anthropic.request_id"] == result["server_request_id"]
    assert REQUEST_ID.match(a["anthropic.request_id"])
    assert a["gen_ai.response.id"] == result["id"] and result["id"].startswith("msg_")
    assert a["gen_ai.response.model"] == "claude-sonnet-4-6"
    assert a["gen_ai.response.finish_reasons"] == ["stop"]
    assert a["anthropic.stop_reason"] == "end_turn"
    usage = result["usage"]
    assert usage["cache_creation_input_tokens"] > 0 and usage["cache_read_input_tokens"] == 0
    assert a["gen_ai.usage.input_tokens"] == usage["input_tokens"] + usage["cache_creation_input_tokens"]
    assert a["gen_ai.usage.cache_creation.input_tokens"] == usage["cache_creation_input_tokens"]
    assert a["gen_ai.usage.cache_read.input_tokens"] == 0
    assert a["gen_ai.usage.output_tokens"] == usage["output_tokens"]
    assert a["anthropic.service_tier"] == "standard"
    assert a["http.response.status_code"] == 200
    assert a["claude.retries"] == 0
    for kind, limit in (("requests", 4000), ("tokens", 2000000), ("input_tokens", 1600000), ("output_tokens", 400000)):
        assert a[f"anthropic.ratelimit.{kind}.remaining"] == limit - 1
    assert "error.type" not in a and "claude.error.category" not in a
    # The double logged the request under the same server request id.
    logged = next(r for r in run.seen if r["request_id"] == result["server_request_id"])
    assert logged["status"] == 200


def test_the_second_identical_call_reads_the_prompt_cache(run):
    first, second = run.results["plain_cache_write"]["usage"], run.results["plain_cache_read"]["usage"]
    assert second["cache_read_input_tokens"] == first["cache_creation_input_tokens"]
    assert second["cache_creation_input_tokens"] == 0
    a = run.chat("plain_cache_read")["attributes"]
    assert a["gen_ai.usage.cache_read.input_tokens"] == second["cache_read_input_tokens"]
    assert a["gen_ai.usage.input_tokens"] == second["input_tokens"] + second["cache_read_input_tokens"]


@pytest.mark.parametrize("case", ["plain_cache_write", "plain_cache_read", "plain_1h_dated_id", "plain_tool", "plain_refusal",
                                  "plain_capture", "stream_thinking", "stream_tool", "stream_slow_first_token",
                                  "retry_then_success", "retry_twice_then_success", "retry_after_ms"])
def test_costs_match_the_pricing_table_to_a_fraction_of_a_cent(case, run):
    result = run.results[case]
    a = run.chat(case)["attributes"]
    expected = expected_cost(result["model"], result["usage"])
    assert abs(a["claude.cost.usd"] - expected) < 1e-12
    assert abs(result["cost_usd"] - expected) < 1e-12
    assert a["claude.cost.picodollars"] == round(expected * 1e12)
    assert "claude.cost.price_unknown" not in a


def test_one_hour_cache_writes_and_dated_ids_are_priced_by_their_row(run):
    result = run.results["plain_1h_dated_id"]
    assert result["model"] == "claude-opus-4-5-20251101"
    breakdown = result["usage"]["cache_creation"]
    assert breakdown["ephemeral_1h_input_tokens"] > 0 and breakdown["ephemeral_5m_input_tokens"] == 0
    a = run.chat("plain_1h_dated_id")["attributes"]
    assert a["gen_ai.response.finish_reasons"] == ["stop"]
    assert a["anthropic.stop_reason"] == "stop_sequence"
    # Priced at $10/MTok for the 1-hour writes, not the 5-minute $6.25.
    assert abs(a["claude.cost.usd"] - expected_cost("claude-opus-4-5-20251101", result["usage"])) < 1e-12


def test_an_unknown_model_has_no_cost_and_says_so(run):
    a = run.chat("plain_unknown_price")["attributes"]
    assert "claude.cost.usd" not in a and "claude.cost.picodollars" not in a
    assert a["claude.cost.price_unknown"] is True
    assert run.results["plain_unknown_price"]["cost_usd"] is None


def test_finish_reasons_are_mapped(run):
    assert run.chat("plain_tool")["attributes"]["gen_ai.response.finish_reasons"] == ["tool_call"]
    assert run.results["plain_tool"]["content_types"] == ["text", "tool_use"]
    assert run.chat("plain_refusal")["attributes"]["gen_ai.response.finish_reasons"] == ["content_filter"]
    assert run.chat("plain_refusal")["attributes"]["anthropic.stop_reason"] == "refusal"


def test_streams_record_time_to_first_chunk_and_assemble_the_message(run):
    for case in ("stream_thinking", "stream_tool", "stream_slow_first_token"):
        result, a = run.results[case], run.chat(case)["attributes"]
        assert a["gen_ai.request.stream"] is True
        assert 0 < a["gen_ai.response.time_to_first_chunk"] < 10
        assert a["gen_ai.usage.output_tokens"] == result["usage"]["output_tokens"]
        events = result["events"]
        assert events[0] == "message_start" and events[-1] == "message_stop"
        assert "ping" in events and "message_delta" in events
    assert run.results["stream_thinking"]["content_types"] == ["thinking", "text"]
    assert run.results["stream_thinking"]["text"] == run.results["stream_thinking"]["streamed_text"]
    assert run.results["stream_tool"]["content_types"] == ["text", "tool_use"]
    assert run.chat("stream_tool")["attributes"]["gen_ai.response.finish_reasons"] == ["tool_call"]
    # The double waits 300 ms before the first delta.
    assert run.chat("stream_slow_first_token")["attributes"]["gen_ai.response.time_to_first_chunk"] >= 0.3
    assert run.chat("stream_thinking")["attributes"]["gen_ai.response.time_to_first_chunk"] < 0.3


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_every_failure_is_typed_and_fails_its_span(case, run):
    category, status, error_type = FAILURES[case]
    error = run.results[case]["error"]
    span = run.chat(case)
    a = span["attributes"]
    assert run.results[case]["ok"] is False
    assert error["category"] == category
    assert error["status"] == status
    assert a["claude.error.category"] == category
    assert a["error.type"] == error_type
    assert a.get("http.response.status_code") == status
    assert span["status"]["code"] == ERROR
    assert category in span["status"]["message"]
    assert a["claude.request_id"] == error["request_id"]
    exception = [e for e in span["events"] if e["name"] == "exception"]
    assert len(exception) == 1 and exception[0]["attributes"]["exception.type"] == "ClaudeError"
    if status is not None:
        assert a["anthropic.request_id"] == error["server_request_id"]
        assert REQUEST_ID.match(error["server_request_id"])


def test_a_retried_then_successful_call_is_not_an_error_and_shows_each_attempt(run):
    span = run.chat("retry_then_success")
    assert span["status"] == {"code": 0}
    assert span["attributes"]["claude.retries"] == 1
    (retry,) = [e for e in span["events"] if e["name"] == "retry"]
    assert retry["attributes"]["claude.retry.attempt"] == 1
    assert retry["attributes"]["http.response.status_code"] == 529
    assert retry["attributes"]["error.type"] == "overloaded_error"
    # retry-after: 0 is not a wait: the SDK backoff, 0.5 s less up to 25 % jitter.
    assert 375 <= retry["attributes"]["claude.retry.delay_ms"] <= 500
    assert len(run.requests_for("Retry once")) == 2

    span = run.chat("retry_twice_then_success")
    retries = [e["attributes"] for e in span["events"] if e["name"] == "retry"]
    assert [r["claude.retry.attempt"] for r in retries] == [1, 2]
    assert [r["http.response.status_code"] for r in retries] == [429, 429]
    assert 750 <= retries[1]["claude.retry.delay_ms"] <= 1000
    assert span["attributes"]["claude.retries"] == 2
    assert len(run.requests_for("Retry twice")) == 3


def test_retry_after_ms_is_honoured(run):
    (retry,) = [e for e in run.chat("retry_after_ms")["events"] if e["name"] == "retry"]
    assert retry["attributes"]["claude.retry.delay_ms"] == 200


def test_retries_stop_after_two_and_x_should_retry_false_forbids_them(run):
    span = run.chat("retries_exhausted")
    assert len([e for e in span["events"] if e["name"] == "retry"]) == 2
    assert span["attributes"]["claude.retries"] == 2
    assert run.results["retries_exhausted"]["error"]["retries"] == 2
    assert len(run.requests_for("Always busy")) == 3
    span = run.chat("no_retry_header")
    assert not [e for e in span["events"] if e["name"] == "retry"]
    assert len(run.requests_for("Do not retry")) == 1


def test_error_categories_that_are_never_retried_made_one_request(run):
    for text in ("#scenario:bad_request", "#scenario:auth", "#scenario:permission", "#scenario:not_found",
                 "#scenario:context_too_long"):
        assert len(run.requests_for(text)) == 1


def test_an_error_inside_a_stream_and_a_dropped_stream_keep_what_arrived(run):
    result = run.results["stream_error_event"]
    assert result["events"][0] == "message_start" and "content_block_delta" in result["events"]
    assert result["error"]["during_stream"] is True
    a = run.chat("stream_error_event")["attributes"]
    assert a["gen_ai.response.id"].startswith("msg_")
    result = run.results["stream_dropped"]
    assert result["events"].count("content_block_delta") == 3
    assert result["error"]["during_stream"] is True
    # A plain answer cut mid-body is retried, like any connection failure.
    assert len(run.requests_for("#scenario:stream_drop")) == 1 + 2


def test_an_abandoned_stream_still_ends_its_span(run):
    span = run.chat("stream_abandoned")
    assert span["status"] == {"code": 0}
    a = span["attributes"]
    assert a["claude.stream.abandoned"] is True
    assert a["claude.request_id"] == run.results["stream_abandoned"]["request_id"]
    assert a["gen_ai.usage.input_tokens"] > 0
    assert "gen_ai.response.time_to_first_chunk" in a


def test_a_blocked_call_is_never_sent(run):
    assert not run.requests_for("Over budget")
    a = run.chat("budget_blocked")["attributes"]
    assert a["claude.budget.limit"] == "per_user_daily"
    assert a["user.id"] == "u-budget"


def test_requests_on_the_wire_are_the_messages_api(run):
    for request in run.seen:
        headers = request["headers"]
        assert request["method"] == "POST" and request["path"] == "/v1/messages"
        assert headers["anthropic-version"] == "2023-06-01"
        assert headers["content-type"] == "application/json"
        assert headers["x-api-key"] == "<redacted>"
    plain = run.requests_for("Summarize ticket T-1")[0]["body"]
    assert plain["model"] == "claude-sonnet-4-6" and plain["max_tokens"] == 256
    assert "stream" not in plain
    assert plain["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert plain["metadata"] == {"user_id": "u-42"}
    assert plain["messages"] == [{"role": "user", "content": [{"type": "text", "text": "Summarize ticket T-1: the parcel arrived late."}]}]
    assert run.requests_for("Classify ticket T-2")[0]["body"]["system"][0]["cache_control"] == {"type": "ephemeral", "ttl": "1h"}
    streamed = run.requests_for("Think, then greet")[0]
    assert streamed["body"]["stream"] is True
    assert streamed["body"]["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    assert streamed["headers"]["accept"] == "text/event-stream"
    tool = run.requests_for("What is the weather in Paris?")[0]["body"]
    assert tool["tools"][0]["name"] == "get_weather" and tool["tools"][0]["input_schema"]["type"] == "object"


def test_content_is_captured_only_when_opted_in(run):
    a = run.chat("plain_capture")["attributes"]
    assert json.loads(a["gen_ai.input.messages"]) == [{"role": "user", "parts": [{"type": "text", "content": "Capture me please"}]}]
    output = json.loads(a["gen_ai.output.messages"])
    assert output[0]["role"] == "assistant" and output[0]["finish_reason"] == "stop"
    assert output[0]["parts"][0]["content"] == run.results["plain_capture"]["text"]
    for case in run.results:
        if case != "plain_capture":
            attributes = run.chat(case)["attributes"]
            assert not {"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions"} & set(attributes)
    assert "parcel arrived late" not in json.dumps(run.spans)


def test_the_api_key_never_appears_anywhere(run):
    for text in (run.raw, run.stdout, run.stderr, json.dumps(run.seen)):
        assert KEY not in text
        assert KEY[len("sk-ant-probe-"):] not in text


def test_a_huge_retry_after_past_the_deadline_fails_at_once_with_the_category_it_would_retry(run):
    result = run.results["retry_after_huge"]
    assert result["ok"] is False
    assert result["error"]["category"] == "overloaded" and result["error"]["retries"] == 0
    assert result["elapsedSeconds"] < 5
    assert len(run.requests_for("Park me")) == 1
    chat = run.chat("retry_after_huge")
    assert chat["attributes"]["claude.error.category"] == "overloaded"


def test_a_server_echoing_the_key_in_request_id_id_and_model_leaks_nothing(run):
    result = run.results["echo_key"]
    assert result["ok"] is True
    attributes = run.chat("echo_key")["attributes"]
    assert attributes["anthropic.request_id"] == "req_<redacted>"
    assert attributes["gen_ai.response.id"] == "msg_<redacted>"
    assert attributes["gen_ai.response.model"].endswith("-<redacted>")
    # test_the_api_key_never_appears_anywhere checks every output of the run for the key.
