"""Shared fixtures and helpers for the integration suite.

- `probe`: path of the `integration-probe` binary (env PROBE_BIN, set by Integration/run.sh).
- `free_port()`: a free TCP port on 127.0.0.1.
- `rotel` / `start_rotel`: the rotel collector (from the `rotel` PyPI package) with its OTLP/HTTP
  receiver on a free port, printing every span it receives (`--debug-log traces
  --debug-log-verbosity detailed`) into a log file; killed by pid at teardown.
- `CaptureServer`: a tiny collector double that records request bodies and answers as told.
- `run_probe_otlp(...)`, `otlp_to_proto(...)`, `request_message(...)`: running the probe and
  reading what it sent (OTLP-JSON or binary protobuf, as the request's Content-Type says) with the
  official `opentelemetry-proto` classes.
"""

import base64
import copy
import gzip
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ANSI = re.compile(r"\x1b\[[0-9;]*m")


# ---------------------------------------------------------------------------------------------
# Probe


@pytest.fixture(scope="session")
def probe():
    path = os.environ.get("PROBE_BIN")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("PROBE_BIN is not set to the integration-probe binary (run Integration/run.sh)")
    return path


class ProbeRun:
    def __init__(self, completed, elapsed):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.elapsed = elapsed
        self.summary = None
        # split("\n"), not splitlines(): the summary holds a raw U+2028, which splitlines() splits at.
        for line in reversed(completed.stdout.split("\n")):
            if line.startswith("{"):
                self.summary = json.loads(line)
                break

    @property
    def spans(self):
        return self.summary["spans"]

    def exporter(self, kind):
        return next(e for e in self.summary["exporters"] if e["type"] == kind)


