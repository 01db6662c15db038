"""Publication dates: accept the common formats and always return a timezone-aware datetime."""

from __future__ import annotations

import math
import re
import warnings
from datetime import date, datetime, timedelta, timezone, tzinfo
from urllib.parse import urlsplit
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
MIN_YEAR, MAX_YEAR = 1800, 2200  # a publication date outside these years is a placeholder or an error
MAX_DATE_CHARS = 80  # a longer "date" is not one (and would make the parsers work hard)
_MAX_OFFSET = timedelta(hours=24)
# /2019/11/05/, /2019/11/, /20191105/ or 2019-11-05 in a URL's path
_URL_DATE = re.compile(r"(?<!\d)((?:18|19|20|21)\d\d)[/_-]?(0[1-9]|1[0-2])(?:[/_-]?(0[1-9]|[12]\d|3[01]))?(?!\d)")


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

    A value without an offset is taken to be in ``default_tz``. The result is checked: its year is within
    MIN_YEAR..MAX_YEAR, its UTC offset under 24 hours and in whole minutes, and it is not a placeholder
    (0001-01-01, 9999-12-31, 1970-01-01 epoch zero, 1900-01-01 midnight). Raises InputError naming the value.
    """
    try:
        parsed = _parse(value)
        explicit = parsed.tzinfo is not None and parsed.utcoffset() is not None
        if not explicit:
            parsed = parsed.replace(tzinfo=default_tz)
        offset = parsed.utcoffset()
    except InputError:
        raise
    except (ValueError, OverflowError, TypeError, OSError, ArithmeticError) as exc:
        raise InputError(f"publication date {_show(value)} is not a valid date ({exc})") from exc
    if offset is None or abs(offset) >= _MAX_OFFSET or (explicit and offset.total_seconds() % 60):
        raise InputError(f"publication date {_show(value)} has an impossible UTC offset ({offset})")
    check_plausible(parsed, value)
    return parsed


def check_plausible(moment: datetime, value: object = None) -> None:
    """Raise InputError when ``moment`` is out of range or a known placeholder date."""
    shown = _show(moment.isoformat() if value is None else value)
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise InputError(f"publication date {shown} is a placeholder or out of range (years {MIN_YEAR}..{MAX_YEAR})")
    try:
        utc = moment.astimezone(timezone.utc)
    except (OverflowError, ValueError) as exc:
        raise InputError(f"publication date {shown} is out of range ({exc})") from exc
    if not MIN_YEAR <= utc.year <= MAX_YEAR:
        raise InputError(f"publication date {shown} is out of range (years {MIN_YEAR}..{MAX_YEAR})")
    midnight = (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)
    if utc == datetime(1970, 1, 1, tzinfo=timezone.utc) or (midnight and (moment.month, moment.day) == (1, 1)
                                                             and moment.year in (1900, 1970)):  # fmt: skip
        raise InputError(f"publication date {shown} is a placeholder (epoch zero or 1900-01-01)")


def is_plausible(value: object, default_tz: tzinfo = timezone.utc) -> bool:
    """Whether ``value`` parses to a plausible publication date."""
    try:
        parse_published(value, default_tz)
    except InputError:
        return False
    return True


def date_from_url(url: str | None, default_tz: tzinfo = timezone.utc) -> datetime | None:
    """The date a URL's path carries (/2019/11/05/..., /2019/11/..., 2019-11-05), or None."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for match in _URL_DATE.finditer(path):
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
        try:
            moment = datetime(year, month, day, tzinfo=default_tz)
            check_plausible(moment)
        except (ValueError, InputError):
            continue
        return moment
    return None


def _parse(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, int) and abs(value) > _EPOCH_MAX * 1000:
            raise InputError(f"publication date {_show(value)} is not a plausible epoch time")
        return _from_epoch(float(value))
    if isinstance(value, str) and value.strip():
        if len(value.strip()) > MAX_DATE_CHARS:
            raise InputError(f"publication date {_show(value)} is longer than {MAX_DATE_CHARS} characters")
        return _from_text(value.strip())
    raise InputError(f"publication date {_show(value)} is not a date")


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _from_epoch(seconds: float) -> datetime:
    if not math.isfinite(seconds):
        raise InputError(f"publication date {seconds!r} is not a plausible epoch time")
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
    except (ValueError, OverflowError, TypeError) as exc:
        raise InputError(f"publication date {_show(text)} is not in a format storyline understands") from exc
