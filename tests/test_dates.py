from datetime import timedelta, timezone

import pytest

from storyline.errors import ConfigError, InputError
from storyline.ingest.dates import parse_published, resolve_timezone


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2018-06-12T14:05:00+08:00", "2018-06-12T14:05:00+08:00"),
        ("2018-06-12T06:05:00Z", "2018-06-12T06:05:00+00:00"),
        ("2018-06-12 14:05", "2018-06-12T14:05:00+00:00"),
        ("June 12, 2018", "2018-06-12T00:00:00+00:00"),
        ("Tue, 12 Jun 2018 14:05:00 +0800", "2018-06-12T14:05:00+08:00"),
        (1528783500, "2018-06-12T06:05:00+00:00"),
        (1528783500000, "2018-06-12T06:05:00+00:00"),
        ("1528783500", "2018-06-12T06:05:00+00:00"),
        ("November 19, 2019, 07:47 PM EST", "2019-11-19T19:47:00-05:00"),
        ("Tue, 12 Jun 2018 14:05 PDT", "2018-06-12T14:05:00-07:00"),
    ],
)
def test_common_formats_become_timezone_aware(value: object, iso: str) -> None:
    parsed = parse_published(value)
    assert parsed.tzinfo is not None
    assert parsed.isoformat() == iso


def test_default_timezone_applies_to_naive_values() -> None:
    parsed = parse_published("2018-06-12 14:05", resolve_timezone("Asia/Singapore"))
    assert parsed.utcoffset() == timedelta(hours=8)
    assert resolve_timezone("utc") is timezone.utc


@pytest.mark.parametrize("value", ["not a date", "", None, [], "99999999999999999"])
def test_bad_dates_raise_input_error(value: object) -> None:
    with pytest.raises(InputError):
        parse_published(value)


def test_unknown_timezone_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="IANA"):
        resolve_timezone("Mars/Olympus")
