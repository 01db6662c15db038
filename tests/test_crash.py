"""A process killed with SIGKILL mid-ingest loses nothing committed; a rerun completes without duplicates."""

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from storyline.store import Store

N = 5000

# Ingest through the public API, printing how many input bytes were consumed as it goes.
CHILD = textwrap.dedent(
    """
    import sys, storyline

    class Report:
        done = 0
        def start(self, total, description):
            pass
        def advance(self, amount):
            self.done += amount
            print(self.done, flush=True)

    with storyline.open(sys.argv[1]) as ws:
        ws.ingest(sys.argv[2], progress=Report())
    """
)


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")
def test_sigkill_mid_ingest_then_rerun(tmp_path: Path) -> None:
    data = tmp_path / "big.jsonl"
    with data.open("w") as out:
        for i in range(N):
            body = f"Paragraph one of article {i} about the talks.\n\nParagraph two says officials met on Monday {i}."
            out.write(json.dumps({"id": f"a{i:05d}", "title": f"Article {i}", "text": body}) + "\n")
    size = data.stat().st_size
    db = tmp_path / "s.duckdb"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(data)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        if int(line) > size * 0.4:  # well into the file: several batches committed, more to come
            break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    with Store(db) as store:  # opens cleanly, replaying the write-ahead log
        partial = store.count_articles()
    assert 0 < partial < N, partial
    rerun = subprocess.run(
        [sys.executable, "-m", "storyline", "--db", str(db), "ingest", str(data)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"ingested {N - partial}, duplicates {partial}" in rerun.stdout
    with Store(db, read_only=True) as store:
        assert store.count_articles() == N
        assert len({a.id for a in store.articles()}) == N
