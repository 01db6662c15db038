"""Boilerplate cleaning: drop share prompts, credits, captions, bylines and other debris from one article
body, line by line, then assemble the kept lines into paragraphs.

The rules are data (``boilerplate.toml``, documented in docs/cleaning.md); this module only knows how to
apply each *kind* of rule. The prime directive: never remove a story sentence.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from storyline.errors import ConfigError
from storyline.model import Cleaned, RemovedLine

BUNDLED_RULES = Path(__file__).with_name("boilerplate.toml")
LINE_KINDS = ("pattern", "byline")
KINDS = (*LINE_KINDS, "repeated_line", "caption_before_credit", "comment_tail")
POSITIONS = ("any", "head", "tail")
_TOP_KEYS = {"extends", "disable", "layout", "names", "macros", "protect", "rule"}
# Plain rule settings and their types; their defaults are those of ``Rule``.
_OPTIONS: dict[str, type | tuple[type, ...]] = {
    "description": str, "max_words": int, "head_lines": int, "tail_lines": int, "takes_next": bool,
    "require_names": bool, "quote_chars": str, "present_tense_captions": bool, "min_position": (int, float),
    "confirm_within": int,
}  # fmt: skip
_RULE_KEYS = {"name", "kind", "enabled", "case_sensitive", "position", "patterns", "cues", "credit_rules"}
_RULE_KEYS |= {"confirm_rules", *_OPTIONS}
_MACRO = re.compile(r"\{([A-Za-z_]\w*)\}")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_SPACES = re.compile(r"[ \t]+")
_NAME_SPLIT = re.compile(r"\s*(?:[,;&]|\b[Aa][Nn][Dd]\b)\s*")
_NAME_PLACE = re.compile(r"\s+in\s+.*$")
# Past tense, modal or future: a sentence with one of these is story, not a caption (captions use the present).
_NOT_CAPTION_TENSE = re.compile(
    r"\b(?:was|were|had|did|said|told|met|shook|went|came|took|made|gave|held|left|began|won|lost|saw|spoke|"
    r"wrote|ran|fell|rose|sat|stood|brought|thought|found|felt|kept|paid|sent|spent|built|sold|got|knew|flew|"
    r"grew|broke|chose|drove|fought|caught|bought|struck|sought|became|meant|understood|withdrew|will|would|"
    r"could|should|may|might|must|shall|can|cannot|due|expected|plans?|yesterday|tomorrow|ago|last|next|"
    r"scheduled|slated|poised|likely|set to|planned|intends?|remains? to)\b",
    re.IGNORECASE,
)
_REGULAR_PAST = re.compile(r"\b(\w+)\s+([a-z]{2,}ed)\b")
_NOT_PAST_ED = {"hundred", "speed", "need", "seed", "breed", "feed", "bed", "shed", "indeed", "proceed", "exceed"}
_PASSIVE_AUX = {"is", "are", "be", "being", "gets", "get"}


@dataclass(frozen=True)
class Rule:
    """One compiled rule: what it matches, where, and the parameters of its kind."""

    name: str
    kind: str
    description: str = ""
    patterns: tuple[re.Pattern[str], ...] = ()
    max_words: int | None = None
    position: str = "any"
    head_lines: int = 5
    tail_lines: int = 10
    takes_next: bool = False  # pattern: a matched "Label:" line also removes the short title after it
    require_names: bool = False  # byline: match only when a person's name is found
    cues: tuple[re.Pattern[str], ...] = ()  # caption_before_credit: caption markers (searched)
    credit_rules: tuple[str, ...] = ()  # caption_before_credit: rules whose lines count as credits
    quote_chars: str = ""  # caption_before_credit: a line with one of these is never a caption
    present_tense_captions: bool = False  # caption_before_credit: a present-tense sentence reads as a caption
    min_position: float = 0.5  # comment_tail: earliest head position, as a fraction of the lines
    confirm_rules: tuple[str, ...] = ()  # comment_tail: a line these removed must follow the head...
    confirm_within: int = 3  # ... within this many lines (or a line matching a cue)


@dataclass(frozen=True)
class CleaningRules:
    """Every rule of one rules file, compiled once, plus layout and name parameters."""

    rules: tuple[Rule, ...]
    source: str
    protect: tuple[re.Pattern[str], ...] = ()  # a line matching one of these is story: no rule removes it
    min_wrap_chars: int = 40
    max_wrap_chars: int = 100
    org_words: frozenset[str] = frozenset()
    time_words: frozenset[str] = frozenset()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(rule.name for rule in self.rules)


# ---- loading -------------------------------------------------------------------------------------


def load_rules(path: Path | str | None = None) -> CleaningRules:
    """Load and compile a rules file; ``None`` gives the bundled rules (built once, then cached).

    A file with ``extends = "bundled"`` starts from the bundled rules: its rules replace bundled ones of
    the same name or are added after them, and ``disable = [...]`` drops bundled rules by name.
    """
    if path is None:
        return _bundled_rules()
    path = Path(path)
    data = _read_toml(path)
    if data.get("extends") is not None:
        data = _extend_bundled(data, str(path))
    return _build(data, str(path))


@lru_cache(maxsize=1)
def _bundled_rules() -> CleaningRules:
    return _build(_read_toml(BUNDLED_RULES), str(BUNDLED_RULES))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: rules file not found; pass an existing file (or none: bundled rules)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the rules file ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the syntax there") from None


def _extend_bundled(data: dict[str, Any], where: str) -> dict[str, Any]:
    """Merge a rules file that says ``extends = "bundled"`` onto the bundled rules."""
    if data["extends"] != "bundled":
        raise ConfigError(f'{where}: extends = {data["extends"]!r} is not supported; use extends = "bundled"')
    base = _read_toml(BUNDLED_RULES)
    bundled = [rule["name"] for rule in base["rule"]]
    disabled = _str_list(data, "disable", where)
    for name in disabled:
        if name not in bundled:
            raise ConfigError(f"{where}: disable names {name!r}, which is not a bundled rule; use one of {bundled}")
    own = _table_list(data, "rule", where)
    by_name = {rule.get("name"): rule for rule in own}
    rules = [by_name.get(rule["name"], rule) for rule in base["rule"] if rule["name"] not in disabled]
    rules += [rule for rule in own if rule.get("name") not in bundled]
    keys = ("layout", "names", "macros", "protect")
    merged = {key: {**base.get(key, {}), **_table(data, key, where)} for key in keys}
    return {**merged, "rule": rules}


def _build(data: dict[str, Any], where: str) -> CleaningRules:
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown top-level key(s) {unknown}; known keys are {sorted(_TOP_KEYS)}")
    macros = _expand_macros(_table(data, "macros", where), where)
    layout, names = _table(data, "layout", where), _table(data, "names", where)
    rules: list[Rule] = []
    for number, raw in enumerate(_table_list(data, "rule", where), start=1):
        rule = _compile_rule(raw, number, macros, where)
        if rule is None:
            continue
        if rule.name in {r.name for r in rules}:
            raise ConfigError(f"{where}: rule {rule.name!r} is defined twice; give each rule a unique name")
        rules.append(rule)
    _check_references(rules, where)
    protect = _table(data, "protect", where)
    return CleaningRules(
        rules=tuple(rules),
        source=where,
        protect=_compile(_str_list(protect, "patterns", f"{where}: [protect]"), macros, re.I, f"{where}: [protect]"),
        min_wrap_chars=_get(layout, "min_wrap_chars", int, 40, f"{where}: [layout]"),
        max_wrap_chars=_get(layout, "max_wrap_chars", int, 100, f"{where}: [layout]"),
        org_words=frozenset(w.casefold() for w in _str_list(names, "org_words", f"{where}: [names]")),
        time_words=frozenset(w.casefold() for w in _str_list(names, "time_words", f"{where}: [names]")),
    )


def _compile_rule(raw: dict[str, Any], number: int, macros: dict[str, str], where: str) -> Rule | None:
    """Validate one [[rule]] table and compile its patterns; None when it is disabled."""
    if not isinstance(raw.get("name"), str) or not raw["name"]:
        raise ConfigError(f'{where}: rule #{number} has no name; give every [[rule]] a name = "..."')
    ctx = f"{where}: rule {raw['name']!r}"
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise ConfigError(f"{ctx}: unknown setting(s) {unknown}; known settings are {sorted(_RULE_KEYS)}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{ctx}: unknown kind {kind!r}; use one of {list(KINDS)}")
    position = _get(raw, "position", str, "any", ctx)
    if position not in POSITIONS:
        raise ConfigError(f"{ctx}: position {position!r} is invalid; use one of {list(POSITIONS)}")
    flags = 0 if _get(raw, "case_sensitive", bool, False, ctx) else re.IGNORECASE
    patterns = _compile(_str_list(raw, "patterns", ctx), macros, flags, f"{ctx}: patterns")
    if kind in (*LINE_KINDS, "comment_tail") and not patterns:
        raise ConfigError(f"{ctx}: kind {kind!r} needs at least one regex in patterns = [...]")
    if not _get(raw, "enabled", bool, True, ctx):
        return None
    options = {key: _get(raw, key, kind, None, ctx) for key, kind in _OPTIONS.items() if key in raw}
    refs = {key: tuple(_str_list(raw, key, ctx)) for key in ("credit_rules", "confirm_rules")}
    cues = _compile(_str_list(raw, "cues", ctx), macros, flags, f"{ctx}: cues")
    settings: dict[str, Any] = {**options, **refs}
    return Rule(name=raw["name"], kind=kind, position=position, patterns=patterns, cues=cues, **settings)


def _compile(sources: list[str], macros: dict[str, str], flags: int, ctx: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for number, source in enumerate(sources, start=1):
        expanded = _substitute(source, macros, f"{ctx} #{number}")
        try:
            compiled.append(re.compile(expanded, flags))
        except re.error as exc:
            raise ConfigError(f"{ctx} #{number} is not a valid regex ({exc}): {source!r}; fix or remove it") from None
    return tuple(compiled)


def _expand_macros(raw: dict[str, Any], where: str) -> dict[str, str]:
    """Expand macros in order; a macro may use the macros defined before it."""
    expanded: dict[str, str] = {}
    for name, value in raw.items():
        if not isinstance(value, str):
            raise ConfigError(f"{where}: [macros] {name} must be a string (a regex fragment)")
        expanded[name] = _substitute(value, expanded, f"{where}: [macros] {name}")
    return expanded


def _substitute(source: str, macros: dict[str, str], ctx: str) -> str:
    def replace(match: re.Match[str]) -> str:
        if match[1] not in macros:
            raise ConfigError(f"{ctx}: unknown macro {{{match[1]}}}; define it in [macros] (before its use)")
        return f"(?:{macros[match[1]]})"

    return _MACRO.sub(replace, source)


def _check_references(rules: list[Rule], where: str) -> None:
    names = {rule.name for rule in rules}
    for rule in rules:
        for key, refs in (("credit_rules", rule.credit_rules), ("confirm_rules", rule.confirm_rules)):
            for ref in refs:
                if ref not in names:
                    raise ConfigError(f"{where}: rule {rule.name!r}: {key} names {ref!r}, which is not a rule here")


def _get(table: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any, ctx: str) -> Any:
    value = table.get(key, default)
    if value is not default and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
        wanted = kind.__name__ if isinstance(kind, type) else "a number"
        raise ConfigError(f"{ctx}: {key} = {value!r} must be {wanted}")
    return value


def _str_list(table: dict[str, Any], key: str, ctx: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f'{ctx}: {key} must be a list of strings, like {key} = ["..."]')
    return value


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key} must be a table, written [{key}]")
    return value


def _table_list(data: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ConfigError(f"{where}: {key} must be an array of tables, written [[{key}]]")
    return value


# ---- cleaning ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    """One paragraph candidate: the input lines it came from and its normalized text."""

    lines: tuple[int, ...]
    text: str


def clean_text(text: str, rules: CleaningRules | None = None) -> Cleaned:
    """Remove boilerplate lines from one article body and assemble the rest into paragraphs.

    Line numbers in ``Cleaned.removed`` index ``text.splitlines()``.
    """
    rules = load_rules() if rules is None else rules
    lines = text.splitlines()
    verdicts: dict[int, str] = {}  # line index -> name of the rule that removed it
    authors = _apply_line_rules(lines, rules, verdicts)
    for rule in rules.rules:
        if rule.kind == "repeated_line":
            _apply_repeated(rule, lines, verdicts, rules)
        elif rule.kind == "comment_tail":
            _apply_comment_tail(rule, lines, verdicts)
    units = _assemble(lines, verdicts, rules)
    for rule in rules.rules:
        if rule.kind == "caption_before_credit":
            _apply_caption_before_credit(rule, units, lines, verdicts, rules)
    paragraphs = tuple(unit.text for unit in units if unit.lines[0] not in verdicts)
    removed = tuple(RemovedLine(i, lines[i].strip(), verdicts[i]) for i in sorted(verdicts))
    return Cleaned(paragraphs=paragraphs, removed=removed, authors=tuple(dict.fromkeys(authors)))


def _norm(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def _protected(text: str, rules: CleaningRules) -> bool:
    return any(pattern.search(text) for pattern in rules.protect)


def _too_long(text: str, rule: Rule) -> bool:
    return rule.max_words is not None and len(text.split()) > rule.max_words


def _apply_line_rules(lines: list[str], rules: CleaningRules, verdicts: dict[int, str]) -> list[str]:
    """Run the pattern and byline rules over every non-blank line; return the authors found."""
    authors: list[str] = []
    label: Rule | None = None  # the rule of a "Read more:" line whose link title may follow
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    for ordinal, i in enumerate(nonblank):
        line, previous_label, label = _norm(lines[i]), label, None
        if _is_continuation(lines, i, verdicts, rules) or _protected(line, rules):
            continue
        if previous_label and not _too_long(line, previous_label) and not _SENTENCE_END.search(line):
            verdicts[i] = previous_label.name  # the headline after a "Read more:" label
            continue
        hit = _match_line(line, ordinal, len(nonblank), rules)
        if hit is not None:
            verdicts[i] = hit[0].name
            authors.extend(hit[1])
            label = hit[0] if hit[0].takes_next and line.endswith(":") else None
    return authors


def _is_continuation(lines: list[str], i: int, verdicts: dict[int, str], rules: CleaningRules) -> bool:
    """A line that carries on a hard-wrapped sentence from the kept line above it is story, never debris."""
    line = lines[i].strip()
    if i == 0 or i - 1 in verdicts or not line[:1].islower():
        return False
    above = _norm(lines[i - 1])
    return rules.min_wrap_chars <= len(above) <= rules.max_wrap_chars and not _SENTENCE_END.search(above)


def _match_line(line: str, ordinal: int, total: int, rules: CleaningRules) -> tuple[Rule, tuple[str, ...]] | None:
    """The first line rule that matches, with the authors a byline names."""
    for rule in rules.rules:
        if rule.kind not in LINE_KINDS or _too_long(line, rule):
            continue
        if (rule.position == "head" and ordinal >= rule.head_lines) or (
            rule.position == "tail" and ordinal < total - rule.tail_lines
        ):
            continue
        for pattern in rule.patterns:
            match = pattern.fullmatch(line)
            if match is None:
                continue
            if rule.kind == "pattern":
                return rule, ()
            authors = _byline_authors(match, rules)
            if authors is not None and (authors or not rule.require_names):
                return rule, authors
    return None


def _byline_authors(match: re.Match[str], rules: CleaningRules) -> tuple[str, ...] | None:
    """People named by a byline match; None when the line is no byline at all ("By Thursday, ...")."""
    raw = match.groupdict().get("names")
    if not raw:
        return ()
    first = raw.split()[0].strip(".,;:").casefold()
    if first in rules.time_words:
        return None
    people = []
    for part in _NAME_SPLIT.split(raw):
        part = _NAME_PLACE.sub("", part).strip(" .,;:")
        if _looks_like_person(part, rules):
            people.append(part.title() if part.isupper() else part)
    return tuple(people)


def _looks_like_person(part: str, rules: CleaningRules) -> bool:
    tokens = part.split()
    if not 2 <= len(tokens) <= 6 or not tokens[0][0].isupper() or any(ch.isdigit() for ch in part):
        return False
    if tokens[0] in ("The", "THE"):  # "The Lakeside Courier": people's names do not start with an article
        return False
    return not any(token.strip(".,'’").casefold() in rules.org_words for token in tokens)


def _apply_repeated(rule: Rule, lines: list[str], verdicts: dict[int, str], rules: CleaningRules) -> None:
    """Remove both copies of a short line repeated twice in a row (blank lines between are fine)."""
    kept = [i for i, line in enumerate(lines) if line.strip() and i not in verdicts]
    for a, b in pairwise(kept):
        if any(lines[k].strip() for k in range(a + 1, b)):
            continue  # a removed line sits between them: not "in a row"
        text = _norm(lines[a])
        if text == _norm(lines[b]) and not _protected(text, rules) and not _too_long(text, rule):
            verdicts.setdefault(a, rule.name)
            verdicts.setdefault(b, rule.name)


def _apply_comment_tail(rule: Rule, lines: list[str], verdicts: dict[int, str]) -> None:
    """From a confirmed comment-form head in the tail of the text, remove every line to the end.

    Confirmed: one of the next ``confirm_within`` lines was removed by a ``confirm_rules`` rule or
    matches a cue (a comment's "Jane says:" line).
    """
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    for ordinal, i in enumerate(nonblank):
        if ordinal == 0 or ordinal < rule.min_position * len(nonblank):
            continue
        line = _norm(lines[i])
        if _too_long(line, rule) or not any(pattern.fullmatch(line) for pattern in rule.patterns):
            continue
        window = nonblank[ordinal + 1 : ordinal + 1 + rule.confirm_within]
        if any(verdicts.get(j) in rule.confirm_rules or _cued(_norm(lines[j]), rule) for j in window):
            for j in nonblank[ordinal:]:
                verdicts.setdefault(j, rule.name)
            return


def _cued(text: str, rule: Rule) -> bool:
    return any(cue.search(text) for cue in rule.cues)


def _assemble(lines: list[str], verdicts: dict[int, str], rules: CleaningRules) -> list[_Unit]:
    """Group kept lines into blocks (split at blank and removed lines), then blocks into paragraphs."""
    units: list[_Unit] = []
    block: list[int] = []
    for i, line in enumerate(lines):
        if line.strip() and i not in verdicts:
            block.append(i)
            continue
        units.extend(_block_units(block, lines, rules))
        block = []
    units.extend(_block_units(block, lines, rules))
    return units


def _block_units(block: list[int], lines: list[str], rules: CleaningRules) -> list[_Unit]:
    texts = [_norm(lines[i]) for i in block]
    if _is_wrapped(texts, rules):
        return [_Unit(tuple(block), " ".join(texts))]
    return [_Unit((i,), text) for i, text in zip(block, texts, strict=True)]


def _is_wrapped(texts: list[str], rules: CleaningRules) -> bool:
    """Does this block look like one paragraph hard-wrapped over several lines?

    Every line but the last is between min and max wrap width, the last is no longer than the others
    (plus slack), and at most half of the non-last lines end a sentence (one-per-line paragraphs do).
    """
    if len(texts) < 2:
        return False
    body = [len(text) for text in texts[:-1]]
    if min(body) < rules.min_wrap_chars or max(body) > rules.max_wrap_chars:
        return False
    if len(texts[-1]) > max(body) + 10:
        return False
    endings = sum(1 for text in texts[:-1] if _SENTENCE_END.search(text))
    return endings == 0 if len(body) == 1 else endings * 2 <= len(body)


def _apply_caption_before_credit(
    rule: Rule, units: list[_Unit], lines: list[str], verdicts: dict[int, str], rules: CleaningRules
) -> None:
    """Remove a caption that directly precedes a credit line (only blank lines between)."""
    for unit in units:
        if unit.lines[0] in verdicts or _protected(unit.text, rules):
            continue
        after = next((i for i in range(unit.lines[-1] + 1, len(lines)) if lines[i].strip()), None)
        if after is None or verdicts.get(after) not in rule.credit_rules:
            continue
        if _looks_like_caption(unit.text, rule):
            for i in unit.lines:
                verdicts[i] = rule.name


def _looks_like_caption(text: str, rule: Rule) -> bool:
    """Short, no quotation, and either not a finished sentence, marked by a caption cue, or (when the
    rule says so) written in the present tense as captions are."""
    if _too_long(text, rule) or any(char in text for char in rule.quote_chars):
        return False
    if _cued(text, rule) or not _SENTENCE_END.search(text):
        return True
    return rule.present_tense_captions and _present_tense(text)


def _present_tense(text: str) -> bool:
    """No past-tense, modal or future marker ("The leaders walk in the garden." but not "... walked ...")."""
    if _NOT_CAPTION_TENSE.search(text):
        return False
    padded = " " + text
    return not any(
        before.lower() not in _PASSIVE_AUX and verb.lower() not in _NOT_PAST_ED
        for before, verb in _REGULAR_PAST.findall(padded)
    )
