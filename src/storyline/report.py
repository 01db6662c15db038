"""A readable report of one story: cited summary, timeline, people and organizations, quotes, sources.

Markdown for notes and tickets, standalone HTML (every piece of article content escaped; links only
http/https) for sharing, and JSON with the same content. Citations are numbered by source article:
"[2]" points to the second entry of the sources list, and to the sentence it cites there.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from storyline.model import Actor, Article, Citation, MergedAction, Quote, Story
from storyline.views import StoryView

if TYPE_CHECKING:
    from storyline.api import Workspace
    from storyline.stories.explain import Link

REPORT_FORMATS = ("md", "html", "json")
LINKS_HEADING = "Why these events are one story"
SPEAKERS_SHOWN = 12
QUOTES_SHOWN = 5  # per speaker
ACTIONS_SHOWN = 40


def build(ws: Workspace, story_id: str) -> StoryView:
    """The story view a report renders (the web reader's story page renders it too)."""
    return ws.story_view(story_id)


def render(report: StoryView, fmt: str) -> str:
    if fmt == "md":
        return markdown(report)
    if fmt == "html":
        return to_html(report)
    if fmt == "json":
        return json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(REPORT_FORMATS)}")


def _marks(report: StoryView, citations: Sequence[Citation]) -> list[int]:
    return report.marks(citations)


def _joined(link: Link, title: Callable[[str], str]) -> str:
    """ "B (day) joined A (day)", each event by its title (``title`` escapes and marks it up) and the day of
    its happening, if dated."""
    b, a = link.event, link.joined
    return f"{title(b.title)}{_when(b.happened)} joined {title(a.title)}{_when(a.happened)}"


def _when(day: date | None) -> str:
    return f" ({day.isoformat()})" if day else ""


def _action_citations(action: MergedAction) -> list[Citation]:
    return [Citation(x.article_id, x.sentence) for x in action.sentences]


def _deed(action: MergedAction, name: Callable[[str], str]) -> str:
    """ "Source -> type -> Target", with "denied" / "planned" / "possible" when the records say so."""
    notes = (["denied"] if action.negated else []) + ([_MODES[action.mode]] if action.mode in _MODES else [])
    extra = f" ({', '.join(notes)})" if notes else ""
    return f"{name(_actor(action.source))} → {action.type.lower()} → {name(_actor(action.target))}{extra}"


_MODES = {"will": "planned", "may": "possible"}


def _actor(actor: Actor) -> str:
    return actor.display


def _span(story: Story) -> str:
    if story.first is None or story.last is None:
        return "undated"
    first, last = story.first.date().isoformat(), story.last.date().isoformat()
    return first if first == last else f"{first} to {last}"


def markdown(report: StoryView) -> str:
    """The story in Markdown; every article-supplied text is escaped and links are http(s) only."""
    s, m = report.story, md_escape
    lines = [f"# {m(s.title)}", ""]
    lines.append(
        f"{_n(len(s.article_ids), 'article')}, {_n(len(s.event_ids), 'event')}, "
        f"{_n(s.independent, 'independent source')} "
        f"({', '.join(m(x) for x in s.sources) or 'no outlet named'}); {_span(s)}. Story `{m(s.id)}`."
    )
    lines += ["", "## Summary", ""]
    for sentence in s.summary:
        marks = "".join(f"[{n}]" for n in _marks(report, sentence.citations))
        lines.append(f"- {m(sentence.text)} {marks}")
    if report.links:
        lines += ["", f"## {LINKS_HEADING}", ""]
        for why in report.links:
            lines.append(f"- {_joined(why, lambda t: f'**{m(t)}**')}: {m('; '.join(why.reasons()))}")
    if s.timeline:
        lines += ["", "## Timeline", ""]
        for entry in s.timeline:
            marks = "".join(f"[{n}]" for n in _marks(report, entry.citations))
            lines.append(f"- **{m(entry.date)}** — {m(entry.text)} {marks}")
    if report.actions:
        lines += ["", "## Who did what", ""]
        for action in report.actions[:ACTIONS_SHOWN]:
            marks = "".join(f"[{n}]" for n in _marks(report, _action_citations(action)))
            note = f" — {m(action.disagreement)}" if action.disagreement else ""
            date = m(action.date or "undated")
            lines.append(f"- {_deed(action, m)}, {date}, {_n(action.sources, 'source')} {marks}{note}")
    if report.entities:
        lines += ["", "## People and organizations", ""]
        for e in report.entities:
            titles = "; ".join(m(title) for title, _ in report.titles(e))
            lines.append(f"- **{m(e.name)}** ({m(e.type)}){': ' + titles if titles else ''}")
    if speakers := report.speakers:
        lines += ["", "## Quotes", ""]
        for speaker, _, said in speakers[:SPEAKERS_SHOWN]:
            lines.append(f"**{m(speaker)}**")
            lines += [f"- {_said(q, m)} [{report.number(q.article_id)}]" for q in said[:QUOTES_SHOWN]]
            lines.append("")
    lines += ["", "## Sources", ""]
    for src in report.sources:
        a = src.article
        note = f" — reprint of [{src.reprint_of}]" if src.reprint_of else ""
        url = safe_url(a.url)
        link = f" <{_md_url(url)}>" if url else ""
        lines.append(f"{src.number}. {m(a.source or 'unknown outlet')}, {_day(a)}: {m(a.title or a.id)}{link}{note}")
    return "\n".join(lines).rstrip() + "\n"


