"""The patterns of English news dates and the calendar arithmetic that resolves them.

``times.py`` finds candidates with ``PATTERNS`` (one named regular expression per kind of expression),
then resolves each with ``resolve`` against the publication date and the tense of its clause. Nothing
here reads spaCy: the tense arrives as a ``Direction``.

Span convention (the demo gold's): a governing preposition ("on Thursday", "in April", "by 2030",
"since April", "over the weekend") and an "early"/"late" modifier are part of a date. Durations,
sets, times of day and present/past/future references follow TIMEX3 (TimeML): "for two years" is
the duration "two years" (P2Y; "in five years" too, never the year 2029), "annually" the set P1Y,
"8 PM" and "Friday afternoon" times (T20:00, TAF), "now" PRESENT_REF, "recently" PAST_REF.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from enum import Enum

from storyline.model import Granularity


class Direction(Enum):
    """Which way an expression points from the publication date, read from its clause's tense."""

    PAST = "past"
    FUTURE = "future"
    NEAREST = "nearest"  # present tense: the nearest occurrence
    UNTENSED = "untensed"  # no finite verb governs it (a noun's date, a headline): the nearest, but see weekdays


Resolved = tuple[str | None, Granularity | None]
SKIP: Resolved = ("skip", None)  # the match is not a date after all (a duration "in two weeks")

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "couple of": 2, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "a hundred": 100, "one hundred": 100, "a dozen": 12, "a single": 1, "single": 1,
}  # fmt: skip
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
UNIT_DAYS = {"day": 1, "week": 7}

# -- pattern pieces ------------------------------------------------------------------------------
_FULL_MONTH = "January|February|March|April|May|June|July|August|September|October|November|December"
_ABBR_MONTH = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
MONTH = rf"(?:{_FULL_MONTH}|{_ABBR_MONTH})"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|:|\.\d|%|,\d)"
YEAR = r"(?:1[6-9]\d\d|20\d\d|21\d\d)(?![\d,]\d|\.\d)"
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
PART = r"(?:morning|afternoon|evening|night)"
NUM = r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+couple\s+of|several|a\s+few)"
_COUNT_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    "|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
)
_TENS_WORDS = "ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ONES_WORDS = "one|two|three|four|five|six|seven|eight|nine"
# A count in a duration: "18", "2.5", "two", "twenty-four", "a", "a couple of", "several" (vague: X).
COUNT = (
    rf"(?:\d{{1,3}}(?:\.\d+)?|(?:{_COUNT_WORDS})(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine)(?![\w-]))?"
    r"|a\s+(?:couple\s+of|few|dozen|hundred|single)|couple\s+of|several|a|an|few|many|some|single)"
)
DUR_UNIT = r"(?:second|minute|hour|day|week|fortnight|month|quarter|year|decade|century|centuries)"
# A word between the count and the unit: "eight trading days", "six straight days", "20 more years".
DUR_MODIFIER = (
    r"(?:(?P<mod>(?i:trading|business|working|straight|consecutive|successive|more|additional|further|full))\s+)?"
)
PART_CODE = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI", "midday": "MI"}
UNIT = r"(?:day|week|month|year|decade)s?"
PREP = r"(?:(?P<prep>(?i:on|in|by|from|until|till|since|before|after|during|over|through|throughout|at))\s+)?"
EARLY = r"(?:(?i:early|late|mid|the\s+end\s+of|the\s+start\s+of)[\s-]+)?"
DASH = r"\s*(?:-|–|—|to|through|until)\s*"


def _p(body: str) -> re.Pattern[str]:
    """Compile a pattern with the optional leading preposition and early/late modifier."""
    return re.compile(rf"(?<![\w-]){PREP}{EARLY}{body}(?![\w-])")


