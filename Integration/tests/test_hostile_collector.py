"""A collector that lies: a reply built to overflow the chunked-body reader, and one that
echoes the credentials it was sent. The app must neither crash nor print a secret."""

import base64
import json
import socket
import threading

from conftest import run_probe_otlp

SPANS = 5
CRASH_REPLY = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n7fffffffffffffff\r\n"


class RawReplyServer:
    """Answers every connection with fixed bytes, then closes it."""

    def __init__(self, reply):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.reply = reply
        self.connections = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                continue
            self.connections += 1
            with connection:
                connection.settimeout(2)
                try:
                    connection.recv(1 << 20)
                    connection.sendall(self.reply)
                except OSError:
                    pass

    def stop(self):
        self.stopping.set()
        self.thread.join(5)
        self.listener.close()


def test_a_chunk_size_of_int_max_fails_the_export_and_does_not_crash_the_app(probe):
    server = RawReplyServer(CRASH_REPLY)
    try:
        run = run_probe_otlp(probe, "--endpoint", f"http://127.0.0.1:{server.port}/v1/traces", "--spans", SPANS,
                             "--timeout-ms", 3000, timeout=60)
    finally:
        server.stop()
    assert server.connections >= 1
    otlp = run.exporter("otlp")
    assert otlp["failedSpans"] == SPANS and otlp["exportedSpans"] == 0
    assert "failed to export" in run.stderr


def test_canary_credentials_in_user_info_and_headers_appear_in_no_output(probe, capture_server):
    def respond(index, request):
        echoed = json.dumps({"code": 3, "message": f"bad auth {request['headers']}"}).encode()
        return 400, {"Content-Type": "application/json"}, echoed

    server = capture_server(respond)
    endpoint = server.endpoint.replace("http://", "http://canary-user:CANARY-PASS-7a1@")
    run = run_probe_otlp(probe, "--endpoint", endpoint, "--spans", SPANS,
                         env={"OTEL_EXPORTER_OTLP_HEADERS": "x-token=Bearer%20CANARY-TOKEN-9b2"})
    assert len(server.requests) == 1
    headers = server.requests[0]["headers"]
    assert headers["authorization"] == "Basic " + base64.b64encode(b"canary-user:CANARY-PASS-7a1").decode()
    assert headers["x-token"] == "Bearer CANARY-TOKEN-9b2"
    assert "bad auth" in run.stderr and "<redacted>" in run.stderr
    # The probe's own summary echoes its configuration's endpoint; everything else is ours.
    summary = dict(run.summary, exporters=[{k: v for k, v in e.items() if k != "endpoint"} for e in run.summary["exporters"]])
    for text in (run.stderr, json.dumps(summary)):
        assert "CANARY" not in text and "canary-user" not in text


def test_a_malformed_headers_variable_is_reported_without_its_token(probe, capture_server):
    server = capture_server()
    run = run_probe_otlp(probe, "--endpoint", server.endpoint, "--spans", SPANS,
                         env={"OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer%20CANARY-TOKEN-3c4,broken"})
    assert "OTEL_EXPORTER_OTLP_HEADERS is invalid (value not shown)" in run.stderr
    assert "CANARY" not in run.stderr and "CANARY" not in run.stdout
    assert "authorization" not in server.requests[0]["headers"]
