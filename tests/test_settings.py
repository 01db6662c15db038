"""Settings reach what they set: the embedder's thread count comes from Settings (file, STORYLINE_* variable,
override), is validated there, and is what the story stage asks the embedder for."""

from __future__ import annotations

from pathlib import Path

import pytest

import storyline
from storyline.errors import ConfigError
from storyline.settings import Settings
from tests.conftest import story
from tests.fakes import FakeModels


def test_embed_threads_from_the_environment_and_the_config_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STORYLINE_EMBED_THREADS", raising=False)
    monkeypatch.delenv("STORYLINE_CONFIG", raising=False)
    assert Settings.load().embed_threads == 0
    (tmp_path / "storyline.toml").write_text("[storyline]\nembed_threads = 4\n", encoding="utf-8")
    assert Settings.load().embed_threads == 4
    monkeypatch.setenv("STORYLINE_EMBED_THREADS", "3")
    assert Settings.load().embed_threads == 3
    assert Settings.load(embed_threads=1).embed_threads == 1


@pytest.mark.parametrize("value", ["-1", "two"])
def test_a_bad_embed_threads_is_a_config_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("STORYLINE_EMBED_THREADS", value)
    with pytest.raises(ConfigError, match="embed_threads"):
        Settings.load()


@pytest.mark.parametrize(("setting", "asked"), [(0, 2), (3, 3)])
def test_the_story_stage_asks_the_embedder_for_the_setting(
    fake_models: FakeModels, tmp_path: Path, setting: int, asked: int
) -> None:
    with storyline.open(tmp_path / "s.duckdb", embed_threads=setting) as ws:
        for n in range(3):
            path = tmp_path / f"in/{n}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text(f"Talks resume in Geneva\n\n{story(n)}", encoding="utf-8")
        ws.run(tmp_path / "in")
        assert len(ws.articles()) == 3
    assert set(fake_models.embedders) == {asked}  # features and summaries alike
    assert fake_models.embedders[asked].encoded