PATTERNS: dict[str, re.Pattern[str]] = {
    "iso": re.compile(r"(?<![\w-])(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w-])"),
    "mdy_range": _p(rf"(?P<mon>{MONTH})\s+(?P<d1>{DAY}){DASH}(?P<d2>{DAY})(?:,?\s+(?P<y>{YEAR}))?"),
    "dmy_range": _p(rf"(?P<d1>{DAY}){DASH}(?P<d2>{DAY})\s+(?P<mon>{MONTH})(?:,?\s+(?P<y>{YEAR}))?"),
    "mdy": _p(rf"(?:{WEEKDAY},?\s+)?(?P<mon>{MONTH})\s+(?P<d>{DAY})(?:,?\s+(?P<y>{YEAR}))?"),
    "dmy": _p(rf"(?:{WEEKDAY},?\s+)?(?P<d>{DAY})\s+(?P<mon>{MONTH})(?:,?\s+(?P<y>{YEAR}))?"),
    "month_year": _p(rf"(?P<mon>{MONTH})(?:\s+of)?,?\s+(?P<y>{YEAR})"),
    "month": re.compile(
        rf"(?<![\w-])(?P<pre>(?i:in|since|until|till|by|from|through|during|before|after|early|late|mid|last|next|this"
        rf"|for|as\s+of|between|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of|the\s+middle\s+of))[\s-]+"
        rf"(?P<mon>{MONTH})(?![\w-]|\.?\s+\d)"
    ),
    "weekday_range": _p(rf"(?P<w1>{WEEKDAY}){DASH.replace('until', 'until|and|or')}(?P<w2>{WEEKDAY})"),
    "weekday": _p(rf"(?:(?P<rel>(?i:last|next|this|coming|past))\s+)?(?P<w>{WEEKDAY})(?:\s+(?P<part>{PART}))?"),
    "deictic": _p(
        r"(?i:(?P<word>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today|tomorrow"
        r"|tonight|overnight|last\s+night|this\s+(?:morning|afternoon|evening)|(?:earlier|later)\s+today"
        r"|(?:yesterday|tomorrow)\s+(?:morning|afternoon|evening|night)"
        r"|(?:earlier|later)\s+in\s+the\s+day|the\s+(?:morning|afternoon|evening)))"
    ),
    "relative_unit": _p(
        r"(?i:(?P<rel>(?:earlier|later)\s+this|this\s+past|this|(?:the\s+)?last|next|coming|the\s+coming|(?:the\s+)?current)"
        r"\s+(?:fiscal\s+)?(?P<unit>week(?:end)?|month|year|quarter|decade|century|spring|summer|autumn|fall|winter))"
    ),
    "weekend": _p(r"(?i:the\s+weekend)"),
    "ago": _p(rf"(?i:(?P<n>{NUM})\s+(?P<unit>{UNIT})\s+(?P<dir>ago|from\s+now|hence))"),
    "offset_event": re.compile(
        rf"(?<![\w-])(?<!(?i:for) )"
        rf"(?i:(?P<n>{NUM}|the)\s+(?P<unit>(?:day|week)s?)\s+(?P<dir>after|before|later|earlier))"
        r"(?![\w-])(?!\s+than)"
    ),
    "year_range": _p(
        rf"(?:(?i:from|between)\s+)?(?P<y1>{YEAR}){DASH.replace('until', 'until|and')}(?P<y2>{YEAR}|\d\d)"
    ),
    "decade": _p(
        r"(?:(?i:the\s+)?(?:(?P<c>1[6-9]|20)(?P<d>\d)0|')(?P<short>\d0)?s(?![\w'])"
        r"|(?i:the\s+)(?P<bare>[2-9]0)s(?![\w'])|(?<=0s\sand\s)(?P<bare2>[2-9]0)s(?![\w'])"
        r"|(?i:the\s+(?P<word>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)))"
    ),
    "spoken_year": _p(  # "in nineteen ninety-six", "January nineteen ninety-seven", "the year two thousand"
        rf"(?:(?P<mon>{_FULL_MONTH})\s+|(?i:the\s+year\s+))?(?i:(?P<c>nineteen|eighteen)[\s-]+(?P<tens>{_TENS_WORDS})"
        rf"(?:[\s-]+(?P<ones>{_ONES_WORDS}))?|(?<=year\s)two\s+thousand(?:\s+and)?(?:[\s-]+(?P<small>{_ONES_WORDS}"
        r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))?)"
    ),
    "short_year": _p(r"'(?P<y>\d\d)(?![\w'])"),  # "since '82": the year, after a preposition only
    "century": _p(r"(?i:(?:the\s+)?(?P<n>\d{1,2})(?:st|nd|rd|th)[\s-]+century)"),
    "season": _p(
        r"(?i:(?P<rel>this|last|next|the)\s+)?(?P<s>(?i:spring|summer|autumn|fall|winter))(?:\s+of)?(?:\s+(?P<y>"
        + YEAR
        + "))?"
    ),
    "quarter": _p(
        rf"(?i:(?:the\s+)?(?:(?:(?P<y0>{YEAR})|(?P<rel0>year-earlier|year-ago|(?:last|next|this)\s+year's))\s+)?"
        r"(?:fiscal[\s-]+)?(?P<q>first|second|third|fourth|final|1st|2nd|3rd|4th)[\s-]+quarter)"
        rf"(?:(?:\s+of)?\s+(?P<y>{YEAR})|(?i:\s+(?:of\s+)?(?P<rel>last|next|this)\s+year))?"
    ),
    "half": _p(  # "the second half of 1989", "the first half of next year", "the second half": YYYY-H2
        rf"(?i:(?:the\s+)?(?P<h>first|second|last|latter)\s+half(?:\s+of\s+(?:(?P<y>{YEAR})|(?P<rel>last|next|this)\s+year"
        r"|the\s+year))?)(?!\s+of\b)"
    ),
    "month_rel_year": _p(  # "July last year", "in February of next year", "March this year"
        rf"(?P<mon>{MONTH})(?:\s+of)?\s+(?P<rel>(?i:last|next|this))\s+year(?!'s)"
    ),
    "numeric": re.compile(  # "7/8/07", "12/25/2009": month/day/year, as US news writes it
        r"(?<![\w/.-])(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/(?P<y>\d{4}|\d\d)(?![\w/-]|\.\d)"
    ),
    "quarter_ended": re.compile(  # "the quarter ended Sept. 30": the quarter holding that day (a date, not P3M)
        r"(?<![\w-])(?i:the\s+(?:fiscal\s+)?(?:(?P<y0>\d{4})\s+)?quarter)"
        rf"(?=\s+(?i:ended|ending)\s+(?P<mon>{MONTH})\s+(?P<d>{DAY})(?:,?\s+(?P<y>{YEAR}))?)"
    ),
    "year_period": re.compile(  # "in the 1988 period", "the 1988 quarter": that year's period named before
        rf"(?<![\w-])(?i:the\s+(?P<y>{YEAR})\s+(?:fiscal\s+)?(?P<unit>period|quarter))(?![\w-])"
    ),
    "year": _p(rf"(?P<y>{YEAR})"),
    # -- durations, sets, times of day and references to the present, past and future (TIMEX3) ------
    "duration": re.compile(
        r"(?<![\w-])(?i:(?:(?:at\s+least|about|nearly|almost|around|roughly|some|more\s+than|less\s+than|over|under"
        r"|up\s+to|only|just)\s+(?!the\s))?(?:the\s+|a\s+|an\s+)?(?:(?P<rel>past|last|next|first|coming|previous|latest|final"
        r"|following|remaining|initial|same|year-earlier|prior|recent)\s+)?"
        rf"(?P<n>{COUNT})(?P<half>\s+1/2|½)?(?:\s+and\s+a\s+half)?[\s-]+{DUR_MODIFIER}(?P<unit>{DUR_UNIT})s?(?:\s+and\s+a\s+half)?)"
        r"(?![\w-])"
        r"(?!\s*-?\s*old)(?!\s+(?i:ago|from\s+now|hence|old|of\s+age))(?<!(?i:a\ssecond))"
    ),
    "duration_the": re.compile(  # "the past week", "the year ended March 31": one unit ("the last week" is a date)
        rf"(?<![\w-])(?i:the\s+(?P<rel>past)\s+(?P<unit>{DUR_UNIT})"
        r"|the\s+(?:fiscal\s+)?(?P<unit2>year|quarter|month|week)(?=\s+(?:ended|ending)\b))(?![\w-])"
    ),
    "duration_bare": re.compile(  # "for years", "in months", "over decades": vague
        r"(?:(?i:(?<=for )|(?<=in )|(?<=over )|(?<=within )|(?<=after )|(?<=took )|(?<=takes )|(?<=take )"
        r"|(?<=over the ))(?i:(?P<unit>seconds|minutes|hours|days|weeks|months|years|decades))"
        r"|(?i:recent\s+(?P<unit2>days|weeks|months|quarters|years)))"
        r"(?![\w-])(?!\s+(?i:ago|earlier|later|of\s+\d|before|after))"
    ),
    "earlier_units": re.compile(  # "a year earlier", "two months earlier": back from the publication date
        rf"(?<![\w-])(?i:(?P<n>{NUM})\s+(?P<unit>(?:month|year)s?)\s+earlier|the\s+(?:previous|prior)\s+(?P<unit2>year)"
        r"|the\s+year\s+(?:before|previous))(?![\w-])"
    ),
    "period": re.compile(  # "the latest quarter", "the year-earlier period", "a year earlier": see times.py
        r"(?<![\w-])(?i:(?:the\s+)?(?:(?P<ago>year-earlier|year-ago|comparable\s+year-ago)(?:\s+(?:fiscal\s+)?"
        r"(?:period|quarter|results))?|(?P<latest>latest|most\s+recent)\s+(?:fiscal\s+)?(?:quarter|period)"
        r"|(?P<full>(?<=for\s)the\s+year(?!\s+(?:ended|ending|to|before|after|earlier|ago|of)\b)|the\s+full\s+year)))(?![\w-])"
    ),
    "ref": re.compile(
        r"(?<![\w-])(?i:(?P<present>(?:right\s+|just\s+|until\s+|by\s+)?now|currently|current|at\s+present|presently"
        r"|nowadays|these\s+days|the\s+time\s+being|at\s+the\s+moment)"
        r"|(?P<past>recently|recent(?:\s+times)?(?!\s+(?:years|months|weeks|days|quarters)\b)|lately|the\s+past(?=\s*[,.;:!?\"')]"
        r"|\s+(?:and|or|but|when|that|as|to|is|was|has|have|had|we|they|he|she|it|I|decade|century)\b))"
        r"|(?P<future>(?<!as\s)soon(?!\s+(?i:as|after|afterwards)\b)|the\s+(?:near\s+)?future|the\s+(?:near|short|long)\s+term|the\s+long\s+run"
        r"|(?:the\s+)?coming\s+(?:days|weeks|months|years)))(?![\w-])"
    ),
    "set": re.compile(
        rf"(?<![\w-])(?i:(?P<adverb>annually|yearly|weekly|monthly|quarterly|hourly|nightly|biweekly|daily)"
        rf"|(?:every|each)\s+(?:other\s+)?(?:(?P<n>{COUNT})\s+)?(?P<unit>{DUR_UNIT}|morning|afternoon|evening"
        rf"|night|weekend|{WEEKDAY.replace('?:', '')}|{_FULL_MONTH})s?"
        rf"|(?:once|twice|thrice|(?:{NUM}|\d+)\s+times)\s+(?:a|an|per|each|every)\s+(?P<unit2>{DUR_UNIT}))(?![\w-])"
    ),
    "clock": re.compile(
        rf"(?<![\w:.-])(?i:(?:(?P<day1>{WEEKDAY}|today|tonight|yesterday|tomorrow),?\s+(?:at\s+)?)?"
        r"(?:(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ampm>a\.m\.?|p\.m\.?|am|pm)(?![\w])"
        r"|(?P<h24>[01]\d|2[0-3]):?(?P<mi24>[0-5]\d)(?=\s*(?:UTC|GMT|Z\b|hrs|hours|local|[ECMP][SD]?T\b|BST|CET))"
        r"|(?P<word>noon|midday|midnight))"
        r"(?:\s+(?P<tz>UTC|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|CT|PT|BST|CET|CEST|hrs|local\s+time)(?![\w]))?"
        r"(?:\s*\((?:GMT|UTC)\s*[+-]\s*\d{1,2}\))?"
        rf"(?:,?\s+(?:on\s+)?(?P<day2>{WEEKDAY}|today|tonight|yesterday|tomorrow)(?![\w-]))?)"
    ),
    "part_of_day": re.compile(  # "in the morning", "by mid-afternoon": the day named before, else the publication day
        r"(?<![\w-])(?i:(?:the\s+|mid[\s-]?)(?P<part>morning|afternoon|evening))(?![\w-])"
        r"(?!\s+(?i:of|after|before|newspaper|paper|show))"
    ),
    "same_period": re.compile(  # "the same period last year", "the same month a year ago": named before, a year back
        r"(?<![\w-])(?i:(?:the\s+)?(?:same|corresponding|comparable)\s+(?P<unit>period|month|quarter|time|week)"
        r"\s+(?:of\s+)?(?:last\s+year|the\s+(?:last|previous|prior)\s+year|a\s+year\s+(?:ago|earlier|before)))(?![\w-])"
    ),
    "month_range": _p(  # "between April and June", "from March to May": two months of one stretch
        rf"(?:(?i:between)\s+)?(?P<mon>{_FULL_MONTH})\s*(?:-|–|to|through|until|and)\s*(?P<mon2>{_FULL_MONTH})(?![\w-]|\.?\s+\d|,?\s+\d{{4}})"
    ),
    "holiday": _p(  # "on Christmas Eve", "Thanksgiving Day", "Easter 1998": the holiday's day, its year by tense
        r"(?:(?P<rel>(?i:last|next|this))\s+)?(?P<h>Christmas\s+(?:Eve|Day)|New\s+Year's\s+(?:Eve|Day)"
        r"|Thanksgiving\s+Day|Independence\s+Day|(?i:the\s+)?Fourth\s+of\s+July|July\s+(?:4th|Fourth)|Labor\s+Day"
        r"|Memorial\s+Day|Veterans\s+Day|Valentine's\s+Day|Easter\s+Sunday|Good\s+Friday|Christmas|Easter"
        rf"|Thanksgiving|Halloween)(?:,?\s+(?:of\s+)?(?P<y>{YEAR}))?"
    ),
    "year_end": re.compile(  # "by year end", "around year-end", "by year's end": the end of the publication year
        r"(?<![\w-])(?i:(?:by|at|around|before|until|near|toward|towards)\s+(?:the\s+)?year(?:'s)?[\s-]end)(?![\w-])"
    ),
    "anaphor": re.compile(  # "the quarter", "for the day", "that year": the period the text is about (times.py)
        rf"(?<![\w-]){PREP}(?i:(?:(?P<edge>the\s+(?:end|start|beginning|middle|rest|remainder)\s+of|(?:early|late|earlier)\s+in)\s+)?"
        r"(?P<det>the\s+same|the\s+following|the\s+entire|the\s+whole|the|that)\s+(?P<unit>day|quarter|year|month))"
        r"(?![\w-])"
        r"(?!\s+(?i:before|after|earlier|later|ago|ended|ending|to\s+date|of|when|that|in\s+which|previous|following|two)\b)"
        r"(?!\s+\d{4}(?!\d))"  # "the year 2000" is that year, named by its number
    ),
}

