"""The benchmark harness (Integration/Benchmarks, docs/benchmarks.md) runs end to end.

One debug build and one quick run of `Integration/Benchmarks/run.sh`, the command that takes the
figures: it builds the harness against this checkout and swift-otel, starts rotel, runs every
workload in a process of its own and writes the JSON. Nothing here judges speed (a debug build's
figures mean nothing, and timings are for the benchmarks themselves); what is checked is what
holds at any speed: every workload ran for both libraries, every span is accounted for, children
found their parents, the encoders agree with JSONEncoder, the collector accepted every span of a
burst the queue could hold, and a span still costs at most two allocations.
"""

import json
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent.parent
RUN = HERE / "Benchmarks" / "run.sh"

# The span workloads, W3 to W5 and the refcount counts for both libraries; of the pipeline, the
# collector's ceiling, our burst into a queue that holds it, and swift-otel's JSON mode (W2b's rate
# search takes minutes and a release build to mean anything).
ONLY = ("floor,W1,W1b,W1b-sdt,W1c,W1-alone,W1-refcounts,W3,W4,W5,W2a:claude-trace,W2-json:swift-otel,"
        "W1-set,W1-each,W1b-async,W1b-main,W1b-actor,W4-main,W4m")

# The shapes users write (issue 22): attributes set after start, the async withSpan from a
# nonisolated function, the main actor and an actor.
USER_SHAPES = ["W1-set", "W1-each", "W1b-async", "W1b-main", "W1b-actor"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    output = tmp_path_factory.mktemp("benchmarks") / "results.json"
    completed = subprocess.run(
        ["bash", str(RUN), "--debug", "--quick", "--only", ONLY, "--json", str(output)],
        capture_output=True, text=True, timeout=1500)
    assert completed.returncode == 0, f"run.sh failed ({completed.returncode}):\n{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
    return json.loads(output.read_text()), completed.stdout


def result(run, workload, library):
    found = [r for r in run[0]["results"] if r["workload"] == workload and r["library"] == library]
    assert len(found) == 1, f"{workload} on {library}: {len(found)} results"
    return found[0]["metrics"]


@pytest.mark.parametrize("workload,library", [
    ("floor", "floor"), ("W1", "claude-trace"), ("W1", "swift-otel"), ("W1b", "claude-trace"),
    ("W1b", "swift-otel"), ("W1b-sdt", "claude-trace"), ("W1c", "claude-trace"), ("W1c", "swift-otel"), ("W1-alone", "claude-trace"),
    ("W1-refcounts", "claude-trace"), ("W1-refcounts", "swift-otel"), ("W3", "claude-trace"),
    ("W3", "foundation"), ("W3-protobuf", "claude-trace"), ("W4", "claude-trace"), ("W5", "claude-trace"),
    ("W5", "swift-otel"), ("ceiling", "collector"), ("ceiling-json", "collector"), ("ceiling-exporter", "claude-trace"),
    ("W2a", "claude-trace"),
    ("W2-json", "swift-otel"), ("W1-set", "claude-trace"), ("W1-each", "claude-trace"), ("W1-each", "swift-otel"),
    ("W1b-async", "claude-trace"), ("W1b-async", "swift-otel"), ("W1b-main", "claude-trace"), ("W1b-main", "swift-otel"),
    ("W1b-actor", "claude-trace"), ("W1b-actor", "swift-otel"), ("W4-main", "claude-trace"), ("W4m", "claude-trace"),
])
def test_every_workload_ran(run, workload, library):
    metrics = result(run, workload, library)
    timing = ["ns_per_span", "ns_per_pair", "mb_per_second", "overhead_us_per_call", "spans_per_second",
              "accepted_per_second", "retains_per_span", "accepted"]
    assert any(key in metrics for key in timing), metrics


@pytest.mark.parametrize("workload", ["W1", "W1b", "W1b-sdt"] + USER_SHAPES)
def test_our_spans_are_exported_or_counted_as_dropped(run, workload):
    metrics = result(run, workload, "claude-trace")
    assert metrics["spans"] > 0
    assert metrics["exported"] + metrics["dropped"] == metrics["spans"]


@pytest.mark.parametrize("workload", ["W1b", "W1b-async", "W1b-main", "W1b-actor"])
def test_nested_children_found_their_parents(run, workload):
    assert result(run, workload, "claude-trace")["wrong_parents"] == 0


def test_unsampled_spans_export_nothing(run):
    metrics = result(run, "W1c", "claude-trace")
    assert metrics["exported"] == 0 and metrics["dropped"] == 0


def test_a_span_costs_at_most_two_allocations(run):
    metrics = result(run, "W1", "claude-trace")
    # Two per span (the literal's array, the span's block), and now and then a batch's array.
    assert metrics["mallocs_per_span_producer"] < 2.01, metrics
    # Every thread, the worker's exports included.
    assert metrics["mallocs_per_span"] < 2.1, metrics


@pytest.mark.parametrize("library", ["claude-trace", "swift-otel"])
def test_reference_counts_were_counted(run, library):
    # The counter was preloaded and saw the spans' retains and releases (a debug build makes many
    # more than a release build, so their number is not judged here).
    metrics = result(run, "W1-refcounts", library)
    assert metrics["retains_per_span"] >= 1 and metrics["releases_per_span"] >= 1, metrics


def test_encoders_write_the_same_content_as_json_encoder(run):
    assert result(run, "W3", "foundation")["same_content"] == 1
    assert result(run, "W3", "claude-trace")["spans"] == result(run, "W3-protobuf", "claude-trace")["spans"] > 0


@pytest.mark.parametrize("workload", ["W4", "W4-main"])
def test_instrumented_calls_all_succeed_and_are_exported(run, workload):
    metrics = result(run, workload, "claude-trace")
    assert metrics["failures"] == 0 and metrics["dropped"] == 0
    assert metrics["exported"] >= metrics["calls"]


def test_metered_calls_recorded_their_series(run):
    # W4m's metered client recorded into the meter provider: the call's series (duration, the two
    # token types, the cache tokens, the cost) and the benchmark's own histogram and counter.
    metrics = result(run, "W4m", "claude-trace")
    assert metrics["series"] >= 7, metrics
    assert metrics["record_ns_per_call"] > 0 and metrics["histogram_record_ns"] > 0, metrics


def test_concurrent_spans_are_all_accounted_for(run):
    metrics = result(run, "W5", "claude-trace")
    assert metrics["exported"] + metrics["dropped"] == metrics["spans"]
    assert metrics["slow_exported"] + metrics["slow_dropped"] == metrics["spans"]
    assert metrics["slow_exported"] > 0


def test_the_collector_accepted_every_span_of_a_burst_the_queue_holds(run):
    metrics = result(run, "W2a", "claude-trace")
    assert metrics["dropped_sdk"] == 0 and metrics["failed_sdk"] == 0 and metrics["missing_at_collector"] == 0
    assert metrics["accepted"] == metrics["spans"]
    for ceiling, client in [("ceiling", "collector"), ("ceiling-json", "collector"), ("ceiling-exporter", "claude-trace")]:
        collector = result(run, ceiling, client)
        assert collector["failed_requests"] == 0 and collector["accepted"] == collector["spans"]


def test_swift_otel_json_mode_is_rejected_by_the_collector(run):
    # What docs/benchmarks.md says of swift-otel's JSON mode (base64 ids): if this changes, so
    # must the docs and the choice of its protobuf mode for W2.
    metrics = result(run, "W2-json", "swift-otel")
    assert metrics["spans"] > 0 and metrics["accepted"] == 0


def test_the_table_reports_targets(run):
    table = "\n".join(run[0]["table"])
    assert "W1 span hot path" in table and "swift-otel 1.6.0" in table
    names = {target["name"] for target in run[0]["targets"]}
    assert {"W1 vs floor", "W1 spans dropped (every round)", "W2a drops", "W3 vs JSONEncoder", "W1-set vs W1",
            "W1-each vs W1", "W1b-main vs W1b (nonisolated)", "W1b-actor vs W1b", "W4-main vs W4 (overhead per call)",
            "W4m metrics per call"} <= names, names
