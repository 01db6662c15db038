"""Action records of one happening merged across an event's articles: counted once, traced always."""

from __future__ import annotations

from collections.abc import Sequence

from storyline.model import Action, ActionSentence, Actor, MergedAction


def merge_actions(
    actions: Sequence[Action],
    meta: dict[str, tuple[str | None, str | None, str | None, str | None]],
    texts: dict[tuple[str, int], str],
    symmetric: frozenset[str] = frozenset(),
) -> list[MergedAction]:
    """Group records by (event, source, target, type, date); ``meta`` maps an article id to (outlet,
    original id if a reprint, event id, story id). Symmetric types ignore the actors' order."""
    groups: dict[tuple[str, ...], list[Action]] = {}
    for a in actions:
        _, _, event, _ = meta.get(a.article_id, (None, None, None, None))
        s, t = actor_key(a.source), actor_key(a.target)
        if a.type in symmetric and t < s:
            s, t = t, s
        owner = event or f"article:{a.article_id}"
        groups.setdefault((owner, s, t, a.type, a.date or ""), []).append(a)
    merged = []
    for key, members in groups.items():
        first = members[0]
        _, _, event, story = meta.get(first.article_id, (None, None, None, None))
        sentences = []
        seen: set[tuple[str, int]] = set()
        for a in members:
            if (a.article_id, a.sentence) in seen:
                continue
            seen.add((a.article_id, a.sentence))
            outlet, original, _, _ = meta.get(a.article_id, (None, None, None, None))
            text = texts.get((a.article_id, a.sentence), "")
            sentences.append(ActionSentence(a.article_id, a.sentence, text, a.id, outlet, original))
        articles = {a.article_id for a in members}
        independent = {meta.get(i, (None, None))[1] or i for i in articles}
        negations = {a.negated for a in members}
        modes = {a.mode for a in members}
        disagreement = None
        if len(negations) > 1:
            disagreement = "sources disagree on whether it happened: some sentences deny it"
        elif len(modes) > 1 and "did" in modes:
            disagreement = "sources differ on whether it happened or is planned: " + ", ".join(sorted(modes))
        did = [a for a in members if not a.negated and a.mode == "did"]
        rep = did[0] if did else first
        merged.append(
            MergedAction(
                key="|".join(key),
                event_id=event,
                story_id=story,
                type=first.type,
                source=rep.source,
                target=rep.target,
                date=first.date,
                mode=rep.mode,
                negated=rep.negated,
                sentences=tuple(sentences),
                sources=len(independent),
                articles=len(articles),
                disagreement=disagreement,
            )
        )
    merged.sort(key=lambda m: (m.event_id or "", m.date or "", -m.sources, m.type, m.key))
    return merged


def actor_key(actor: Actor) -> str:
    """The identity of an actor across articles: its entity id, else its (country-qualified) name."""
    if actor.entity_id:
        return actor.entity_id
    name = (actor.canonical or actor.name).casefold()
    return f"{actor.country.casefold()}:{name}" if actor.kind == "group" and actor.country else name
