"""The file exporter across `kill -9` restarts: a writer killed part way through a line and
restarted on the same file ends the torn line before its next one, so no batch it reported
written is lost (issue 24)."""

import json
import os
import random
import signal
import subprocess
import time

from conftest import otlp_to_proto


def test_file_exporter_survives_twenty_kill_restarts(probe, tmp_path):
    path = tmp_path / "traces.jsonl"
    kills, reported = 20, []
    rng = random.Random(24)
    for run in range(kills):
        out = tmp_path / f"writer-{run}.out"
        with open(out, "wb") as stdout:
            writer = subprocess.Popen([probe, "otlp-file-writer", "--file", str(path)], stdout=stdout,
                                      stderr=subprocess.DEVNULL)
        try:
            time.sleep(rng.uniform(0.02, 0.2))
        finally:
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait(timeout=10)
        assert writer.returncode == -signal.SIGKILL, f"run {run}: the writer exited by itself ({writer.returncode})"
        # Only whole `written ID` lines count: a line cut by the kill reported nothing.
        reported += [line[len("written "):] for line in out.read_text().split("\n")[:-1] if line.startswith("written ")]

    found, torn = set(), 0
    for line in path.read_bytes().split(b"\n")[:-1]:
        assert line, "a blank line: a torn line was ended twice"
        try:
            message = otlp_to_proto(json.loads(line))
        except ValueError:
            torn += 1
            continue
        found.update(span.name for resource in message.resource_spans for scope in resource.scope_spans for span in scope.spans)
    lost = [batch for batch in reported if batch not in found]
    print(f"kills={kills} reported={len(reported)} lines={len(found) + torn} torn={torn} lost={len(lost)}")
    assert torn <= kills
    assert not lost, f"{len(lost)} batches reported written are missing or unreadable: {lost[:5]}"
    assert reported, "no writer got a batch out before being killed"