def run_probe_otlp(probe, *arguments, env=None, timeout=120):
    """Runs `integration-probe otlp-export ARGUMENTS` and parses its JSON summary."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    environment.update(env or {})
    start = time.monotonic()
    completed = subprocess.run([probe, "otlp-export", *map(str, arguments)], capture_output=True, text=True,
                               timeout=timeout, env=environment)
    run = ProbeRun(completed, time.monotonic() - start)
    assert run.returncode == 0, f"probe failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"
    assert run.summary is not None, f"no summary on stdout:\n{run.stdout}\n{run.stderr}"
    return run


# ---------------------------------------------------------------------------------------------
# Ports and rotel


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def rotel_binary():
    candidates = [Path(sys.prefix) / "bin" / "rotel-agent"]
    try:
        import rotel  # noqa: PLC0415

        candidates.append(Path(rotel.__file__).parent / "rotel-agent")
    except ImportError:
        pass
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    pytest.fail("rotel-agent not found: pip install rotel (Integration/run.sh installs it)")


class Rotel:
    """A running rotel-agent; `log` is its captured stdout and stderr."""

    def __init__(self, log_path, http_port=None, debug_logs=("traces",)):
        self.http_port = http_port or free_port()
        self.grpc_port = free_port()
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [rotel_binary(), "start",
             "--otlp-http-endpoint", f"127.0.0.1:{self.http_port}",
             "--otlp-grpc-endpoint", f"127.0.0.1:{self.grpc_port}",
             "--exporter", "blackhole", *[arg for log in debug_logs for arg in ("--debug-log", log)],
             "--debug-log-verbosity", "detailed"],
            stdout=self._log, stderr=subprocess.STDOUT)
        if not wait_for_port(self.http_port):
            self.stop()
            raise RuntimeError(f"rotel did not listen on {self.http_port}:\n{self.log}")

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.http_port}/v1/traces"

    @property
    def log(self):
        return ANSI.sub("", self.log_path.read_text(errors="replace"))

    def spans(self):
        return parse_rotel_spans(self.log)

    def wait_for_spans(self, count, timeout=20.0):
        """Polls the log until it shows `count` spans (rotel prints asynchronously)."""
        deadline = time.monotonic() + timeout
        spans = self.spans()
        while len(spans) < count and time.monotonic() < deadline:
            time.sleep(0.1)
            spans = self.spans()
        return spans

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, 9)
            self.process.wait(timeout=10)
        self._log.close()


@pytest.fixture
def start_rotel(tmp_path):
    """Starts rotel when the test asks (`start_rotel(http_port=…, debug_logs=("traces", "metrics"))`);
    stops every one at teardown."""
    started = []

    def start(http_port=None, debug_logs=("traces",)):
        instance = Rotel(tmp_path / f"rotel-{len(started)}.log", http_port, debug_logs)
        started.append(instance)
        return instance

    yield start
    for instance in started:
        instance.stop()


@pytest.fixture
def rotel(start_rotel):
    return start_rotel()


def parse_rotel_spans(log):
    """Spans from rotel's detailed debug log, as dicts of what it prints for each one.

    The format (rotel 0.0.1a15, one block per span):
        Span #0
            Trace ID       : 0af7…
            Parent ID      : b7ad…
            ID             : 48ee…
            Name           : request 0
            Kind           : SPAN_KIND_SERVER
            TraceState     : vendor=probe
        Start time: 1795…
        End time: 1795…
            Status code    : STATUS_CODE_OK
            Status message :
        Attributes:
             -> key: Str(value)
        Events:
        SpanEvent #0
             -> Name: …
             -> Timestamp: …
             -> DroppedAttributesCount: 0
             -> Attributes::
                  -> key: Int(1)
        Links:
        SpanLink #0
             -> Trace ID: … / -> ID: … / -> TraceState: … / -> DroppedAttributesCount: … / -> Attributes::
    Attribute values are printed raw, so a value with a newline continues on the next line; the
    raw text of each section is kept (`attributes_text`) for the tests to search.
    """
    spans = []
    current = None
    section = None  # "attributes", "event", "link"
    for line in log.split("\n"):  # not splitlines(): values may hold U+2028, U+001C…
        if re.match(r"^\d{4}-\d\d-\d\dT", line) or line.startswith(("ResourceSpans #", "ScopeSpans #", "Resource ", "ScopeSpans ", "InstrumentationScope ")):
            section = None
            continue
        if line.startswith("Span #"):
            current = {"attributes_text": "", "attribute_keys": [], "events": [], "links": []}
            spans.append(current)
            section = "header"
            continue
        if current is None:
            continue
        header = re.match(r"^\s+(Trace ID|Parent ID|ID|Name|Kind|TraceState|Status code|Status message)\s*: ?(.*)$", line)
        if section == "header" and header:
            current[header.group(1)] = header.group(2)
            continue
        times = re.match(r"^(Start time|End time): (\d+)$", line)
        if times:
            current[times.group(1)] = times.group(2)
            continue
        if line == "Attributes:":
            section = "attributes"
            continue
        if line in ("Events:", "Links:"):
            section = None
            continue
        if line.startswith("SpanEvent #"):
            current["events"].append({"attributes_text": "", "attribute_keys": []})
            section = "event"
            continue
        if line.startswith("SpanLink #"):
            current["links"].append({"attributes_text": "", "attribute_keys": []})
            section = "link"
            continue
        if section == "attributes":
            key = re.match(r"^     -> ([^:]+): ", line)
            if key:
                current["attribute_keys"].append(key.group(1))
            current["attributes_text"] += line + "\n"
        elif section in ("event", "link"):
            target = current["events" if section == "event" else "links"][-1]
            field = re.match(r"^     -> (Name|Timestamp|DroppedAttributesCount|Trace ID|ID|TraceState): ?(.*)$", line)
            attribute = re.match(r"^          -> ([^:]+): ", line)
            if field:
                target[field.group(1)] = field.group(2)
            elif attribute:
                target["attribute_keys"].append(attribute.group(1))
                target["attributes_text"] += line + "\n"
            elif not line.startswith("     -> Attributes::"):
                target["attributes_text"] += line + "\n"
    return spans


# ---------------------------------------------------------------------------------------------
# A collector double


class CaptureServer:
    """An OTLP/HTTP endpoint double on 127.0.0.1 that records every request and answers with
    `respond(index, request) -> (status, headers, body)`, or never answers when that returns None.
    """

    def __init__(self, respond=None):
        self.requests = []
        self.lock = threading.Lock()
        self.respond = respond or (lambda index, request: (200, {"Content-Type": "application/json"}, b"{}"))
        self.release = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                body = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
                request = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                           "raw": raw, "body": body, "time": time.monotonic()}
                with outer.lock:
                    outer.requests.append(request)
                    index = len(outer.requests) - 1
                answer = outer.respond(index, request)
                if answer is None:
                    outer.release.wait(120)
                    self.close_connection = True
                    return
                status, headers, payload = answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}/v1/traces"

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def capture_server():
    """`capture_server(respond=None)` starts a CaptureServer; all are stopped at teardown."""
    servers = []

    def start(respond=None):
        server = CaptureServer(respond)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# ---------------------------------------------------------------------------------------------
# OTLP-JSON checks


HEX32 = re.compile(r"^[0-9a-f]{32}$")
HEX16 = re.compile(r"^[0-9a-f]{16}$")
INT64_STRING = re.compile(r"^-?[0-9]+$")


def check_otlp_deviations(request):
    """Asserts the OTLP-specific parts of the JSON mapping: lowercase hex ids of the right
    length, integer enums, 64-bit integers as decimal strings."""

    def check_value(value):
        if "intValue" in value:
            assert isinstance(value["intValue"], str) and INT64_STRING.match(value["intValue"]), value
        if "doubleValue" in value:
            assert isinstance(value["doubleValue"], (int, float)) or value["doubleValue"] in ("NaN", "Infinity", "-Infinity"), value
        if "arrayValue" in value:
            for element in value["arrayValue"].get("values", []):
                check_value(element)

    def check_attributes(owner):
        keys = [a["key"] for a in owner.get("attributes", [])]
        assert len(keys) == len(set(keys)), f"duplicate attribute keys: {keys}"
        for attribute in owner.get("attributes", []):
            check_value(attribute["value"])

    assert request.get("resourceSpans"), "an empty request was sent"
    for resource_spans in request["resourceSpans"]:
        check_attributes(resource_spans.get("resource", {}))
        assert resource_spans.get("scopeSpans"), "a ResourceSpans without spans"
        for scope_spans in resource_spans["scopeSpans"]:
            assert scope_spans.get("spans"), "a ScopeSpans without spans"
            for span in scope_spans["spans"]:
                assert HEX32.match(span["traceId"]) and span["traceId"] != "0" * 32, span["traceId"]
                assert HEX16.match(span["spanId"]) and span["spanId"] != "0" * 16, span["spanId"]
                if "parentSpanId" in span:
                    assert HEX16.match(span["parentSpanId"]), span["parentSpanId"]
                assert isinstance(span["kind"], int) and 1 <= span["kind"] <= 5
                assert isinstance(span["flags"], int) and span["flags"] & ~0x3FF == 0 and span["flags"] & 0x100
                for key in ("startTimeUnixNano", "endTimeUnixNano"):
                    assert isinstance(span[key], str) and INT64_STRING.match(span[key]), span[key]
                assert int(span["endTimeUnixNano"]) >= int(span["startTimeUnixNano"])
                if "status" in span:
                    assert isinstance(span["status"].get("code", 0), int)
                check_attributes(span)
                for event in span.get("events", []):
                    assert isinstance(event["timeUnixNano"], str) and INT64_STRING.match(event["timeUnixNano"])
                    check_attributes(event)
                for link in span.get("links", []):
                    assert HEX32.match(link["traceId"]) and HEX16.match(link["spanId"])
                    assert isinstance(link["flags"], int)
                    check_attributes(link)


def otlp_to_proto(request):
    """The official `ExportTraceServiceRequest` parsed from OTLP-JSON, strictly
    (`ignore_unknown_fields=False`), after turning the hex ids into the base64 the generic proto3
    JSON mapping expects."""
    from google.protobuf import json_format  # noqa: PLC0415
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest  # noqa: PLC0415

    def b64(hex_id):
        return base64.b64encode(bytes.fromhex(hex_id)).decode()

    converted = copy.deepcopy(request)
    for resource_spans in converted.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        span[key] = b64(span[key])
                for link in span.get("links", []):
                    link["traceId"], link["spanId"] = b64(link["traceId"]), b64(link["spanId"])
    return json_format.ParseDict(converted, ExportTraceServiceRequest(), ignore_unknown_fields=False)


def request_message(request):
    """The official `ExportTraceServiceRequest` a captured HTTP request carries, parsed as its
    Content-Type says: binary protobuf with `ExportTraceServiceRequest.FromString`, which must
    also re-serialize to exactly the bytes sent (our encoder writes the canonical encoding:
    fields in number order, defaults left out); JSON checked for OTLP's deviations, then parsed
    strictly."""
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest  # noqa: PLC0415

    content_type = request["headers"]["content-type"]
    if content_type == "application/x-protobuf":
        message = ExportTraceServiceRequest.FromString(request["body"])
        assert message.SerializeToString(deterministic=True) == request["body"], "the protobuf body is not canonical"
        return message
    assert content_type == "application/json", content_type
    body = json.loads(request["body"])
    check_otlp_deviations(body)
    return otlp_to_proto(body)


def _same_double(actual, expected_text):
    import math  # noqa: PLC0415

    expected = float(expected_text)
    if math.isnan(expected):
        return math.isnan(actual)
    return actual == expected and math.copysign(1, actual) == math.copysign(1, expected)


def _any_value(value):
    """An AnyValue message as the probe's `[type, value]` form (doubles kept as floats)."""
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return ["string", value.string_value]
    if kind == "bool_value":
        return ["bool", value.bool_value]
    if kind == "int_value":
        return ["int", str(value.int_value)]
    if kind == "double_value":
        return ["double", value.double_value]
    if kind == "array_value":
        elements = [_any_value(element) for element in value.array_value.values]
        types = {element[0] for element in elements}
        assert len(types) <= 1, f"a mixed array: {elements}"
        return [(types.pop() if types else "") + "[]", [element[1] for element in elements]]
    raise AssertionError(f"unexpected AnyValue member {kind}")


