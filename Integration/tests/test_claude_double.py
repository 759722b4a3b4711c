"""Fidelity tests for the Claude API test double, driven by the official `anthropic` SDK.

The double must make the official SDK behave exactly as the real API would: parse messages,
accumulate streams, raise the right exception classes and retry (or not) by the same rules.
Run: cd Integration && python -m pytest -q tests/test_claude_double.py
"""

import importlib
import json
import math
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import anthropic
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from claude_double import server as double  # noqa: E402

try:
    httpx = importlib.import_module("httpx2")  # the transport of anthropic >= 2
except ImportError:  # pragma: no cover
    httpx = importlib.import_module("httpx")

MODEL = "claude-sonnet-4-6"  # the SDK warns on deprecated model names
REQUEST_ID = re.compile(r"^req_[A-Za-z0-9]{24,}$")
WEATHER_TOOL = {"name": "get_weather", "description": "Weather for a place",
                "input_schema": {"type": "object", "properties": {"location": {"type": "string"}}}}
REPLY_SUFFIX = "This is a deterministic reply from the Claude test double."


def sdk_class(name, fallback):
    return getattr(anthropic, name, fallback)


@pytest.fixture(scope="module")
def port():
    server, port = double.start(port=0)
    yield port
    server.shutdown()


@pytest.fixture(autouse=True)
def clean(port):
    http("POST", port, "/double/reset")


@pytest.fixture
def client(port):
    return make_client(port)


def make_client(port, max_retries=0, **kwargs):
    return anthropic.Anthropic(api_key="test-key", base_url=f"http://127.0.0.1:{port}",
                               max_retries=max_retries, **kwargs)


