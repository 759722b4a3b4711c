"""The claude-trace command-line tool, end to end: the demo's file checked by the official
protobuf definitions, `report` agreeing with the monitor of the same run, the demo exporting to a
real collector, `ask` against the Claude API double over HTTP, `find`, and usage errors.

The binary is `$CLAUDE_TRACE_BIN` (Integration/run.sh sets it), else <repo>/.build/debug/claude-trace.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import check_otlp_deviations, otlp_to_proto

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from claude_double import server as double  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-ant-cli-" + secrets.token_hex(16)


@pytest.fixture(scope="session")
def cli():
    binary = os.environ.get("CLAUDE_TRACE_BIN") or str(ROOT / ".build" / "debug" / "claude-trace")
    if not os.path.exists(binary):
        subprocess.run(["swift", "build", "--product", "claude-trace"], cwd=ROOT, check=True)
    return binary


def run(cli, *arguments, cwd=None, env=None, expect=0, timeout=180):
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("OTEL_", "ANTHROPIC_"))}
    environment.update(env or {})
    result = subprocess.run([cli, *map(str, arguments)], capture_output=True, text=True,
                            timeout=timeout, cwd=cwd, env=environment)
    assert result.returncode == expect, f"exit {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


def spans_of(path):
    """Every span in an OTLP-JSON Lines file, with its resource's attributes."""
    spans = []
    for line in Path(path).read_text().splitlines():
        for resource_spans in json.loads(line)["resourceSpans"]:
            for scope_spans in resource_spans["scopeSpans"]:
                spans.extend(scope_spans["spans"])
    return spans


def attributes(span):
    result = {}
    for attribute in span.get("attributes", []):
        value = attribute["value"]
        result[attribute["key"]] = next(iter(value.values())) if value else None
    return result