def _said(quote: Quote, escape: Callable[[str], str], reported: str = "_reported:_ ") -> str:
    """A quote as a reader should see it: the speaker's words in quote marks, a reported (indirect) one without
    them, since its words are the writer's."""
    if quote.kind == "indirect":
        return f"{reported}{escape(quote.text)}"
    return f"“{escape(quote.text)}”"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~!{}])")


def md_escape(text: str) -> str:
    """Article-supplied text as inert inline Markdown: one line, no HTML, emphasis, links, images or code.

    Markdown metacharacters are backslash-escaped and ``<``, ``>`` and ``&`` written as HTML entities, so
    neither a ``<script>`` nor a ``[x](javascript:...)`` link survives as markup.
    """
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_url(url: str) -> str:
    """An http(s) URL inside <...>: characters that could end the autolink percent-encoded."""
    return "".join(f"%{ord(ch):02X}" if ch in '<>"` \\' or ord(ch) < 33 else ch for ch in url)


def _day(article: Article) -> str:
    return article.published.date().isoformat() if article.published else "undated"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: no javascript:, data: or other schemes in links (the reader uses it too)."""
    if not url:
        return None
    try:
        parsed = urlparse(url.strip())
    except ValueError:
        return None
    return url.strip() if parsed.scheme in ("http", "https") and parsed.netloc else None


def to_html(report: StoryView) -> str:
    s = report.story
    e = html.escape

    def marks(citations: Sequence[Citation]) -> str:
        out = []
        for c in citations:
            if not report.has(c.article_id):
                continue
            n = report.number(c.article_id)
            quote = report.text(c.article_id, c.sentence)
            out.append(f'<a class="cite" href="#src-{n}" title="{e(quote)}">[{n}]</a>')
        return "".join(dict.fromkeys(out))

    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(s.title)}</title>",
        "<style>body{font:16px/1.5 Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}"
        "h1{font-size:1.8rem}.meta{color:#666}.cite{font-size:.75em;text-decoration:none;margin-left:.1em}"
        ".differ{background:#fff4d6}li{margin:.3em 0}</style></head><body>",
        f"<h1>{e(s.title)}</h1>",
        f'<p class="meta">{_n(len(s.article_ids), "article")} · {_n(len(s.event_ids), "event")} · '
        f"{_n(s.independent, 'independent source')} · {e(_span(s))}</p>",
        "<h2>Summary</h2><ul>",
    ]
    for sentence in s.summary:
        cls = ' class="differ"' if sentence.kind == "disagreement" else ""
        parts.append(f"<li{cls}>{e(sentence.text)} {marks(sentence.citations)}</li>")
    parts.append("</ul>")
    if report.links:
        parts.append(f"<h2>{LINKS_HEADING}</h2><ul>")
        for why in report.links:
            parts.append(f"<li>{_joined(why, lambda t: f'<b>{e(t)}</b>')}: {e('; '.join(why.reasons()))}</li>")
        parts.append("</ul>")
    if s.timeline:
        parts.append("<h2>Timeline</h2><ul>")
        parts += [f"<li><b>{e(t.date)}</b> — {e(t.text)} {marks(t.citations)}</li>" for t in s.timeline]
        parts.append("</ul>")
    if report.actions:
        parts.append("<h2>Who did what</h2><ul>")
        for action in report.actions[:ACTIONS_SHOWN]:
            cls = ' class="differ"' if action.disagreement else ""
            note = f"<br><small>{e(action.disagreement)}</small>" if action.disagreement else ""
            date = e(action.date or "undated")
            parts.append(
                f"<li{cls}>{_deed(action, e)}, {date}, {_n(action.sources, 'source')} "
                f"{marks(_action_citations(action))}{note}</li>"
            )
        parts.append("</ul>")
    if report.entities:
        parts.append("<h2>People and organizations</h2><ul>")
        for ent in report.entities:
            titles = "; ".join(title for title, _ in report.titles(ent))
            parts.append(f"<li><b>{e(ent.name)}</b> ({e(ent.type)}){': ' + e(titles) if titles else ''}</li>")
        parts.append("</ul>")
    if speakers := report.speakers:
        parts.append("<h2>Quotes</h2>")
        for speaker, _, said in speakers[:SPEAKERS_SHOWN]:
            parts.append(f"<h3>{e(speaker)}</h3><ul>")
            for q in said[:QUOTES_SHOWN]:
                n = report.number(q.article_id)
                parts.append(f"<li>{_said(q, e, '<i>reported:</i> ')} <a class='cite' href='#src-{n}'>[{n}]</a></li>")
            parts.append("</ul>")
    parts.append("<h2>Sources</h2><ol>")
    for src in report.sources:
        a = src.article
        title = e(a.title or a.id)
        if url := safe_url(a.url):
            title = f'<a href="{e(url)}" rel="noopener noreferrer">{title}</a>'
        note = f" — reprint of [{src.reprint_of}]" if src.reprint_of else ""
        parts.append(f'<li id="src-{src.number}">{e(a.source or "unknown outlet")}, {_day(a)}: {title}{note}</li>')
    parts.append("</ol></body></html>")
    return "\n".join(parts) + "\n"


def to_json(report: StoryView) -> dict[str, Any]:
    """The story's JSON form: the view's ``to_dict()``, the same as ``GET /api/stories/{id}``."""
    return report.to_dict()
