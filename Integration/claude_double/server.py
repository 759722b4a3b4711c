"""A test double of the Anthropic Messages API (Python 3 standard library only).

Run:     python3 server.py --port 0      -> binds 127.0.0.1, prints "LISTENING <port>"
Import:  server, port = start(port=0)    -> serves in a background thread; server.shutdown()

Endpoints
  POST /v1/messages       the Messages API (plain JSON or SSE with "stream": true)
  GET  /double/requests   JSON list of API requests seen (credentials redacted)
  POST /double/reset      clears that log, the fail_once/retry counters and the prompt cache
  anything else           404 not_found_error

Validation (as the real API): a key is required, in `x-api-key: K` or `authorization: Bearer K`
(the official Python SDK 2.x sends the latter); a missing key or the key `bad-key` -> 401.
`anthropic-version` missing -> 400. Body needs `model` (string), `max_tokens` (int > 0) and
`messages` (non-empty list of {role, content}); anything malformed -> 400 invalid_request_error.

Behaviour is deterministic: the reply is "Echo: <first 60 chars of the last user message> ...",
input_tokens = ceil(prompt chars / 4) (at least 1; tools, system and messages all count),
output_tokens = words in the reply (capped at max_tokens -> stop_reason max_tokens).
`stop_sequences` cut the reply (stop_reason stop_sequence). With `tools` and the word "weather"
in the last user message the answer is a tool_use {"location": "Paris"} (stop_reason tool_use).
`thinking: {"type": "enabled", "budget_tokens": N}` (1024 <= N < max_tokens; or "adaptive") adds a thinking
block first. Prompt caching: the prefix up to the last block carrying `cache_control` is
reported as cache_creation_input_tokens the first time it is seen, cache_read_input_tokens
afterwards, and is not counted in input_tokens.

Scenarios come from the `x-double-scenario` header or else a `#scenario:NAME` token in the
last user message:
  ok (default)          normal answer
  slow_first_token      wait `x-double-delay-ms` (or slow_first_token:MS, default 300 ms) before
                        the first content delta (streams) or before answering (plain calls)
  rate_limit 429 (retry-after: 1)   overloaded 529     server_error 500   unavailable 503
  gateway_timeout 504   request_timeout 408   conflict 409   bad_request 400
  context_too_long 400 "prompt is too long: 210000 tokens > 200000 maximum"
  auth 401   permission 403   not_found 404   too_large 413   billing 402
  fail_once:STATUS / fail_twice:STATUS   the first 1 / 2 times this exact body is seen, answer
                        STATUS (retry-after: 0 on 429/503/529), then answer normally
  no_retry:STATUS       STATUS with `x-should-retry: false`
  retry_after_ms:MS     429 with `retry-after-ms: MS` the first time this body is seen, then ok
  stream_error          200 stream: message_start, one block start, one delta, then an `error`
                        event (overloaded_error) and the end of the stream; plain calls get 529
  stream_drop           200 stream: message_start and a few deltas, then the socket closes
                        mid-body (the chunked body is never terminated); plain calls get a
                        truncated body
  hang                  never answer (up to 60 s, ends promptly on server shutdown)
  refusal               200 answer with stop_reason refusal
  retry_after_huge      529 with `retry-after: 99999999` the first time this body is seen, then ok
  echo_key              a hostile server: 200 answer whose `request-id` header, message id and
                        model echo the caller's x-api-key
Every response has `request-id: req_...`; successes also carry anthropic-ratelimit-* headers.
Streams use chunked transfer encoding, one chunk per event.
"""

import argparse
import base64
import hashlib
import json
import math
import re
import signal
import socket
import sys
import threading
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ERROR_TYPES = {
    400: "invalid_request_error", 401: "authentication_error", 402: "billing_error",
    403: "permission_error", 404: "not_found_error", 408: "timeout_error",
    409: "conflict_error", 413: "request_too_large", 429: "rate_limit_error",
    500: "api_error", 503: "api_error", 504: "timeout_error", 529: "overloaded_error",
}
ERROR_MESSAGES = {
    400: "Invalid request", 401: "invalid x-api-key", 402: "Your credit balance is too low",
    403: "Your API key does not have permission to use the specified resource",
    404: "Not found", 408: "Request timeout", 409: "Conflict",
    413: "Request exceeds the maximum allowed number of bytes", 429: "Rate limit exceeded",
    500: "Internal server error", 503: "Service unavailable", 504: "Gateway timeout",
    529: "Overloaded",
}
SIMPLE_SCENARIOS = {  # name -> (status, message or None for the default)
    "rate_limit": (429, None), "overloaded": (529, None), "server_error": (500, None),
    "unavailable": (503, None), "gateway_timeout": (504, None), "request_timeout": (408, None),
    "conflict": (409, None), "bad_request": (400, None),
    "context_too_long": (400, "prompt is too long: 210000 tokens > 200000 maximum"),
    "auth": (401, None), "permission": (403, None), "not_found": (404, None),
    "too_large": (413, None), "billing": (402, None),
}
ARG_SCENARIOS = {"fail_once", "fail_twice", "no_retry", "retry_after_ms", "slow_first_token"}
PLAIN_SCENARIOS = {"ok", "slow_first_token", "stream_error", "stream_drop", "hang", "refusal", "retry_after_huge",
                   "echo_key"}
