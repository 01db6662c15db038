"""Documentation stays true: every command, option group and setting is documented; the public API is explicit."""

from dataclasses import fields
from pathlib import Path

import storyline
from storyline.cli import app
from storyline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SCHEMA = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme() -> None:
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    assert names, "no commands registered"
    for name in names:
        assert f"`storyline {name}" in README, f"README does not document `storyline {name}`"


def test_every_setting_is_documented() -> None:
    for f in fields(Settings):
        assert f.name in SCHEMA, f"docs/schema.md does not document the setting {f.name}"


def test_public_api_is_explicit() -> None:
    expected = """AnalyzeReport Article ConfigError Entity IngestReport InputError NotFoundError Quote RemovedLine
    Settings Skip SkipReason StoreError StorylineError TimeExpression TimexType Workspace __version__ open""".split()
    assert sorted(storyline.__all__) == sorted(expected)
    for name in storyline.__all__:
        assert hasattr(storyline, name)
    assert issubclass(storyline.InputError, storyline.StorylineError)