# Words one of which every match of a pattern holds: a pattern runs only on texts that have one (most news
# texts lack most of them, and a scan with an optional leading preposition is slow). ``TRIGGERS`` are looked
# for in the lower-cased text, ``CASED_TRIGGERS`` in the text itself (month and weekday names are matched
# capitalized). Kinds in neither always run.
_MONTH_STEMS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CASED_TRIGGERS: dict[str, tuple[str, ...]] = {
    "mdy_range": _MONTH_STEMS, "dmy_range": _MONTH_STEMS, "mdy": _MONTH_STEMS, "dmy": _MONTH_STEMS,
    "month_year": _MONTH_STEMS, "month": _MONTH_STEMS, "month_rel_year": _MONTH_STEMS, "month_range": _MONTH_STEMS,
    "quarter_ended": _MONTH_STEMS, "weekday_range": _WEEKDAYS, "weekday": _WEEKDAYS,
}  # fmt: skip
TRIGGERS: dict[str, tuple[str, ...]] = {
    "deictic": ("yesterday", "today", "tomorrow", "tonight", "overnight", "night", "morning", "afternoon", "evening",
                "the day"),
    "relative_unit": ("week", "month", "year", "quarter", "decade", "century", "spring", "summer", "autumn", "fall",
                      "winter"),
    "weekend": ("weekend",),
    "ago": ("ago", "from now", "hence"),
    "offset_event": ("after", "before", "later", "earlier"),
    "decade": ("0s", "ties"),
    "century": ("century",),
    "season": ("spring", "summer", "autumn", "fall", "winter"),
    "quarter": ("quarter",),
    "half": ("half",),
    "numeric": ("/",),
    "year_period": ("period", "quarter"),
    "spoken_year": ("nineteen", "eighteen", "thousand"),
    "short_year": ("'",),
    "duration": ("second", "minute", "hour", "day", "week", "fortnight", "month", "quarter", "year", "decade",
                 "centur"),
    "duration_the": ("the past", "ended", "ending"),
    "duration_bare": ("seconds", "minutes", "hours", "days", "weeks", "months", "quarters", "years", "decades"),
    "earlier_units": ("earlier", "previous", "prior", "the year before"),
    "period": ("year-earlier", "year-ago", "latest", "most recent", "the year", "full year"),
    "ref": ("now", "current", "present", "these days", "time being", "moment", "recent", "lately", "the past",
            "soon", "future", "term", "long run", "coming"),
    "set": ("annually", "yearly", "weekly", "monthly", "quarterly", "hourly", "nightly", "daily", "every", "each",
            "once", "twice", "thrice", "times"),
    "part_of_day": ("morning", "afternoon", "evening"),
    "same_period": ("same", "corresponding", "comparable"),
    "year_end": ("year end", "year-end", "year's end"),
    "holiday": ("christmas", "new year", "thanksgiving", "independence day", "fourth", "labor day", "memorial day",
                "veterans day", "valentine", "easter", "good friday", "halloween"),
    "anaphor": ("day", "quarter", "year", "month"),
}  # fmt: skip

