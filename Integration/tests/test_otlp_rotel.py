"""A few hundred spans through OTLPHTTPExporter into a real collector (rotel), in both
encodings, whose detailed debug log must show every span with its ids, kind, status,
attributes, events and links intact.

In protobuf (the default) doubles travel as their IEEE bits, NaN and ±Infinity included. rotel
(0.0.1a15) rejects the protobuf JSON mapping's "NaN"/"Infinity" strings for doubles with HTTP 400
(its serde decoder wants a number), so the JSON run uses --finite-doubles; the conformance suite
covers the special values in JSON against the official proto definitions. rotel does not print
span flags or dropped counts; those are checked there too.
"""

import math
from decimal import Decimal

import pytest

from conftest import run_probe_otlp

SPANS = 300
KINDS = {1: "SPAN_KIND_INTERNAL", 2: "SPAN_KIND_SERVER", 3: "SPAN_KIND_CLIENT", 4: "SPAN_KIND_PRODUCER", 5: "SPAN_KIND_CONSUMER"}
CODES = {0: None, 1: "STATUS_CODE_OK", 2: "STATUS_CODE_ERROR"}


def rust_double(text):
    """A double as Rust's `Display` prints it: every digit, no exponent, no trailing `.0`;
    `NaN`, `inf`, `-inf`."""
    value = float(text)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    digits = format(Decimal(repr(value)), "f")
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return digits


def rotel_value(kind, value):
    """An attribute value as rotel's debug log prints it (Go collector `AsString` style)."""
    scalar = {"string": lambda v: f"Str({v})", "bool": lambda v: f"Bool({str(v).lower()})",
              "int": lambda v: f"Int({v})", "double": lambda v: f"Double({rust_double(v)})"}
    if kind.endswith("[]"):
        element = scalar[kind[:-2]]
        return "Slice(" + ", ".join(element(v) for v in value) + ")"
    return scalar[kind](value)


def assert_attributes_printed(printed, expected, context):
    assert sorted(printed["attribute_keys"]) == sorted(expected), f"{context}: attribute keys differ"
    for key, (kind, value) in expected.items():
        line = f"-> {key}: {rotel_value(kind, value)}\n"
        assert line in printed["attributes_text"], f"{context}: {line!r} not in rotel's output"


@pytest.mark.parametrize("protocol", ["http/protobuf", "http/json"])
def test_hundreds_of_spans_arrive_in_rotel_intact(probe, rotel, protocol):
    finite = ["--finite-doubles"] if protocol == "http/json" else []
    run = run_probe_otlp(probe, "--endpoint", rotel.endpoint, "--protocol", protocol, "--spans", SPANS, "--batch-size", 64, *finite)
    otlp = run.exporter("otlp")
    assert otlp["protocol"] == protocol
    assert otlp["exportedSpans"] == SPANS and otlp["failedSpans"] == 0, run.stderr
    assert "OTLPHTTPExporter" not in run.stderr

    printed = {span["ID"]: span for span in rotel.wait_for_spans(SPANS)}
    assert len(printed) == SPANS, f"rotel printed {len(printed)} spans"
    for expected in run.spans:
        context = f"span {expected['name']!r}"
        span = printed[expected["spanId"]]
        assert span["Trace ID"] == expected["traceId"], context
        assert span["Parent ID"] == expected["parentSpanId"], context
        assert span["Name"] == expected["name"], context
        assert span["Kind"] == KINDS[expected["kind"]], context
        assert span.get("TraceState", "") == expected["traceState"], context
        assert span["Start time"] == expected["startTimeUnixNano"], context
        assert span["End time"] == expected["endTimeUnixNano"], context
        assert span.get("Status code") == CODES[expected["status"]["code"]], context
        if expected["status"]["code"]:
            assert span["Status message"] == expected["status"].get("message", ""), context
        assert_attributes_printed(span, expected["attributes"], context)

        assert len(span["events"]) == len(expected["events"]), context
        for event, want in zip(span["events"], expected["events"]):
            assert event["Name"] == want["name"] and event["Timestamp"] == want["timeUnixNano"], context
            assert event["DroppedAttributesCount"] == "0"
            assert_attributes_printed(event, want["attributes"], f"{context} event {want['name']!r}")

        assert len(span["links"]) == len(expected["links"]), context
        for link, want in zip(span["links"], expected["links"]):
            assert link["Trace ID"] == want["traceId"] and link["ID"] == want["spanId"], context
            assert link.get("TraceState", "") == want["traceState"], context
            assert_attributes_printed(link, want["attributes"], f"{context} link")

    # The probe's shapes are all there: remote parents, errors with exception events, links, and
    # in protobuf the special doubles.
    if not finite:
        specials = {s["attributes"]["double.special"][1] for s in run.spans}
        assert specials == {"nan", "inf", "-inf"}, specials
    assert any(s["status"]["code"] == 2 and any(e["name"] == "exception" for e in s["events"]) for s in run.spans)
    assert any(s["links"] for s in run.spans)
    assert any(s["droppedAttributesCount"] and s["droppedEventsCount"] for s in run.spans)