def http(method, port, path, body=None, headers=None):
    """A plain urllib request; returns (status, headers, parsed JSON body)."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, err.headers, json.loads(err.read())


def seen(port):
    """The API requests the double has logged since the last reset."""
    return http("GET", port, "/double/requests")[2]


def user(text):
    return [{"role": "user", "content": text}]


# ---- plain messages ---------------------------------------------------------------------------

def test_plain_create_parses_message_usage_and_request_id(client, port):
    raw = client.messages.with_raw_response.create(model=MODEL, max_tokens=100, messages=user("hello world"))
    msg = raw.parse()
    assert isinstance(msg, anthropic.types.Message)
    assert msg.id.startswith("msg_") and msg.type == "message" and msg.role == "assistant"
    assert msg.model == MODEL
    assert msg.content[0].type == "text"
    assert msg.content[0].text == f"Echo: hello world {REPLY_SUFFIX}"
    assert msg.stop_reason == "end_turn" and msg.stop_sequence is None
    assert msg.usage.input_tokens == math.ceil(len("hello world") / 4)
    assert msg.usage.output_tokens == len(msg.content[0].text.split())
    assert msg.usage.cache_creation_input_tokens == 0 and msg.usage.cache_read_input_tokens == 0
    assert msg.usage.cache_creation.ephemeral_5m_input_tokens == 0
    assert msg.usage.service_tier == "standard"
    assert REQUEST_ID.match(raw.headers["request-id"])
    assert msg._request_id == raw.headers["request-id"]
    for kind in ("requests", "tokens", "input-tokens", "output-tokens"):
        assert int(raw.headers[f"anthropic-ratelimit-{kind}-remaining"]) > 0
    log = seen(port)
    assert len(log) == 1 and log[0]["status"] == 200 and log[0]["scenario"] == "ok"
    assert log[0]["request_id"] == msg._request_id
    assert log[0]["body"]["messages"] == user("hello world")


def test_output_is_deterministic(client):
    a = client.messages.create(model=MODEL, max_tokens=100, system="Be brief.", messages=user("same prompt"))
    b = client.messages.create(model=MODEL, max_tokens=100, system="Be brief.", messages=user("same prompt"))
    assert a.content == b.content and a.usage == b.usage and a.id != b.id
    assert a.usage.input_tokens == math.ceil(len("Be brief.same prompt") / 4)


def test_max_tokens_caps_output(client):
    msg = client.messages.create(model=MODEL, max_tokens=3, messages=user("a long question"))
    assert msg.stop_reason == "max_tokens"
    assert msg.usage.output_tokens == 3
    assert msg.content[0].text == "Echo: a long"


def test_stop_sequence_cuts_reply(client):
    msg = client.messages.create(model=MODEL, max_tokens=100, messages=user("hi"),
                                 stop_sequences=["never-there", "deterministic"])
    assert msg.stop_reason == "stop_sequence"
    assert msg.stop_sequence == "deterministic"
    assert msg.content[0].text == "Echo: hi This is a "
    assert msg.usage.output_tokens == 5


def test_refusal(client):
    msg = client.messages.create(model=MODEL, max_tokens=100, messages=user("please #scenario:refusal"))
    assert msg.stop_reason == "refusal"
    with client.messages.stream(model=MODEL, max_tokens=100, messages=user("x"),
                                extra_headers={"x-double-scenario": "refusal"}) as stream:
        assert stream.get_final_message().stop_reason == "refusal"


# ---- streaming --------------------------------------------------------------------------------

def test_stream_helper_text_and_final_message(client):
    plain = client.messages.create(model=MODEL, max_tokens=100, messages=user("stream me"))
    with client.messages.stream(model=MODEL, max_tokens=100, messages=user("stream me")) as stream:
        chunks = list(stream.text_stream)
        final = stream.get_final_message()
    assert len(chunks) > 3
    assert "".join(chunks) == final.content[0].text == plain.content[0].text
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens == plain.usage.output_tokens > 1  # cumulative, not 1 + n
    assert final.usage.input_tokens == plain.usage.input_tokens
    # a streamed final message has no `_request_id`; the stream object carries it
    assert REQUEST_ID.match(stream.request_id) and stream.request_id == stream.response.headers["request-id"]


def test_raw_sse_events_in_order_including_ping(client):
    with client.messages.with_streaming_response.create(
            model=MODEL, max_tokens=100, messages=user("raw events"), stream=True) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        assert REQUEST_ID.match(resp.headers["request-id"])
        events = list(anthropic.Stream.raw_events(resp.http_response))
    names = [e.event for e in events]
    assert names[0] == "message_start" and names[-2:] == ["message_delta", "message_stop"]
    assert "ping" in names
    body = [n for n in names if n != "ping"]
    assert body[1] == "content_block_start" and body[-3] == "content_block_stop"
    assert set(body[2:-3]) == {"content_block_delta"}
    for event in events:  # every data payload names its own event type
        assert event.json()["type"] == event.event
    start = events[0].json()["message"]
    assert start["content"] == [] and start["stop_reason"] is None
    assert start["usage"]["output_tokens"] == 1
    delta = events[-2].json()
    assert delta["delta"] == {"stop_reason": "end_turn", "stop_sequence": None}
    assert delta["usage"]["output_tokens"] == len(("Echo: raw events " + REPLY_SUFFIX).split())


def test_create_stream_true_yields_typed_events(client):
    # The SDK's own Stream drops `ping` events; the raw test above proves they are sent.
    stream = client.messages.create(model=MODEL, max_tokens=100, messages=user("typed"), stream=True)
    events = list(stream)
    types = [e.type for e in events]
    assert types[0] == "message_start" and types[-1] == "message_stop" and "ping" not in types
    assert types[-2] == "message_delta"
    text = "".join(e.delta.text for e in events if e.type == "content_block_delta")
    assert text == "Echo: typed " + REPLY_SUFFIX
    assert events[-2].usage.output_tokens == len(text.split())


def test_stream_honours_stop_sequence_and_max_tokens(client):
    with client.messages.stream(model=MODEL, max_tokens=100, messages=user("hi"),
                                stop_sequences=["reply"]) as stream:
        final = stream.get_final_message()
    assert (final.stop_reason, final.stop_sequence) == ("stop_sequence", "reply")
    assert final.content[0].text == "Echo: hi This is a deterministic "
    with client.messages.stream(model=MODEL, max_tokens=2, messages=user("hi")) as stream:
        final = stream.get_final_message()
    assert final.stop_reason == "max_tokens" and final.usage.output_tokens == 2


def test_slow_first_token(client):
    start = time.monotonic()
    with client.messages.stream(model=MODEL, max_tokens=100, messages=user("slow"),
                                extra_headers={"x-double-scenario": "slow_first_token",
                                               "x-double-delay-ms": "250"}) as stream:
        first = next(iter(stream.text_stream))
        assert time.monotonic() - start >= 0.2
        assert first == "Echo: "
    start = time.monotonic()
    client.messages.create(model=MODEL, max_tokens=100, messages=user("slow #scenario:slow_first_token"))
    assert time.monotonic() - start >= 0.25


# ---- tools, thinking, caching -----------------------------------------------------------------

def test_tool_use_plain(client):
    msg = client.messages.create(model=MODEL, max_tokens=200, tools=[WEATHER_TOOL, {**WEATHER_TOOL, "name": "other"}],
                                 messages=user("What is the weather like?"))
    assert msg.stop_reason == "tool_use"
    tool = [b for b in msg.content if b.type == "tool_use"]
    assert len(tool) == 1
    assert tool[0].name == "get_weather" and tool[0].id.startswith("toolu_")
    assert tool[0].input == {"location": "Paris"}
    # no tools, or no weather: plain text
    assert client.messages.create(model=MODEL, max_tokens=200, messages=user("weather?")).stop_reason == "end_turn"
    forced = client.messages.create(model=MODEL, max_tokens=200, tools=[WEATHER_TOOL],
                                    tool_choice={"type": "any"}, messages=user("weather in Paris"))
    assert [b.type for b in forced.content] == ["tool_use"]


def test_tool_use_stream_accumulates_input(client):
    with client.messages.stream(model=MODEL, max_tokens=200, tools=[WEATHER_TOOL],
                                messages=user("weather please")) as stream:
        events = list(stream)
        final = stream.get_final_message()
    partials = [e.partial_json for e in events if e.type == "input_json"]
    assert len(partials) > 2
    assert json.loads("".join(partials)) == {"location": "Paris"}
    assert final.stop_reason == "tool_use"
    assert final.content[-1].type == "tool_use" and final.content[-1].input == {"location": "Paris"}


def test_thinking_block_first_plain_and_stream(client):
    kwargs = dict(model=MODEL, max_tokens=2048, thinking={"type": "enabled", "budget_tokens": 1024},
                  messages=user("think about it"))
    plain = client.messages.create(**kwargs)
    assert plain.content[0].type == "thinking" and plain.content[0].signature
    assert plain.content[1].type == "text"
    with client.messages.stream(**kwargs) as stream:
        events = list(stream)
        final = stream.get_final_message()
    assert any(e.type == "thinking" for e in events) and any(e.type == "signature" for e in events)
    assert final.content[0].thinking == plain.content[0].thinking
    assert final.content[0].signature == plain.content[0].signature
    with pytest.raises(anthropic.BadRequestError):  # budget must be below max_tokens
        client.messages.create(**{**kwargs, "max_tokens": 1000})


def test_prompt_cache_creation_then_read(client):
    system = [{"type": "text", "text": "You are a careful assistant. " * 20, "cache_control": {"type": "ephemeral"}}]
    cached = math.ceil(len(system[0]["text"]) / 4)
    first = client.messages.create(model=MODEL, max_tokens=50, system=system, messages=user("question one"))
    assert first.usage.cache_creation_input_tokens == cached
    assert first.usage.cache_read_input_tokens == 0
    assert first.usage.cache_creation.ephemeral_5m_input_tokens == cached
    assert first.usage.input_tokens == math.ceil((len(system[0]["text"]) + len("question one")) / 4) - cached
    second = client.messages.create(model=MODEL, max_tokens=50, system=system, messages=user("question one"))
    assert second.usage.cache_creation_input_tokens == 0
    assert second.usage.cache_read_input_tokens == cached
    assert second.usage.input_tokens == first.usage.input_tokens
    with client.messages.stream(model=MODEL, max_tokens=50, system=system, messages=user("another")) as stream:
        assert stream.get_final_message().usage.cache_read_input_tokens == cached


def test_prompt_cache_one_hour_ttl_in_messages(client):
    messages = [{"role": "user", "content": [
        {"type": "text", "text": "Long document. " * 30, "cache_control": {"type": "ephemeral", "ttl": "1h"}},
        {"type": "text", "text": "Summarise it."}]}]
    first = client.messages.create(model=MODEL, max_tokens=50, messages=messages)
    assert first.usage.cache_creation.ephemeral_1h_input_tokens == first.usage.cache_creation_input_tokens > 0
    assert first.usage.cache_creation.ephemeral_5m_input_tokens == 0
    second = client.messages.create(model=MODEL, max_tokens=50, messages=messages)
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens


# ---- errors -----------------------------------------------------------------------------------

ERROR_CASES = [
    ("bad_request", 400, "BadRequestError", "invalid_request_error"),
    ("context_too_long", 400, "BadRequestError", "invalid_request_error"),
    ("auth", 401, "AuthenticationError", "authentication_error"),
    ("billing", 402, "PaymentRequiredError", "billing_error"),
    ("permission", 403, "PermissionDeniedError", "permission_error"),
    ("not_found", 404, "NotFoundError", "not_found_error"),
    ("request_timeout", 408, "RequestTimeoutError", "timeout_error"),
    ("conflict", 409, "ConflictError", "conflict_error"),
    ("too_large", 413, "ContentTooLargeError", "request_too_large"),
    ("rate_limit", 429, "RateLimitError", "rate_limit_error"),
    ("server_error", 500, "InternalServerError", "api_error"),
    ("unavailable", 503, "ServiceUnavailableError", "api_error"),
    ("gateway_timeout", 504, "GatewayTimeoutError", "timeout_error"),
    ("overloaded", 529, "OverloadedError", "overloaded_error"),
]


@pytest.mark.parametrize("scenario,status,class_name,error_type", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_error_status_maps_to_sdk_exception(client, port, scenario, status, class_name, error_type):
    fallback = anthropic.InternalServerError if status >= 500 else anthropic.APIStatusError
    expected = sdk_class(class_name, fallback)
    with pytest.raises(expected) as info:
        client.messages.create(model=MODEL, max_tokens=10, messages=user("hi"),
                               extra_headers={"x-double-scenario": scenario})
    err = info.value
    assert isinstance(err, anthropic.APIStatusError)
    assert err.status_code == status
    assert REQUEST_ID.match(err.request_id)
    assert err.body["type"] == "error" and err.body["error"]["type"] == error_type
    assert err.body["request_id"] == err.request_id
    if status >= 500:
        assert isinstance(err, anthropic.InternalServerError)  # every 5xx, 529 included
    if scenario == "context_too_long":
        assert err.body["error"]["message"] == "prompt is too long: 210000 tokens > 200000 maximum"
    if scenario == "rate_limit":
        assert err.response.headers["retry-after"] == "1"
    log = seen(port)
    assert len(log) == 1 and log[0]["status"] == status and log[0]["request_id"] == err.request_id


def test_scenario_from_message_token_and_in_streams(client):
    with pytest.raises(anthropic.RateLimitError):
        client.messages.create(model=MODEL, max_tokens=10, messages=user("go #scenario:rate_limit"))
    with pytest.raises(sdk_class("OverloadedError", anthropic.InternalServerError)) as info:
        with client.messages.stream(model=MODEL, max_tokens=10, messages=user("go #scenario:overloaded")) as s:
            s.get_final_message()
    assert info.value.status_code == 529
    with pytest.raises(anthropic.BadRequestError, match="unknown double scenario"):
        client.messages.create(model=MODEL, max_tokens=10, messages=user("#scenario:no_such_thing"))


def test_stream_error_event_raises_while_iterating(client):
    received = []
    with pytest.raises(anthropic.APIStatusError) as info:
        with client.messages.stream(model=MODEL, max_tokens=100, messages=user("x #scenario:stream_error")) as s:
            for text in s.text_stream:
                received.append(text)
    err = info.value
    assert received == ["Echo: "]
    # The HTTP status was 200: the SDK builds a plain APIStatusError and keeps the error type.
    assert err.status_code == 200
    assert err.body["error"]["type"] == "overloaded_error"
    assert getattr(err, "type", err.body["error"]["type"]) == "overloaded_error"
    assert REQUEST_ID.match(err.request_id)


def test_stream_drop_raises_transport_error(client):
    received = []
    with pytest.raises((httpx.TransportError, anthropic.APIConnectionError)):
        with client.messages.stream(model=MODEL, max_tokens=100, messages=user("x #scenario:stream_drop")) as s:
            for text in s.text_stream:
                received.append(text)
    assert received and received[0] == "Echo: "
    with pytest.raises(anthropic.APIConnectionError):  # a plain call gets a truncated body
        client.messages.create(model=MODEL, max_tokens=100, messages=user("x #scenario:stream_drop"))


def test_hang_times_out(client):
    with pytest.raises(anthropic.APITimeoutError):
        client.messages.create(model=MODEL, max_tokens=10, messages=user("#scenario:hang"), timeout=0.3)


def test_hang_ends_on_shutdown():
    server, port = double.start(port=0)
    outcome = {}

    def call():
        try:
            make_client(port).messages.create(model=MODEL, max_tokens=10, messages=user("#scenario:hang"), timeout=30)
        except Exception as err:  # noqa: BLE001
            outcome["error"] = err

    worker = threading.Thread(target=call)
    worker.start()
    while not seen(port):
        time.sleep(0.02)
    server.shutdown()
    worker.join(20)
    assert not worker.is_alive()
    assert isinstance(outcome.get("error"), anthropic.APIConnectionError)


# ---- retries ----------------------------------------------------------------------------------

def test_fail_once_429_then_retry_succeeds(port):
    msg = make_client(port, max_retries=2).messages.create(
        model=MODEL, max_tokens=10, messages=user("retry me"), extra_headers={"x-double-scenario": "fail_once:429"})
    assert msg.stop_reason in ("end_turn", "max_tokens")
    log = seen(port)
    assert [e["status"] for e in log] == [429, 200]
    assert log[0]["body"] == log[1]["body"]
    assert [e["headers"].get("x-stainless-retry-count") for e in log] == ["0", "1"]


def test_fail_twice_529_needs_two_retries(port):
    msg = make_client(port, max_retries=2).messages.create(
        model=MODEL, max_tokens=10, messages=user("again #scenario:fail_twice:529"))
    assert msg.content
    assert [e["status"] for e in seen(port)] == [529, 529, 200]


def test_fail_twice_503_exhausts_one_retry(port):
    with pytest.raises(sdk_class("ServiceUnavailableError", anthropic.InternalServerError)):
        make_client(port, max_retries=1).messages.create(
            model=MODEL, max_tokens=10, messages=user("again #scenario:fail_twice:503"))
    assert [e["status"] for e in seen(port)] == [503, 503]


def test_no_retry_header_is_obeyed(port):
    with pytest.raises(anthropic.InternalServerError) as info:
        make_client(port, max_retries=2).messages.create(
            model=MODEL, max_tokens=10, messages=user("x"), extra_headers={"x-double-scenario": "no_retry:500"})
    assert info.value.response.headers["x-should-retry"] == "false"
    assert len(seen(port)) == 1


def test_sdk_retries_409_but_not_400(port):
    with pytest.raises(anthropic.ConflictError):
        make_client(port, max_retries=1).messages.create(model=MODEL, max_tokens=10, messages=user("#scenario:conflict"))
    assert len(seen(port)) == 2
    http("POST", port, "/double/reset")
    with pytest.raises(anthropic.BadRequestError):
        make_client(port, max_retries=2).messages.create(model=MODEL, max_tokens=10, messages=user("#scenario:bad_request"))
    assert len(seen(port)) == 1


def test_retry_after_ms_is_honoured(port):
    start = time.monotonic()
    make_client(port, max_retries=2).messages.create(
        model=MODEL, max_tokens=10, messages=user("x"), extra_headers={"x-double-scenario": "retry_after_ms:200"})
    assert time.monotonic() - start >= 0.15
    log = seen(port)
    assert [e["status"] for e in log] == [429, 200]


def test_reset_clears_fail_once_counters(client, port):
    kwargs = dict(model=MODEL, max_tokens=10, messages=user("x"), extra_headers={"x-double-scenario": "fail_once:500"})
    with pytest.raises(anthropic.InternalServerError):
        client.messages.create(**kwargs)
    assert client.messages.create(**kwargs).content
    http("POST", port, "/double/reset")
    assert seen(port) == []
    with pytest.raises(anthropic.InternalServerError):
        client.messages.create(**kwargs)


# ---- validation and credentials ---------------------------------------------------------------

def test_missing_and_bad_key_are_401_and_never_logged(client, port):
    with pytest.raises(anthropic.AuthenticationError) as info:
        client.messages.create(model=MODEL, max_tokens=10, messages=user("hi"),
                               extra_headers={"Authorization": anthropic.omit})
    assert info.value.body["error"]["type"] == "authentication_error"
    bad = anthropic.Anthropic(api_key="bad-key", base_url=f"http://127.0.0.1:{port}", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError):
        bad.messages.create(model=MODEL, max_tokens=10, messages=user("hi"))
    # the x-api-key header (what the API documents and the Swift client sends) is accepted too
    xkey = anthropic.Anthropic(api_key="test-key", base_url=f"http://127.0.0.1:{port}", max_retries=0,
                               default_headers={"x-api-key": "secret-xkey", "Authorization": anthropic.omit})
    assert xkey.messages.create(model=MODEL, max_tokens=10, messages=user("hi")).content
    client.messages.create(model=MODEL, max_tokens=10, messages=user("hi"))
    log = seen(port)
    assert [e["status"] for e in log] == [401, 401, 200, 200]
    dumped = json.dumps(log)
    for secret in ("test-key", "bad-key", "secret-xkey"):
        assert secret not in dumped
    assert log[2]["headers"]["x-api-key"] == "<redacted>"
    assert log[3]["headers"]["authorization"] == "<redacted>"


def test_missing_version_and_malformed_bodies_are_400(client, port):
    with pytest.raises(anthropic.BadRequestError, match="anthropic-version"):
        client.messages.create(model=MODEL, max_tokens=10, messages=user("hi"),
                               extra_headers={"anthropic-version": anthropic.omit})
    with pytest.raises(anthropic.BadRequestError, match="max_tokens"):
        client.messages.create(model=MODEL, max_tokens=0, messages=user("hi"))
    with pytest.raises(anthropic.BadRequestError, match="messages"):
        client.messages.create(model=MODEL, max_tokens=10, messages=[])
    with pytest.raises(anthropic.BadRequestError, match="role"):
        client.messages.create(model=MODEL, max_tokens=10, messages=[{"role": "system", "content": "x"}])
    headers = {"x-api-key": "k", "anthropic-version": "2023-06-01", "content-type": "application/json"}
    status, resp_headers, body = http("POST", port, "/v1/messages", b"{not json", headers)
    assert status == 400 and body["error"]["type"] == "invalid_request_error"
    assert REQUEST_ID.match(resp_headers["request-id"]) and body["request_id"] == resp_headers["request-id"]
    status, _, body = http("POST", port, "/v1/messages", {"model": MODEL, "messages": user("x")}, headers)
    assert status == 400 and "max_tokens" in body["error"]["message"]


def test_unknown_path_is_404(client, port):
    with pytest.raises(anthropic.NotFoundError) as info:
        client.post("/v1/nothing-here", body={}, cast_to=object)
    assert info.value.body["error"]["type"] == "not_found_error"
    status, headers, body = http("GET", port, "/v1/messages")
    assert status == 404 and REQUEST_ID.match(headers["request-id"])


# ---- the command line -------------------------------------------------------------------------

def test_cli_prints_listening_port():
    script = os.path.join(os.path.dirname(double.__file__), "server.py")
    proc = subprocess.Popen([sys.executable, script, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        match = re.fullmatch(r"LISTENING (\d+)\n", line)
        assert match, line
        msg = make_client(int(match.group(1))).messages.create(model=MODEL, max_tokens=50, messages=user("cli"))
        assert msg.content[0].text.startswith("Echo: cli")
    finally:
        proc.terminate()
        proc.wait(10)