SCENARIO_RE = re.compile(r"#scenario:([A-Za-z_]+(?::\d+)?)")
REASONS = {529: "Overloaded"}


class DoubleError(Exception):
    def __init__(self, status, message=None, headers=None):
        super().__init__(message)
        self.status, self.headers = status, headers or {}
        self.message = message or ERROR_MESSAGES.get(status, "Error")


def new_id(prefix):
    return prefix + uuid.uuid4().hex + uuid.uuid4().hex[:4]


def block_text(block):
    kind = block.get("type")
    if kind == "text":
        return str(block.get("text", ""))
    if kind == "thinking":
        return str(block.get("thinking", ""))
    if kind == "tool_use":
        return json.dumps(block.get("input", {}), sort_keys=True)
    if kind == "tool_result":
        content = block.get("content", "")
        if isinstance(content, list):
            return "".join(block_text(b) for b in content if isinstance(b, dict))
        return str(content)
    return json.dumps({k: v for k, v in block.items() if k != "cache_control"}, sort_keys=True)


def segments(body):
    """The prompt as a list of (text, cache_control) in cache order: tools, system, messages."""
    out = []
    for tool in body.get("tools") or []:
        plain = {k: v for k, v in tool.items() if k != "cache_control"}
        out.append((json.dumps(plain, sort_keys=True), tool.get("cache_control")))
    system = body.get("system")
    if isinstance(system, str):
        out.append((system, None))
    elif isinstance(system, list):
        out.extend((block_text(b), b.get("cache_control")) for b in system)
    for msg in body["messages"]:
        content = msg["content"]
        if isinstance(content, str):
            out.append((content, None))
        else:
            out.extend((block_text(b), b.get("cache_control")) for b in content)
    return out


def last_user_text(body):
    for msg in reversed(body["messages"]):
        if msg["role"] == "user":
            content = msg["content"]
            if isinstance(content, str):
                return content
            return " ".join(b.get("text", "") for b in content if b.get("type") == "text")
    return ""


def validate(body):
    """Return an error message for a malformed request body, else None."""
    if not isinstance(body, dict):
        return "request body must be a JSON object"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model: Field required (a non-empty string)"
    mt = body.get("max_tokens")
    if isinstance(mt, bool) or not isinstance(mt, int):
        return "max_tokens: Field required (an integer)"
    if mt < 1:
        return "max_tokens: Input should be greater than or equal to 1"
    msgs = body.get("messages")
    if not isinstance(msgs, list) or not msgs:
        return "messages: Field required (a non-empty list)"
    for i, msg in enumerate(msgs):
        if not isinstance(msg, dict) or msg.get("role") not in ("user", "assistant"):
            return f"messages.{i}.role: Input should be 'user' or 'assistant'"
        content = msg.get("content")
        if isinstance(content, list):
            for j, block in enumerate(content):
                if not isinstance(block, dict) or not isinstance(block.get("type"), str):
                    return f"messages.{i}.content.{j}: each content block needs a string `type`"
        elif not isinstance(content, str):
            return f"messages.{i}.content: Input should be a string or a list of content blocks"
    system = body.get("system")
    if system is not None and not isinstance(system, str) and not (
            isinstance(system, list) and all(isinstance(b, dict) and b.get("type") == "text" for b in system)):
        return "system: Input should be a string or a list of text blocks"
    stops = body.get("stop_sequences")
    if stops is not None and not (isinstance(stops, list) and all(isinstance(s, str) for s in stops)):
        return "stop_sequences: Input should be a list of strings"
    tools = body.get("tools")
    if tools is not None and not (isinstance(tools, list) and all(isinstance(t, dict) and isinstance(t.get("name"), str) for t in tools)):
        return "tools: Input should be a list of tools, each with a string `name`"
    if "stream" in body and not isinstance(body["stream"], bool):
        return "stream: Input should be a valid boolean"
    thinking = body.get("thinking")
    if isinstance(thinking, dict) and thinking.get("type") == "enabled":
        budget = thinking.get("budget_tokens")
        if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1024:
            return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
        if budget >= mt:
            return "`max_tokens` must be greater than `thinking.budget_tokens`"
    return None


class DoubleServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler):
        super().__init__(address, handler)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.log, self.seen, self.cache = [], {}, set()

    def reset(self):
        with self.lock:
            self.log, self.seen, self.cache = [], {}, set()

    def bump(self, key):
        """How many times this key was seen before (and count this time)."""
        with self.lock:
            n = self.seen.get(key, 0)
            self.seen[key] = n + 1
            return n

    def shutdown(self):
        self.stopping.set()
        super().shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ClaudeDouble/1.0"
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("double: " + (fmt % args) + "\n")

    # ---- plumbing ---------------------------------------------------------------------------
    def read_body(self):
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def start_response(self, status, headers):
        self.send_response(status, REASONS.get(status))
        self.send_header("request-id", self.request_id)
        for name, value in headers.items():
            self.send_header(name, str(value))
        self.end_headers()

    def send_json(self, status, obj, headers=None):
        data = json.dumps(obj).encode()
        # Logged before the response leaves: a client that has its answer must find it logged.
        if self.entry is not None:
            self.entry["status"] = status
        self.start_response(status, {"content-type": "application/json",
                                     "content-length": len(data), **(headers or {})})
        self.wfile.write(data)

    def send_error_json(self, err):
        self.send_json(err.status, {
            "type": "error",
            "error": {"type": ERROR_TYPES.get(err.status, "api_error" if err.status >= 500 else "invalid_request_error"),
                      "message": err.message},
            "request_id": self.request_id}, err.headers)

    def ratelimit_headers(self):
        reset = (datetime.now(timezone.utc) + timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out = {}
        for kind, limit in (("requests", 4000), ("tokens", 2000000),
                            ("input-tokens", 1600000), ("output-tokens", 400000)):
            base = f"anthropic-ratelimit-{kind}-"
            out.update({base + "limit": limit, base + "remaining": limit - 1, base + "reset": reset})
        return out

    # ---- routing ----------------------------------------------------------------------------
    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PUT(self):
        self.route("PUT")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        self.request_id = "req_011" + uuid.uuid4().hex[:24]
        self.entry = None
        raw = self.read_body()
        path = self.path.split("?", 1)[0]
        if method == "GET" and path == "/double/requests":
            with self.server.lock:
                snapshot = json.loads(json.dumps(self.server.log))
            return self.send_json(200, snapshot)
        if method == "POST" and path == "/double/reset":
            self.server.reset()
            return self.send_json(200, {"ok": True})
        headers = {k.lower(): ("<redacted>" if k.lower() in ("x-api-key", "authorization") else v)
                   for k, v in self.headers.items()}
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self.entry = {"method": method, "path": self.path, "headers": headers, "body": body,
                      "scenario": None, "status": None, "request_id": self.request_id}
        with self.server.lock:
            self.server.log.append(self.entry)
        try:
            if not (method == "POST" and path == "/v1/messages"):
                raise DoubleError(404, f"Not found: {method} {path}")
            self.messages(raw, body)
        except DoubleError as err:
            self.send_error_json(err)
        except OSError:  # the client went away mid-answer
            self.close_connection = True

    # ---- the Messages API -------------------------------------------------------------------
    def messages(self, raw, body):
        key = self.headers.get("x-api-key")
        auth = self.headers.get("authorization", "")
        if key is None and auth.lower().startswith("bearer "):
            key = auth[7:].strip()
        if not key:
            raise DoubleError(401, "x-api-key header is required")
        if key == "bad-key":
            raise DoubleError(401, "invalid x-api-key")
        if not self.headers.get("anthropic-version"):
            raise DoubleError(400, "anthropic-version: header is required")
        if isinstance(body, str):
            raise DoubleError(400, "request body is not valid JSON")
        problem = validate(body)
        if problem:
            raise DoubleError(400, problem)

        scenario = self.headers.get("x-double-scenario")
        if not scenario:
            found = SCENARIO_RE.search(last_user_text(body))
            scenario = found.group(1) if found else "ok"
        self.entry["scenario"] = scenario
        name, _, arg = scenario.partition(":")
        if name in SIMPLE_SCENARIOS and not arg:
            status, message = SIMPLE_SCENARIOS[name]
            raise DoubleError(status, message, {"retry-after": 1} if status == 429 else None)
        number = int(arg) if arg.isdigit() else 0
        if not ((name in PLAIN_SCENARIOS and not arg) or (name in ARG_SCENARIOS and arg.isdigit())) or (
                name in ("fail_once", "fail_twice", "no_retry") and not 400 <= number <= 599):
            raise DoubleError(400, f"unknown double scenario {scenario!r}")
        if name in ("fail_once", "fail_twice", "retry_after_ms"):
            times = 2 if name == "fail_twice" else 1
            if self.server.bump(hashlib.sha256(raw).hexdigest() + "|" + scenario) < times:
                if name == "retry_after_ms":
                    raise DoubleError(429, None, {"retry-after-ms": number,
                                                  "retry-after": math.ceil(number / 1000)})
                raise DoubleError(number, None, {"retry-after": 0} if number in (429, 503, 529) else None)
        if name == "retry_after_huge" and self.server.bump(hashlib.sha256(raw).hexdigest() + "|" + scenario) < 1:
            raise DoubleError(529, None, {"retry-after": 99999999})
        if name == "no_retry":
            raise DoubleError(number, None, {"x-should-retry": "false"})
        if name == "hang":
            self.server.stopping.wait(60)
            self.close_connection = True
            return
        delay = 0.0
        if name == "slow_first_token":
            header = self.headers.get("x-double-delay-ms", "")
            delay = (number or (int(header) if header.isdigit() else 300)) / 1000

        message = self.build_message(body, refusal=(name == "refusal"))
        if body.get("stream"):
            return self.stream(message, name, delay)
        if name == "stream_error":
            raise DoubleError(529)
        if delay:
            self.server.stopping.wait(delay)
        if name == "stream_drop":
            data = json.dumps(message).encode()
            self.entry["status"] = 200
            self.start_response(200, {"content-type": "application/json", "content-length": len(data)})
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
            return
        if name == "echo_key":
            key = self.headers.get("x-api-key", "")
            self.request_id = "req_" + key
            message["id"] = "msg_" + key
            message["model"] = message["model"] + "-" + key
        self.send_json(200, message, self.ratelimit_headers())

    def build_message(self, body, refusal=False):
        segs = segments(body)
        total = max(1, math.ceil(sum(len(t) for t, _ in segs) / 4))
        created = read = ttl_1h = 0
        marked = [i for i, (_, cc) in enumerate(segs) if cc]
        if marked:
            prefix = [t for t, _ in segs[: marked[-1] + 1]]
            cached = math.ceil(sum(len(t) for t in prefix) / 4)
            digest = hashlib.sha256("\0".join([body["model"]] + prefix).encode()).hexdigest()
            with self.server.lock:
                hit = digest in self.server.cache
                self.server.cache.add(digest)
            if hit:
                read = cached
            else:
                created = cached
                ttl_1h = isinstance(segs[marked[-1]][1], dict) and segs[marked[-1]][1].get("ttl") == "1h"
        input_tokens = max(1, total - created - read)

        prompt = last_user_text(body)
        content, stop_reason, stop_sequence, output = [], "end_turn", None, 0
        thinking = body.get("thinking")
        if isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive"):
            thought = f"The user wrote {prompt[:40]!r}. A short echo answers it."
            signature = base64.b64encode(hashlib.sha256(thought.encode()).digest()).decode()
            content.append({"type": "thinking", "thinking": thought, "signature": signature})
            output += len(thought.split())
        tools = body.get("tools") or []
        choice = (body.get("tool_choice") or {}).get("type", "auto")
        if refusal:
            text = "I can't help with that request."
            content.append({"type": "text", "text": text})
            output += len(text.split())
            stop_reason = "refusal"
        elif tools and choice != "none" and re.search(r"\bweather\b", prompt, re.I):
            name = tools[0]["name"]
            if choice == "tool":
                name = body["tool_choice"].get("name", name)
            if choice not in ("any", "tool"):
                content.append({"type": "text", "text": "Let me check the weather."})
                output += 5
            tool_input = {"location": "Paris"}
            content.append({"type": "tool_use", "id": new_id("toolu_"), "name": name, "input": tool_input})
            output += math.ceil(len(json.dumps(tool_input)) / 4)
            stop_reason = "tool_use"
        else:
            text = f"Echo: {prompt[:60]} This is a deterministic reply from the Claude test double."
            cut = [(text.find(s), s) for s in body.get("stop_sequences") or [] if s and s in text]
            if cut:
                pos, stop_sequence = min(cut)
                text = text[:pos]
            words = text.split()
            if len(words) > body["max_tokens"]:
                text, stop_sequence = " ".join(words[: body["max_tokens"]]), None
                stop_reason = "max_tokens"
            elif stop_sequence is not None:
                stop_reason = "stop_sequence"
            content.append({"type": "text", "text": text})
            output += len(text.split())
        message = {
            "id": new_id("msg_"), "type": "message", "role": "assistant", "model": body["model"],
            "content": content, "stop_reason": stop_reason, "stop_sequence": stop_sequence,
            "usage": {"input_tokens": input_tokens, "output_tokens": max(1, output),
                      "cache_creation_input_tokens": created, "cache_read_input_tokens": read,
                      "cache_creation": {"ephemeral_5m_input_tokens": 0 if ttl_1h else created,
                                         "ephemeral_1h_input_tokens": created if ttl_1h else 0},
                      "service_tier": "standard"},
        }
        if refusal:
            message["stop_details"] = {"type": "refusal", "category": None, "explanation": None}
        return message

    # ---- streaming --------------------------------------------------------------------------
    def event(self, name, data):
        payload = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(payload), payload))

    def drop(self):
        """Close the socket mid-body: the chunked stream is never terminated."""
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def stream(self, message, scenario, delay):
        self.entry["status"] = 200
        self.start_response(200, {"content-type": "text/event-stream", "cache-control": "no-cache",
                                  "transfer-encoding": "chunked", **self.ratelimit_headers()})
        usage = message["usage"]
        start = dict(message, content=[], stop_reason=None, stop_sequence=None,
                     usage=dict(usage, output_tokens=1))
        start.pop("stop_details", None)
        self.event("message_start", {"type": "message_start", "message": start})
        self.event("ping", {"type": "ping"})
        deltas_sent = 0
        for index, block in enumerate(message["content"]):
            kind = block["type"]
            if kind == "text":
                first = {"type": "text", "text": ""}
                pieces = [("text_delta", "text", p) for p in re.findall(r"\S+\s*|\s+", block["text"])]
            elif kind == "thinking":
                first = {"type": "thinking", "thinking": "", "signature": ""}
                words = re.findall(r"\S+\s*", block["thinking"])
                pieces = [("thinking_delta", "thinking", "".join(words[i:i + 3])) for i in range(0, len(words), 3)]
                pieces.append(("signature_delta", "signature", block["signature"]))
            else:  # tool_use
                first = dict(block, input={})
                raw = json.dumps(block["input"])
                pieces = [("input_json_delta", "partial_json", "")]
                pieces += [("input_json_delta", "partial_json", raw[i:i + 7]) for i in range(0, len(raw), 7)]
            self.event("content_block_start", {"type": "content_block_start", "index": index, "content_block": first})
            for delta_type, field, piece in pieces:
                if deltas_sent == 0 and delay:
                    self.server.stopping.wait(delay)
                self.event("content_block_delta", {"type": "content_block_delta", "index": index,
                                                   "delta": {"type": delta_type, field: piece}})
                deltas_sent += 1
                if scenario == "stream_error":
                    self.event("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
                    self.wfile.write(b"0\r\n\r\n")
                    self.close_connection = True
                    return
                if scenario == "stream_drop" and deltas_sent >= 3:
                    return self.drop()
            self.event("content_block_stop", {"type": "content_block_stop", "index": index})
        if scenario == "stream_drop":
            return self.drop()
        delta = {"stop_reason": message["stop_reason"], "stop_sequence": message["stop_sequence"]}
        if "stop_details" in message:
            delta["stop_details"] = message["stop_details"]
        self.event("message_delta", {"type": "message_delta", "delta": delta, "usage": {
            k: usage[k] for k in ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")}})
        self.event("message_stop", {"type": "message_stop"})
        self.wfile.write(b"0\r\n\r\n")


def start(port=0, verbose=False):
    """Start the double on 127.0.0.1 in a background thread; returns (server, port)."""
    handler = type("BoundHandler", (Handler,), {"verbose": verbose})
    server = DoubleServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     name="claude-double", daemon=True).start()
    return server, server.server_address[1]


def main():
    parser = argparse.ArgumentParser(description="Anthropic Messages API test double (127.0.0.1 only)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args()
    handler = type("BoundHandler", (Handler,), {"verbose": args.verbose})
    server = DoubleServer(("127.0.0.1", args.port), handler)

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # even when started in the background with SIGINT ignored
    print(f"LISTENING {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stopping.set()
        server.server_close()


if __name__ == "__main__":
    main()