def assert_attributes_match(key_values, expected, context):
    actual = {kv.key: _any_value(kv.value) for kv in key_values}
    assert sorted(actual) == sorted(expected), f"{context}: keys differ"
    for key, (kind, value) in expected.items():
        got_kind, got = actual[key]
        if kind == "double":
            assert got_kind == "double" and _same_double(got, value), f"{context}: {key} = {got}, expected {value}"
        elif kind == "double[]":
            assert got_kind in ("double[]", "[]") and len(got) == len(value), f"{context}: {key}"
            assert all(_same_double(g, v) for g, v in zip(got, value)), f"{context}: {key} = {got}, expected {value}"
        elif kind.endswith("[]") and not value:
            assert got == [], f"{context}: {key} = {got}, expected an empty array"
        else:
            assert [got_kind, got] == [kind, value], f"{context}: {key} = {[got_kind, got]}, expected {[kind, value]}"


def proto_spans(message):
    """Every Span in an ExportTraceServiceRequest message, with its resource and scope."""
    for resource_spans in message.resource_spans:
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                yield resource_spans.resource, scope_spans.scope, span


def assert_span_matches(span, expected):
    """A parsed proto Span against the probe's description of the span it ended."""
    context = f"span {expected['name']!r}"
    assert span.trace_id.hex() == expected["traceId"], context
    assert span.span_id.hex() == expected["spanId"], context
    assert span.parent_span_id.hex() == expected["parentSpanId"], context
    assert span.trace_state == expected["traceState"], context
    assert span.flags == expected["flags"], context
    assert span.name == expected["name"]
    assert span.kind == expected["kind"], context
    assert str(span.start_time_unix_nano) == expected["startTimeUnixNano"], context
    assert str(span.end_time_unix_nano) == expected["endTimeUnixNano"], context
    assert span.status.code == expected["status"]["code"], context
    assert span.status.message == expected["status"].get("message", ""), context
    assert_attributes_match(span.attributes, expected["attributes"], context)
    assert span.dropped_attributes_count == expected["droppedAttributesCount"], context
    assert span.dropped_events_count == expected["droppedEventsCount"], context
    assert span.dropped_links_count == expected["droppedLinksCount"], context
    assert len(span.events) == len(expected["events"]), context
    for event, want in zip(span.events, expected["events"]):
        assert event.name == want["name"] and str(event.time_unix_nano) == want["timeUnixNano"], context
        assert_attributes_match(event.attributes, want["attributes"], f"{context} event {want['name']!r}")
    assert len(span.links) == len(expected["links"]), context
    for link, want in zip(span.links, expected["links"]):
        assert link.trace_id.hex() == want["traceId"] and link.span_id.hex() == want["spanId"], context
        assert link.trace_state == want["traceState"], context
        assert link.flags & 0x100, f"{context}: link flags {link.flags:#x} lack HAS_IS_REMOTE"
        assert_attributes_match(link.attributes, want["attributes"], f"{context} link")