@pytest.fixture(scope="module")
def demo(cli, tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo")
    result = run(cli, "demo", "--calls", "24", "--seed", "7", "--snapshot", "snapshot.json", cwd=directory)
    return directory, result, json.loads((directory / "snapshot.json").read_text())


def test_the_demo_prints_the_dashboard_and_writes_traces_the_proto_parser_accepts(demo):
    directory, result, _ = demo
    assert "Claude monitor" in result.stdout and "latency" in result.stdout
    lines = (directory / "traces.jsonl").read_text().splitlines()
    assert lines, "the demo wrote no traces"
    for line in lines:
        request = json.loads(line)
        check_otlp_deviations(request)
        parsed = otlp_to_proto(request)
        assert sum(len(scope.spans) for resource in parsed.resource_spans for scope in resource.scope_spans) > 0


def test_the_demo_nests_claude_calls_under_request_spans_and_shows_each_failure(demo):
    directory, _, _ = demo
    spans = spans_of(directory / "traces.jsonl")
    by_id = {span["spanId"]: span for span in spans}
    chats = [span for span in spans if span["name"].startswith("chat claude-")]
    assert len(chats) >= 24
    for chat in chats:
        parent = by_id[chat["parentSpanId"]]
        assert parent["name"].startswith("POST /") and parent["kind"] == 2 and chat["kind"] == 3
        assert parent["traceId"] == chat["traceId"]
    categories = [attributes(chat).get("claude.error.category") for chat in chats]
    for category in ("overloaded", "context_too_long", "budget_exceeded"):
        assert category in categories, category
    retried = [chat for chat in chats if int(attributes(chat).get("claude.retries", "0")) > 0
               and "claude.error.category" not in attributes(chat)]
    assert retried, "no call was retried and then succeeded"
    assert any(event["name"] == "retry" for event in retried[0].get("events", []))
    assert any(attributes(chat).get("gen_ai.request.stream") for chat in chats), "no streamed call"


@pytest.fixture(scope="module")
def short_demo(cli, tmp_path_factory):
    """One ordinary call: the failure cases then weigh enough to fire the error-rate alert."""
    directory = tmp_path_factory.mktemp("short-demo")
    result = run(cli, "demo", "--calls", "1", "--snapshot", "snapshot.json", cwd=directory)
    return directory, result, json.loads((directory / "snapshot.json").read_text())


def test_the_demo_header_progress_and_dashboard_agree_on_what_they_count(short_demo):
    _, result, snapshot = short_demo
    header = result.stdout.splitlines()[0]
    assert header.startswith("claude-trace demo: 1 ordinary call, 3 failure cases and a heavy user's calls"), header
    progress = [line.strip() for line in result.stderr.splitlines() if " · " in line and "failed · $" in line]
    done, failed = progress[-1].split(" · ")[:2]
    total = snapshot["calls"]["total"]
    assert done == f"{total} calls" and failed == f"{snapshot['calls']['failed']} failed", progress
    assert f"calls     {total} total · " in result.stdout
    assert f" · {snapshot['calls']['failed']} failed (" in result.stdout


def test_the_demo_prints_each_alert_once(short_demo):
    _, result, snapshot = short_demo
    assert snapshot["alerts"]["fired"] == 1, snapshot["alerts"]
    mentions = [line for line in result.stderr.splitlines() if "error-rate" in line]
    assert mentions == [line for line in mentions if line.startswith("  alert [critical] error-rate: ")]
    assert len(mentions) == 1, result.stderr
    assert "alerts    1 fired; last [critical] error-rate: " in result.stdout


def test_a_call_the_budget_blocks_says_why_once_in_plain_words(short_demo):
    directory, _, _ = short_demo
    blocked = [chat for chat in spans_of(directory / "traces.jsonl")
               if attributes(chat).get("claude.error.category") == "budget_exceeded"]
    assert len(blocked) == 1
    message = blocked[0]["status"]["message"]
    assert message.startswith("claude budget_exceeded: daily limit of user u-heavy reached: spent $"), message
    assert message.count("budget_exceeded") == 1


def test_the_demo_exits_non_zero_when_it_cannot_write_its_output(cli, tmp_path):
    missing = tmp_path / "no-such-directory" / "traces.jsonl"
    result = run(cli, "demo", "--calls", "1", "--out", missing, expect=1)
    assert f"cannot write --out {missing}: No such file or directory" in result.stderr
    assert "Traces:" not in result.stdout and "Claude monitor" not in result.stdout
    result = run(cli, "demo", "--calls", "1", "--out", tmp_path / "traces.jsonl",
                 "--snapshot", tmp_path / "no-such-directory" / "snapshot.json", expect=1)
    assert "cannot write --snapshot" in result.stderr


def test_report_agrees_with_the_monitor_of_the_same_run(cli, demo):
    directory, _, snapshot = demo
    report = json.loads(run(cli, "report", "--json", directory / "traces.jsonl").stdout)
    assert report["calls"] == snapshot["calls"]["total"]
    assert report["errors"] == {entry["name"]: entry["count"] for entry in snapshot["errors"]["byCategory"]}
    assert report["cost"]["totalUSD"] == pytest.approx(snapshot["cost"]["totalUSD"], abs=1e-6)
    for report_key, snapshot_key in (("byModel", "byModel"), ("byFeature", "byFeature"), ("byUser", "byUserToday")):
        monitor = {entry["name"]: entry["costUSD"] for entry in snapshot["cost"][snapshot_key]}
        assert set(report["cost"][report_key]) == set(monitor), report_key
        for name, cost in monitor.items():
            assert report["cost"][report_key][name] == pytest.approx(cost, abs=1e-6), (report_key, name)
    for model in snapshot["latency"]["byModel"]:
        duration = model["duration"]
        if not duration:
            continue
        ours = report["latency"][model["model"]]
        assert ours["count"] == duration["count"]
        for name in ("p50", "p95", "p99"):
            # Both sides are sketches with 1% relative error.
            assert ours[name] == pytest.approx(duration[name], rel=0.021), (model["model"], name)


def test_report_counts_what_the_dashboard_counts(cli, demo):
    directory, result, snapshot = demo
    report = json.loads(run(cli, "report", "--json", directory / "traces.jsonl").stdout)
    cost = snapshot["cost"]
    assert report["unpricedCalls"] == cost["unknownPriceCalls"] + cost["unpricedCalls"]
    assert report["unknownPriceCalls"] == cost["unknownPriceCalls"]
    assert report["streamedCalls"] == snapshot["calls"]["streamed"] > 0
    assert report["blockedByBudget"] == snapshot["calls"]["blockedByBudget"] == 1
    retries = snapshot["errors"]["retries"]
    assert report["retries"] == {"total": retries["totalRetries"], "retriedCalls": retries["retriedCalls"],
                                 "failedAfterRetries": retries["failedAfterRetries"]}
    feedback = snapshot["usage"]["feedback"]
    assert {key: report["feedback"][key] for key in ("accept", "reject", "edit", "retry")} == \
        {key: feedback[key] for key in ("accept", "reject", "edit", "retry")}
    text = run(cli, "report", directory / "traces.jsonl").stdout
    if report["streamedCalls"]:
        assert f"{snapshot['calls']['streamed']} streamed" in text and f"{snapshot['calls']['streamed']} streamed" in result.stdout
    assert "1 blocked by budget" in text and "1 blocked by budget" in result.stdout
    assert f"{retries['totalRetries']} retries" in text


def test_find_prints_the_trace_of_a_request_id(cli, demo):
    directory, _, _ = demo
    chat = next(span for span in spans_of(directory / "traces.jsonl") if span["name"].startswith("chat "))
    request_id = attributes(chat)["claude.request_id"]
    output = run(cli, "find", request_id, directory / "traces.jsonl").stdout
    assert chat["traceId"] in output and request_id in output
    lines = output.splitlines()
    server = next(index for index, line in enumerate(lines) if "POST /" in line)
    claude = next(index for index, line in enumerate(lines) if chat["name"] in line)
    assert claude > server and lines[claude].index(chat["name"]) > lines[server].index("POST /")


def test_the_demo_also_exports_to_the_collector_named_by_the_environment(cli, rotel, tmp_path):
    run(cli, "demo", "--calls", "3", cwd=tmp_path,
        env={"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{rotel.http_port}", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"})
    written = len(spans_of(tmp_path / "traces.jsonl"))
    received = rotel.wait_for_spans(written)
    assert len(received) == written
    assert any(span["Name"].startswith("chat claude-") for span in received)


@pytest.fixture(scope="module")
def claude_api():
    server, port = double.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def test_ask_makes_one_traced_call_and_prints_tokens_cost_latency_and_ids(cli, claude_api, tmp_path):
    out = tmp_path / "ask.jsonl"
    result = run(cli, "ask", "--user", "u-7", "--feature", "triage", "--max-tokens", "64", "--out", out,
                 "Summarize the ticket please", env={"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": claude_api})
    summary = result.stdout.strip().splitlines()[-1]
    for word in ("tokens in", "out", "cost $", "latency", "ttft", "request", "server req_"):
        assert word in summary, summary
    (chat,) = [span for span in spans_of(out) if span["name"].startswith("chat ")]
    assert attributes(chat)["user.id"] == "u-7" and attributes(chat)["claude.feature"] == "triage"
    assert KEY not in result.stdout + result.stderr + out.read_text()


def test_ask_streams_and_reports_time_to_first_token(cli, claude_api):
    result = run(cli, "ask", "--stream", "Tell me a story", env={"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": claude_api})
    summary = result.stdout.strip().splitlines()[-1]
    assert "ttft n/a" not in summary and "ttft " in summary


def test_ask_exits_non_zero_with_the_error_category_and_message(cli, claude_api):
    result = run(cli, "ask", "Hello #scenario:permission", expect=1,
                 env={"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": claude_api})
    assert "permission" in result.stderr and "req_" in result.stderr
    assert KEY not in result.stdout + result.stderr


@pytest.mark.parametrize("arguments", [["nonsense"], ["demo", "--calls", "0"], ["demo", "--bogus"],
                                       ["report"], ["find", "only-an-id"], ["ask"]])
def test_usage_mistakes_exit_2_with_the_usage(cli, arguments):
    result = run(cli, *arguments, expect=2, env={"ANTHROPIC_API_KEY": KEY})
    assert "usage: claude-trace" in result.stderr


@pytest.mark.parametrize("command", ["demo", "ask", "report", "find"])
def test_every_command_has_help(cli, command):
    result = run(cli, command, "--help")
    assert result.stdout.startswith(f"usage: claude-trace {command}")


@pytest.mark.parametrize("content,reason", [
    ("", "holds no line"),
    ("not json\n{\"resourceSpans\": \"oops\"}\n", "none of the 2 lines"),
])
def test_report_on_a_file_without_a_span_exits_1_and_says_why(cli, tmp_path, content, reason):
    path = tmp_path / "traces.jsonl"
    path.write_text(content)
    result = run(cli, "report", path, expect=1)
    assert reason in result.stderr and str(path) in result.stderr
    assert result.stdout == ""


def test_report_counts_skipped_lines_in_words(cli, demo, tmp_path):
    path = tmp_path / "one-bad.jsonl"
    path.write_text((demo[0] / "traces.jsonl").read_text() + "not json\n")
    result = run(cli, "report", path)
    assert "skipped 1 unreadable line;" in result.stderr


def test_version(cli):
    for flag in ("--version", "-V"):
        assert run(cli, flag).stdout.startswith("claude-trace 0.")