# Kinds whose year or weekday depends on the clause's tense.
NEEDS_DIRECTION = frozenset({"mdy", "dmy", "mdy_range", "dmy_range", "month", "weekday", "weekday_range",
                             "season", "quarter", "weekend", "deictic", "clock", "month_range",
                             "holiday", "part_of_day"})  # fmt: skip
# Kinds resolved from the other expressions of the text after the first pass (``times.py``).
ANAPHORIC = frozenset({"anaphor", "year_period", "same_period"})
# Kinds that are TIMEX3 SETs (recurrences); durations are told by their "P" value.
SET_KINDS = frozenset({"set"})


# -- calendar arithmetic ---------------------------------------------------------------------------
def iso_day(d: date) -> str:
    return d.isoformat()


def iso_week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """``(year, month)`` moved by ``delta`` months."""
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def pick(candidates: list[date], anchor: date, direction: Direction) -> date:
    """The candidate consistent with ``direction``: latest on/before, earliest on/after, or nearest."""
    past = [c for c in candidates if c <= anchor]
    future = [c for c in candidates if c >= anchor]
    if direction is Direction.PAST and past:
        return max(past)
    if direction is Direction.FUTURE and future:
        return min(future)
    return min(candidates, key=lambda c: (abs((c - anchor).days), c > anchor))


def weekday_date(weekday: int, anchor: date, direction: Direction) -> date:
    """The date of ``weekday`` within six days of ``anchor``; the anchor's own weekday is the anchor."""
    back = anchor - timedelta(days=(anchor.weekday() - weekday) % 7)
    ahead = anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
    if direction is Direction.UNTENSED and (ahead - anchor).days > 2:
        return back
    return pick([back, ahead], anchor, direction)


def month_of(month: int, anchor: date, direction: Direction) -> tuple[int, int]:
    """The ``(year, month)`` a bare month name means, seen from ``anchor`` in ``direction``."""
    firsts = [date(anchor.year + k, month, 1) for k in (-1, 0, 1)]
    here = anchor.replace(day=1)
    chosen = pick(firsts, here, direction)
    return chosen.year, chosen.month


TENSE_SLACK_DAYS = 60  # a day this far on the wrong side of the publication date for its tense is another year's


def day_of(month: int, day: int, anchor: date, direction: Direction) -> date | None:
    """The date of "June 12" without a year, seen from ``anchor`` in ``direction``.

    News style (AP) gives the year only when it is not the current one, so the publication year wins,
    unless the tense puts it over two months on the wrong side of the publication date ("set a record on
    Aug. 6" written in February is last August), or that date is over half a year away and the
    neighbouring year's, consistent with the tense, is nearer ("Dec. 28" in early January is last year's).
    """
    current = _ymd(anchor.year, month, day)
    if current is None:
        return None
    if direction is Direction.PAST and (current - anchor).days > TENSE_SLACK_DAYS:
        return _ymd(anchor.year - 1, month, day) or current  # "set a record on Aug. 6", written in February
    if direction is Direction.FUTURE and (anchor - current).days > TENSE_SLACK_DAYS:
        return _ymd(anchor.year + 1, month, day) or current  # "takes effect June 1", written in October
    if abs((current - anchor).days) <= 183:
        return current
    other = _ymd(anchor.year + (1 if current < anchor else -1), month, day)
    if other is None or pick([current, other], anchor, direction) is current:
        return current
    return other


def number(text: str) -> int | None:
    """The value of a count ("two", "12", "a couple of"); None for vague counts ("several")."""
    key = " ".join(text.lower().split())
    return int(key) if key.isdigit() else NUMBERS.get(key)


