"""Publication dates: accept the common formats and always return a timezone-aware datetime."""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateutil_parser

from storyline.errors import ConfigError, InputError

# Zone abbreviations news sites print, as fixed offsets in hours (ambiguous ones such as IST are left out).
_ZONES = {
    name: int(hours * 3600)
    for name, hours in {
        "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
        "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
        "AKST": -9, "AKDT": -8, "HST": -10, "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AWST": 8,
        "ACST": 9.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    }.items()
}  # fmt: skip
_EPOCH_MIN, _EPOCH_MAX = 0, 4_102_444_800  # 1970 .. 2100, in seconds


def resolve_timezone(name: str) -> tzinfo:
    """The tzinfo for a setting such as ``UTC`` or ``Europe/Berlin``."""
    if name.upper() == "UTC":
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"unknown time zone {name!r}; use an IANA name such as 'Europe/Berlin' or 'UTC'") from exc


def parse_published(value: object, default_tz: tzinfo = timezone.utc) -> datetime:
    """Parse a publication date given as ISO 8601, RFC 2822, 'June 12, 2018', a date, or epoch seconds.

    A value without an offset is taken to be in ``default_tz``. Raises InputError naming the value.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        parsed = _from_epoch(float(value))
    elif isinstance(value, str) and value.strip():
        parsed = _from_text(value.strip())
    else:
        raise InputError(f"publication date {value!r} is not a date")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=default_tz)
    return parsed


def _from_epoch(seconds: float) -> datetime:
    if seconds > _EPOCH_MAX * 1000:
        raise InputError(f"publication date {seconds!r} is not a plausible epoch time")
    if seconds > _EPOCH_MAX:  # milliseconds
        seconds /= 1000
    if not _EPOCH_MIN <= seconds <= _EPOCH_MAX:
        raise InputError(f"publication date {seconds!r} is not a plausible epoch time")
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _from_text(text: str) -> datetime:
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return _from_epoch(float(text))
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            return dateutil_parser.parse(text, tzinfos=_ZONES)
    except (ValueError, OverflowError) as exc:
        raise InputError(f"publication date {text!r} is not in a format storyline understands") from exc
