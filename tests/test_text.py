from storyline.ingest.text import parse_text


def test_header_block_headline_dek_and_body() -> None:
    parsed = parse_text(
        "Source: Meridian Post\nPublished: 2018-06-07T09:30:00-04:00\nURL: https://m.example/a\n\n"
        "Leaders Head to Singapore for First Summit\n\n"
        "The meeting is the first between a sitting US president and a North Korean leader.\n\n"
        "By Jane Doe\n\n"
        "SINGAPORE — The two leaders will meet on Tuesday.\n"
    )
    assert parsed.headers == {
        "source": "Meridian Post",
        "published": "2018-06-07T09:30:00-04:00",
        "url": "https://m.example/a",
    }
    assert parsed.title == "Leaders Head to Singapore for First Summit"
    assert parsed.dek == "The meeting is the first between a sitting US president and a North Korean leader."
    assert parsed.body.startswith("By Jane Doe\n\nSINGAPORE")


def test_no_dek_when_next_block_is_not_a_byline_or_dateline() -> None:
    parsed = parse_text("A Headline\n\nFirst paragraph of the story.\n\nSecond paragraph.\n")
    assert parsed.title == "A Headline"
    assert parsed.dek is None
    assert parsed.body == "First paragraph of the story.\n\nSecond paragraph."


def test_body_sentence_is_not_taken_for_a_headline() -> None:
    text = (
        "The foreign ministers of both countries met in Vienna on Monday and agreed to resume talks soon.\n\n"
        "More text.\n"
    )
    parsed = parse_text(text)
    assert parsed.title is None
    assert "Vienna" in parsed.body


def test_dateline_first_line_is_body() -> None:
    parsed = parse_text("WASHINGTON — Talks ended.\n\nMore.\n")
    assert parsed.title is None
    assert parsed.body.startswith("WASHINGTON")


def test_markdown_heading_front_matter_and_emphasised_dek() -> None:
    parsed = parse_text(
        "---\ntitle: From Front Matter\nsource: Northgate Times\n---\n\n*A standfirst in italics.*\n\nBody here.\n",
        markdown=True,
    )
    assert parsed.title == "From Front Matter"
    assert parsed.headers["source"] == "Northgate Times"
    parsed = parse_text("# A Heading\nBody glued to the heading.\n", markdown=True)
    assert parsed.title == "A Heading"
    assert parsed.body == "Body glued to the heading."


def test_unknown_header_keys_mean_no_header_block() -> None:
    parsed = parse_text("Warning: this is not a header\n\nBody.\n")
    assert parsed.headers == {}
    assert "Warning: this is not a header" in (parsed.title or "") + parsed.body