def shift(anchor: date, n: int, unit: str) -> Resolved:
    """``anchor`` moved by ``n`` units (negative is back), at the unit's own granularity."""
    unit = unit.lower().rstrip("s")
    if unit in UNIT_DAYS:
        moved = anchor + timedelta(days=n * UNIT_DAYS[unit])
        return (iso_day(moved), Granularity.DAY) if unit == "day" else (iso_week(moved), Granularity.WEEK)
    if unit == "month":
        year, month = add_months(anchor.year, anchor.month, n)
        return f"{year}-{month:02d}", Granularity.MONTH
    if unit == "year":
        return str(anchor.year + n), Granularity.YEAR
    if unit == "decade":
        return str((anchor.year + 10 * n) // 10), Granularity.DECADE
    return None, None


Resolver = Callable[[re.Match[str], date | None, Direction], Resolved]


# -- resolvers: one per pattern; ``anchor`` is the publication date or None -------------------------
def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _ymd(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day_in_year(m: re.Match[str], key: str, anchor: date | None, direction: Direction) -> date | None:
    """The date of a day-of-month group ``key``, with the match's year or one chosen by direction."""
    month, day = _month(m["mon"]), int(re.sub(r"\D", "", m[key]))
    if m["y"]:
        return _ymd(int(m["y"]), month, day)
    return day_of(month, day, anchor, direction) if anchor else None


def r_iso(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    found = _ymd(int(m["y"]), int(m["m"]), int(m["d"]))
    return (iso_day(found), Granularity.DAY) if found else SKIP


def r_day(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    found = _day_in_year(m, "d", anchor, direction)
    return (iso_day(found) if found else None), Granularity.DAY


def r_day_range(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    first, last = _day_in_year(m, "d1", anchor, direction), _day_in_year(m, "d2", anchor, direction)
    if first and last and last < first:
        last = _ymd(first.year, last.month, last.day)
    if not (first and last) or last < first:
        return None, Granularity.RANGE
    return f"{iso_day(first)}/{iso_day(last)}", Granularity.RANGE


def r_month_year(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    return f"{int(m['y'])}-{_month(m['mon']):02d}", Granularity.MONTH


def r_month(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """A bare month: "last June" is before this month, "next June" after it, "in June" by tense."""
    if anchor is None:
        return None, Granularity.MONTH
    pre, month = " ".join(m["pre"].lower().split()), _month(m["mon"])
    if pre == "last":
        year = anchor.year if month < anchor.month else anchor.year - 1
    elif pre == "next":
        year = anchor.year if month > anchor.month else anchor.year + 1
    elif pre == "this":
        year = anchor.year
    else:
        year, month = month_of(month, anchor, direction)
    return f"{year}-{month:02d}", Granularity.MONTH


def _weekday(name: str, rel: str | None, anchor: date, direction: Direction) -> date:
    """A weekday: "last Monday" strictly before the anchor, "next Monday" strictly after, else by tense."""
    weekday = WEEKDAYS[name.lower()]
    rel = (rel or "").lower()
    if rel in ("last", "past"):
        return anchor - timedelta(days=(anchor.weekday() - weekday - 1) % 7 + 1)
    if rel in ("next", "coming"):
        return anchor + timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)
    return weekday_date(weekday, anchor, direction)


def r_weekday(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "on Monday"; "Friday afternoon" is a time of that day (TIMEX3 "2010-07-16TAF")."""
    part = PART_CODE.get((m["part"] or "").lower())
    if anchor is None:
        return None, (Granularity.TIME if part else Granularity.DAY)
    day = iso_day(_weekday(m["w"], m["rel"], anchor, direction))
    return (f"{day}T{part}", Granularity.TIME) if part else (day, Granularity.DAY)


def r_weekday_range(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    if anchor is None:
        return None, Granularity.RANGE
    first = _weekday(m["w1"], None, anchor, direction)
    last = first + timedelta(days=(WEEKDAYS[m["w2"].lower()] - first.weekday()) % 7)
    if re.search(r"(?i)\s(?:and|or)\s", m[0]) and (last - first).days > 2:
        return SKIP  # "Friday and Thursday" are two days, not a week-long range
    return f"{iso_day(first)}/{iso_day(last)}", Granularity.RANGE


DEICTIC_DAYS = {"the day before yesterday": -2, "yesterday": -1, "last night": -1, "tomorrow": 1,
                "the day after tomorrow": 2}  # fmt: skip


def r_deictic(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """Yesterday, today, tonight...; "overnight" is the night before (or, in the future, after)."""
    word = " ".join(m["word"].lower().split())
    if word == "overnight":
        if anchor is None:
            return None, Granularity.RANGE
        first = anchor if direction is Direction.FUTURE else anchor - timedelta(days=1)
        return f"{iso_day(first)}/{iso_day(first + timedelta(days=1))}", Granularity.RANGE
    words = word.split()
    part = "NI" if word in ("tonight", "last night") else PART_CODE.get(words[-1]) if len(words) == 2 else None
    day_word = "last night" if word == "last night" else words[0] if part and words[0] != "the" else word
    if anchor is None:
        return None, (Granularity.TIME if part else Granularity.DAY)
    day = iso_day(anchor + timedelta(days=DEICTIC_DAYS.get(day_word, 0)))
    return (f"{day}T{part}", Granularity.TIME) if part else (day, Granularity.DAY)


def _weekend(anchor: date, rel: str, direction: Direction) -> Resolved:
    past = anchor - timedelta(days=(anchor.weekday() - 5) % 7)
    coming = anchor + timedelta(days=(5 - anchor.weekday()) % 7)
    if rel in ("last", "this past", "the past"):
        saturday = past if past + timedelta(days=1) < anchor else past - timedelta(days=7)
    elif rel in ("next", "coming", "the coming"):
        saturday = coming if coming > anchor else coming + timedelta(days=7)
    else:
        saturday = pick([past, coming], anchor, direction)
        saturday = past if anchor.weekday() == 6 and direction is not Direction.FUTURE else saturday
    return f"{iso_day(saturday)}/{iso_day(saturday + timedelta(days=1))}", Granularity.RANGE


def r_weekend(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    return _weekend(anchor, "", direction) if anchor else (None, Granularity.RANGE)


RELATIVE_STEP = {"this": 0, "earlier this": 0, "later this": 0, "last": -1, "this past": -1, "next": 1,
                 "coming": 1, "the coming": 1, "current": 0, "the current": 0, "the last": -1}  # fmt: skip
UNIT_GRANULARITY = {"week": Granularity.WEEK, "month": Granularity.MONTH, "year": Granularity.YEAR,
                    "quarter": Granularity.QUARTER, "decade": Granularity.DECADE,
                    "century": Granularity.CENTURY, "weekend": Granularity.RANGE}  # fmt: skip


def r_relative_unit(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "this week", "last month", "next year", "earlier this week", "last summer"..."""
    rel, unit = " ".join(m["rel"].lower().split()), m["unit"].lower()
    if rel == "the past":
        return SKIP  # "the past week" is a duration
    granularity = UNIT_GRANULARITY.get(unit, Granularity.SEASON)
    if anchor is None:
        return None, granularity
    step = RELATIVE_STEP[rel]
    if unit == "weekend":
        return _weekend(anchor, rel, direction)
    if unit in SEASONS:
        return f"{_season_year(unit, step, anchor)}-{SEASONS[unit]}", granularity
    if unit == "quarter":
        year, month = add_months(anchor.year, anchor.month, 3 * step)
        return f"{year}-Q{(month - 1) // 3 + 1}", granularity
    if unit == "century":
        return str(anchor.year // 100 + step), granularity
    if rel == "the last" and unit == "decade":  # "in the last decade": the past ten years, not the 1970s in 1989
        return _past_unit(unit, anchor)
    return shift(anchor, step, unit)


SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def _season_year(season: str, step: int, anchor: date) -> int:
    """The year of "last summer" (the latest summer over by ``anchor``: in October, this year's), "next
    summer" (the next one not begun yet) or "this summer"."""
    start = date(anchor.year, SEASON_START[SEASONS[season.lower()]], 1)
    if step < 0:
        year, month = add_months(start.year, start.month, 3)
        return anchor.year if date(year, month, 1) <= anchor else anchor.year - 1
    if step > 0:
        return anchor.year if start > anchor else anchor.year + 1
    return anchor.year


def r_ago(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "two days ago", "three years from now"."""
    n, unit = number(m["n"]), m["unit"]
    granularity = shift(date(2000, 1, 1), 0, unit)[1]
    if n is None:  # "several years ago", "a few weeks from now"
        return ("PAST_REF" if m["dir"].lower() == "ago" else "FUTURE_REF"), None
    if anchor is None:
        return None, granularity
    n = n if m["dir"].lower() != "ago" else -n
    if unit.lower().startswith("week"):  # "a week ago" is a day: the same weekday a week back
        return iso_day(anchor + timedelta(days=7 * n)), Granularity.DAY
    return shift(anchor, n, unit)


def r_offset_event(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "a day after the summit": resolved later, from a date in the same sentence (``times.py``)."""
    return None, Granularity.DAY


def r_year_range(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    first, last = int(m["y1"]), m["y2"]
    end = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
    return (f"{first}/{end}", Granularity.RANGE) if end > first else SKIP


DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                "eighties": 8, "nineties": 9}  # fmt: skip


def r_decade(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "the 1990s" 199, "the '80s" / "the 80s" / "the eighties" 198."""
    if m["word"]:
        return f"19{DECADE_WORDS[m['word'].lower()]}", Granularity.DECADE
    if m["bare"] or m["bare2"]:  # "the 70s": the last century's
        return f"19{(m['bare'] or m['bare2'])[0]}", Granularity.DECADE
    if m["c"]:
        return f"{m['c']}{m['d']}", Granularity.DECADE
    if not m["short"]:
        return SKIP
    short = int(m["short"])
    return (f"19{short // 10}" if short >= 20 else f"20{short // 10}"), Granularity.DECADE


def r_century(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    return f"{int(m['n']) - 1:02d}", Granularity.CENTURY


def r_season(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    code, rel = SEASONS[m["s"].lower()], (m["rel"] or "").lower()
    if m["y"]:
        return f"{m['y']}-{code}", Granularity.SEASON
    if rel in ("", "the") and not m["prep"]:
        return SKIP  # "summer" alone is often a modifier ("summer camp")
    if anchor is None:
        return None, Granularity.SEASON
    step = {"last": -1, "next": 1}.get(rel, 0)
    return f"{_season_year(m['s'], step, anchor)}-{code}", Granularity.SEASON


YEAR_WORD_STEP = {"last": -1, "next": 1, "this": 0}


def r_quarter(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "the third quarter of 1989", "next year's first quarter", "the year-ago third quarter"."""
    quarter = ORDINALS[m["q"].lower()]
    if m["y"] or m["y0"]:
        return f"{m['y'] or m['y0']}-Q{quarter}", Granularity.QUARTER
    if anchor is None:
        return None, Granularity.QUARTER
    rel = (m["rel"] or m["rel0"] or "").lower().split()
    if rel and rel[0] in YEAR_WORD_STEP:  # "the first quarter of last year", "next year's first quarter"
        return f"{anchor.year + YEAR_WORD_STEP[rel[0]]}-Q{quarter}", Granularity.QUARTER
    if rel:  # "the year-ago third quarter": that quarter of the year before the one it would be
        year = r_quarter_year(quarter, anchor, Direction.PAST)
        return f"{year - 1}-Q{quarter}", Granularity.QUARTER
    return f"{r_quarter_year(quarter, anchor, direction)}-Q{quarter}", Granularity.QUARTER


def r_quarter_year(quarter: int, anchor: date, direction: Direction) -> int:
    """The year of a bare "third quarter"."""
    # a quarter is reported on once it ends, so a bare "third quarter" is this year's, also in a future
    # clause ("expects to report for the third quarter" in October); only a past clause about a quarter
    # that has not begun yet means last year's
    begun = date(anchor.year, 3 * quarter - 2, 1) <= anchor
    if direction is Direction.PAST and not begun:
        return anchor.year - 1
    # with no tense to go by, a fourth quarter named in the first quarter is the one just ended
    # ("profits for the fourth quarter" in January), not one nine months ahead
    just_ended = quarter == 4 and anchor.month <= 3 and direction in (Direction.NEAREST, Direction.UNTENSED)
    return anchor.year - 1 if just_ended else anchor.year


def r_half(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "the second half of 1989" is the range 1989-07/1989-12 (TIMEX3 1989-H2); "the first half of next
    year"; a bare "the second half" is this year's."""
    half = 1 if m["h"].lower() == "first" else 2
    months = "01/{y}-06" if half == 1 else "07/{y}-12"
    if m["y"]:
        return f"{m['y']}-{months.format(y=m['y'])}", Granularity.RANGE
    if not m["rel"] and "the year" not in m[0].lower() and not re.match(r"(?i)the\s", m[0].lstrip()):
        return SKIP  # "a first half" of something else
    if anchor is None:
        return None, Granularity.RANGE
    year = anchor.year + YEAR_WORD_STEP.get((m["rel"] or "this").lower(), 0)
    return f"{year}-{months.format(y=year)}", Granularity.RANGE


def r_month_rel_year(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "July last year" is July of the year before the publication year."""
    if anchor is None:
        return None, Granularity.MONTH
    return f"{anchor.year + YEAR_WORD_STEP[m['rel'].lower()]}-{_month(m['mon']):02d}", Granularity.MONTH


def r_numeric(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    year = int(m["y"]) if len(m["y"]) == 4 else 2000 + int(m["y"]) if int(m["y"]) < 50 else 1900 + int(m["y"])
    found = _ymd(year, int(m["m"]), int(m["d"]))
    return (iso_day(found), Granularity.DAY) if found else SKIP


def r_quarter_ended(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "the quarter ended Sept. 30": the quarter holding its last day (a reported quarter is a past one)."""
    month, day = _month(m["mon"]), int(re.sub(r"\D", "", m["d"]))
    last = _ymd(int(m["y"]), month, day) if m["y"] else None
    if not m["y"] and anchor is not None:
        last = day_of(month, day, anchor, Direction.PAST)
    if last is None:
        return None, Granularity.QUARTER
    return f"{last.year}-Q{(last.month - 1) // 3 + 1}", Granularity.QUARTER


def r_spoken_year(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """A year in words, as broadcast transcripts write it: "nineteen ninety-six" 1996, "two thousand" 2000."""
    if m["c"]:
        ones = NUMBERS[m["ones"].lower()] if m["ones"] else 0
        year = (1900 if m["c"].lower() == "nineteen" else 1800) + NUMBERS[m["tens"].lower()] + ones
    else:
        year = 2000 + (NUMBERS[m["small"].lower()] if m["small"] else 0)
    if m["mon"]:
        return f"{year}-{_month(m['mon']):02d}", Granularity.MONTH
    return str(year), Granularity.YEAR


def r_short_year(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "since '82": a year of the last century unless that is over 80 years before the publication date."""
    if not m["prep"]:
        return SKIP
    short = int(m["y"])
    year = 2000 + short if anchor is not None and 2000 + short <= anchor.year + 1 else 1900 + short
    return str(year), Granularity.YEAR


FIXED_HOLIDAYS = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
                  "new year's day": (1, 1), "new year's eve": (12, 31), "independence day": (7, 4),
                  "the fourth of july": (7, 4), "fourth of july": (7, 4), "july 4th": (7, 4), "july fourth": (7, 4),
                  "veterans day": (11, 11), "valentine's day": (2, 14), "halloween": (10, 31)}  # fmt: skip
SINGLE_WORD_HOLIDAYS = frozenset({"christmas", "easter", "thanksgiving", "halloween"})


def _easter(year: int) -> date:
    """Easter Sunday of ``year`` (Gregorian calendar, the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` of a month (n = -1: the last one)."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def holiday_date(name: str, year: int) -> date:
    """The date of a holiday named in English news in ``year`` (US dates for Thanksgiving, Labor Day...)."""
    key = " ".join(name.lower().split())
    if key in FIXED_HOLIDAYS:
        return date(year, *FIXED_HOLIDAYS[key])
    if key.startswith("easter"):
        return _easter(year)
    if key == "good friday":
        return _easter(year) - timedelta(days=2)
    if key.startswith("thanksgiving"):
        return _nth_weekday(year, 11, 3, 4)
    if key == "labor day":
        return _nth_weekday(year, 9, 0, 1)
    return _nth_weekday(year, 5, 0, -1)  # Memorial Day


def r_holiday(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "on Christmas Eve" by tense; "last Easter" the latest before the publication date; "Easter 1998"."""
    name, rel = m["h"], (m["rel"] or "").lower()
    if " ".join(name.lower().split()) in SINGLE_WORD_HOLIDAYS and not (m["prep"] or rel or m["y"]):
        return SKIP  # "Christmas sales", "Easter eggs": a modifier, not a day
    if m["y"]:
        return iso_day(holiday_date(name, int(m["y"]))), Granularity.DAY
    if anchor is None:
        return None, Granularity.DAY
    days = [holiday_date(name, anchor.year + k) for k in (-1, 0, 1)]
    if rel == "last":
        return iso_day(max(d for d in days if d < anchor)), Granularity.DAY
    if rel == "next":
        return iso_day(min(d for d in days if d > anchor)), Granularity.DAY
    if rel == "this":
        return iso_day(days[1]), Granularity.DAY
    return iso_day(pick(days, anchor, direction)), Granularity.DAY


def r_year_end(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    return (str(anchor.year) if anchor else None), Granularity.YEAR


def r_anaphor(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """Resolved in ``times.py`` from the expressions before it ("the quarter", "that day", "the 1988 period")."""
    unit = m["unit"].lower()
    return None, Granularity.QUARTER if unit in ("period", "time") else UNIT_GRANULARITY.get(unit, Granularity.DAY)


def r_month_range(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "between April and June": the first month by tense, the second the next such month after it."""
    if anchor is None:
        return None, Granularity.RANGE
    year, month = month_of(_month(m["mon"]), anchor, direction)
    last = _month(m["mon2"])
    if last == month:
        return SKIP
    end_year = year if last > month else year + 1
    return f"{year}-{month:02d}/{end_year}-{last:02d}", Granularity.RANGE


def r_year(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    return str(int(m["y"])), Granularity.YEAR


# -- durations, sets, times of day, present/past/future references (TIMEX3 types other than DATE) -------
UNIT_CODE = {"second": "TS", "minute": "TM", "hour": "TH", "day": "D", "week": "W", "month": "M", "year": "Y"}
# Units ISO 8601 lacks, as multiples of one it has: a fortnight is 2 weeks, a quarter 3 months.
UNIT_MULTIPLE = {"fortnight": (2, "week"), "quarter": (3, "month"), "decade": (10, "year"),
                 "century": (100, "year"), "centuries": (100, "year")}  # fmt: skip
HALF = {"Y": (6, "M"), "M": (15, "D"), "D": (12, "TH"), "TH": (30, "TM"), "TM": (30, "TS")}
VAGUE = frozenset({"several", "a few", "few", "many", "some"})
SET_ADVERBS = {"annually": "P1Y", "yearly": "P1Y", "weekly": "P1W", "biweekly": "P2W", "monthly": "P1M",
               "quarterly": "P3M", "hourly": "PT1H", "nightly": "XXXX-XX-XXTNI", "daily": "P1D"}  # fmt: skip


def count(text: str) -> float | None:
    """The value of a duration's count ("18", "2.5", "twenty-four", "a"); None for vague counts."""
    key = " ".join(text.lower().split())
    if key in VAGUE:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", key):
        return float(key)
    if re.fullmatch(r"[a-z]+[- ][a-z]+", key) and not key.startswith(("a ", "couple")):
        tens, ones = re.split(r"[- ]", key)
        a, b = NUMBERS.get(tens), NUMBERS.get(ones)
        return float(a + b) if a is not None and b is not None else None
    found = NUMBERS.get(key)
    return float(found) if found is not None else None


def iso_duration(n: float | None, unit: str) -> str:
    """ISO 8601 duration of ``n`` units ("P2Y", "PT1H", "P18M"); an unknown count is "X" ("PXY")."""
    unit = unit.lower()
    unit = "century" if unit == "centuries" else unit.rstrip("s") if unit not in ("hours", "days") else unit[:-1]
    factor, unit = UNIT_MULTIPLE.get(unit, (1, unit))
    code = UNIT_CODE[unit]
    if n is None:
        amount = "X"
    else:
        total = n * factor
        whole = int(total)
        if total - whole == 0.5 and code in HALF:  # "2 1/2 years" P2Y6M, "an hour and a half" PT1H30M
            half, half_code = HALF[code]
            if code == "D":
                return f"P{whole}DT12H" if whole else "PT12H"
            prefix = "PT" if code.startswith("T") or half_code.startswith("T") else "P"
            return f"{prefix}{whole}{code[-1]}{half}{half_code[-1]}" if whole else f"{prefix}{half}{half_code[-1]}"
        amount = str(whole) if total == whole else f"{total:g}"
    return f"P{code[:-1]}{amount}{code[-1]}" if len(code) == 2 else f"P{amount}{code}"


def r_duration(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "two years" P2Y, "the past 18 months" P18M, "an hour" PT1H, "several weeks" PXW."""
    n = count(m["n"])
    if n is not None and ("and a half" in m[0].lower() or m["half"]):
        n += 0.5
    return iso_duration(n, m["unit"]), None


def r_duration_the(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "the year ended March 31" P1Y; "the past year" is the year before (TimeML reads it as a date), "the
    past decade" the decade most of the last ten years fall in; "the past week" stays a duration (P1W)."""
    unit = (m["unit"] or m["unit2"]).lower()
    if m["rel"] and unit in ("year", "decade") and anchor is not None:
        return _past_unit(unit, anchor)
    return iso_duration(1, unit), None


def _past_unit(unit: str, anchor: date) -> Resolved:
    if unit == "year":
        return str(anchor.year - 1), Granularity.YEAR
    return str((anchor.year - 5) // 10), Granularity.DECADE


def r_duration_bare(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "for years" PXY; "in recent months" PXM (TimeML reads it as a vague duration, not PAST_REF)."""
    return iso_duration(None, m["unit"] or m["unit2"]), None


def r_earlier_units(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "a year earlier", "the previous year": counted back from the publication date."""
    unit = m["unit"] or "year"
    n = number(m["n"]) if m["n"] else 1
    granularity = Granularity.MONTH if unit.lower().startswith("month") else Granularity.YEAR
    if anchor is None or n is None:
        return None, granularity
    return shift(anchor, -n, unit)


def r_ref(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "now", "currently" PRESENT_REF; "recently" PAST_REF; "soon", "the future" FUTURE_REF."""
    if m["present"]:
        return "PRESENT_REF", None
    return ("PAST_REF" if m["past"] else "FUTURE_REF"), None


def r_set(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """Recurrences: "annually" P1Y, "every two weeks" P2W, "every morning" XXXX-XX-XXTMO."""
    if m["adverb"]:
        return SET_ADVERBS[m["adverb"].lower()], None
    unit = (m["unit"] or m["unit2"]).lower()
    unit = unit[:-1] if unit.endswith("s") and unit not in ("centuries",) else unit
    if unit in PART_CODE:
        return f"XXXX-XX-XXT{PART_CODE[unit]}", None
    if unit in WEEKDAYS:
        return f"XXXX-WXX-{WEEKDAYS[unit] + 1}", None
    if unit == "weekend":
        return "XXXX-WXX-WE", None
    if unit in MONTHS:  # "each July"
        return f"XXXX-{MONTHS[unit]:02d}", None
    n = count(m["n"]) if m["n"] else 1.0
    if "other" in m[0].lower().split():
        n = 2.0
    return iso_duration(n, unit), None


def _day_word(word: str, anchor: date, direction: Direction) -> date:
    key = word.lower()
    if key in WEEKDAYS:
        return weekday_date(WEEKDAYS[key], anchor, direction)
    return anchor + timedelta(days=DEICTIC_DAYS.get(key, 0))


def r_clock(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """ "8 PM", "15:00 GMT Saturday", "6:40 p.m." on the day named beside it, else the publication day."""
    if m["word"]:
        hour, minute = (0, 0) if m["word"].lower() == "midnight" else (12, 0)
    elif m["ampm"]:
        hour, minute = int(m["h"]) % 12, int(m["mi"] or 0)
        if not 1 <= int(m["h"]) <= 12:
            return SKIP
        hour += 12 if m["ampm"].lower().startswith("p") else 0
    else:
        hour, minute = int(m["h24"]), int(m["mi24"])
    if anchor is None:
        return None, Granularity.TIME
    named = m["day1"] or m["day2"]
    day = _day_word(named, anchor, direction) if named else anchor
    zone = "Z" if (m["tz"] or "").upper() in ("UTC", "GMT") else ""
    return f"{iso_day(day)}T{hour:02d}:{minute:02d}{zone}", Granularity.TIME


def r_part_of_day(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    if anchor is None:
        return None, Granularity.TIME
    return f"{iso_day(anchor)}T{PART_CODE[m['part'].lower()]}", Granularity.TIME


def _last_quarter(anchor: date) -> str:
    """The last quarter that has ended by ``anchor`` (the one an earnings report is about)."""
    year, month = add_months(anchor.year, anchor.month, -3)
    return f"{year}-Q{(month - 1) // 3 + 1}"


def r_period(m: re.Match[str], anchor: date | None, direction: Direction) -> Resolved:
    """A reported period: "the latest quarter" is the last one ended; "the year-earlier period" the same
    period a year before (made exact from the quarter the text last named, in ``times.py``); "for the
    year" and "the full year" the current one."""
    if anchor is None:
        return None, Granularity.QUARTER
    if m["ago"]:
        return str(anchor.year - 1), Granularity.YEAR
    if m["full"]:  # "sales for the full year", "a high for the year"
        return str(anchor.year), Granularity.YEAR
    return _last_quarter(anchor), Granularity.QUARTER


RESOLVERS: dict[str, Resolver] = {
    "iso": r_iso, "mdy_range": r_day_range, "dmy_range": r_day_range, "mdy": r_day, "dmy": r_day,
    "month_year": r_month_year, "month": r_month, "weekday_range": r_weekday_range, "weekday": r_weekday,
    "deictic": r_deictic, "relative_unit": r_relative_unit, "weekend": r_weekend, "ago": r_ago,
    "offset_event": r_offset_event, "year_range": r_year_range, "decade": r_decade,
    "century": r_century, "season": r_season, "quarter": r_quarter, "year": r_year, "duration": r_duration,
    "duration_the": r_duration_the, "duration_bare": r_duration_bare, "earlier_units": r_earlier_units,
    "ref": r_ref, "set": r_set, "period": r_period, "clock": r_clock, "part_of_day": r_part_of_day,
    "half": r_half, "month_rel_year": r_month_rel_year, "numeric": r_numeric, "quarter_ended": r_quarter_ended,
    "year_period": r_anaphor, "short_year": r_short_year, "anaphor": r_anaphor, "year_end": r_year_end,
    "spoken_year": r_spoken_year, "same_period": r_anaphor, "month_range": r_month_range,
    "holiday": r_holiday,
}  # fmt: skip
