"""Headlines: one clean line for every article, event and story title."""

from __future__ import annotations

import pytest

import storyline
from storyline.headline import LIMIT, headline, opening, title_of


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("&HT;   ", ""),
        ("$ADV21 BEAT ARTHRITIS NATURALLY", "Beat Arthritis Naturally"),
        ("BC-SENATE-VOTE-NYT Senate passes the budget", "Senate passes the budget"),
        ("NATO AND U.S. TROOPS LEAVE KABUL", "NATO and U.S. Troops Leave Kabul"),
        ("G20 leaders meet in Rome", "G20 leaders meet in Rome"),
        ("Talks resume in Doha\n\nPhoto: a delegate arrives", "Talks resume in Doha"),
        ("  Ceasefire  holds\tfor a   second day ", "Ceasefire holds for a second day"),
        ("<b>Markets</b> rally &amp; bonds slip", "Markets rally & bonds slip"),
    ],
)
def test_headline_cleans_wire_markup(raw: str, shown: str) -> None:
    assert headline(raw) == shown


def test_long_headline_is_cut_at_a_word() -> None:
    long = "The council voted " + "again and " * 40 + "adjourned"
    cut = headline(long)
    assert len(cut) <= LIMIT and cut.endswith("…") and "\n" not in cut
    assert long.startswith(cut[:-1].rstrip())


def test_opening_sentence_without_dateline() -> None:
    text = "LAGOS, Nigeria (AP) -- Flood waters rose across the delta on Monday. Thousands left their homes."
    assert opening(text) == "Flood waters rose across the delta on Monday."
    assert title_of("&HT;", text) == "Flood waters rose across the delta on Monday."
    assert title_of(None, "") == ""
    ruled = "-----------\n\nTHE WEEK'S FEATURES FROM THE WIRE:\n\n-----------\n\nFloods in the delta"
    assert title_of(None, ruled) == "The Week's Features from the Wire"  # a rule of dashes is skipped
    assert title_of(None, "----\n\n****") == ""


@pytest.mark.usefixtures("fake_models")  # the shape of titles only: no models needed
def test_titles_of_untitled_records_are_one_short_line(ws: storyline.Workspace) -> None:
    body = (
        "Report: the port reopens after the strike\n\n"
        "Dock workers in Rotterdam returned to work on Tuesday after a four-day strike over pay, the union said, "
        "and the first container ships were unloaded by the afternoon.\n\n"
        "Photo: cranes at the Maasvlakte terminal (Port Authority)\n\n"
        + "The port authority said the backlog would take a week to clear. "
        * 30
    )
    records = [
        {"id": f"p{i}", "text": body.replace("Tuesday", day), "source": f"Outlet {i}", "published": f"2024-05-0{i + 1}"}
        for i, day in enumerate(["Tuesday", "Tuesday", "Wednesday"])
    ]
    ws.ingest_records(records)
    ws.analyze()
    ws.cluster()
    titles = [e.title for e in ws.events()] + [s.title for s in ws.stories(limit=None)]
    assert titles
    for title in titles:
        assert title and "\n" not in title and len(title) <= LIMIT, title


def test_demo_titles_are_one_short_line(demo_ws: storyline.Workspace) -> None:
    titles = [e.title for e in demo_ws.events()] + [s.title for s in demo_ws.stories(limit=None)]
    for title in titles:
        assert title and "\n" not in title and len(title) <= LIMIT, title
