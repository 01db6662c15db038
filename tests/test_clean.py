"""The boilerplate cleaner: each rule removes what it should, and no story sentence is ever removed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import ConfigError
from storyline.ingest.clean import BUNDLED_RULES, CleaningRules, clean_text, load_rules
from storyline.model import PARAGRAPH_SEPARATOR, Cleaned

DOCS = Path(__file__).resolve().parent.parent / "docs" / "cleaning.md"

LEAD = "GENEVA — Negotiators from three countries met on Tuesday to discuss a ceasefire plan, officials said."
MIDDLE = "The delegations agreed to meet again next week, according to a statement released after the talks."
CLOSE = "Diplomats said a final text could be ready before the end of the month, if both sides keep talking."


def article(*middle: str) -> str:
    """A one-paragraph-per-line article with the given lines between three story paragraphs."""
    return "\n".join([LEAD, MIDDLE, *middle, CLOSE])


def rules_of(cleaned: Cleaned) -> dict[str, str]:
    return {line.text: line.rule for line in cleaned.removed}


def test_bare_date_line_is_removed_only_near_the_top() -> None:
    cleaned = clean_text("\n".join(["March 12, 2024", LEAD, MIDDLE, "March 12, 2024", CLOSE]))
    assert [(r.line_no, r.rule) for r in cleaned.removed] == [(0, "timestamp_date")]


@pytest.mark.parametrize(
    "line",
    ["02-751-1500", "10 p.m.", "4:14 p.m.", "9.30 A.M. / 7.00 P.M.", "29 November 2018 | 20 January 2019"],
)
def test_times_phone_numbers_and_date_ranges_are_content(line: str) -> None:
    cleaned = clean_text(article(line))
    assert line in cleaned.paragraphs


# ---- each rule removes its boilerplate --------------------------------------------------------------

BOILERPLATE = [
    # social
    ("Follow Capital Wire on Facebook and Twitter", "social"),
    ("Follow us on Instagram", "social"),
    ("Share this article", "social"),
    ("Share on WhatsApp", "social"),
    ("Share", "social"),
    ("Tweet", "social"),
    ("Click to share on Twitter (Opens in new window)", "social"),
    ("Like us on Facebook", "social"),
    ("Copy link", "social"),
    ("Email", "social"),
    ("Facebook Twitter Email", "social"),
    ("1,204 shares", "social"),
    # media credits
    ("Video: Reuters", "media_credit"),
    ("(photo credit: KOBI GIDEON/GPO)", "media_credit"),
    ("Photo: AFP/Getty Images", "media_credit"),
    ("Image: Capital Wire archive", "media_credit"),
    ("Picture: Jane Doe", "media_credit"),
    ("Credit: Jane Doe for Capital Wire", "media_credit"),
    ("AP Photo/Evan Vucci", "media_credit"),
    ("(Reuters)", "media_credit"),
    ("(AP Photo/Evan Vucci)", "media_credit"),
    ("Getty Images", "media_credit"),
    ("REUTERS/Jonathan Ernst", "media_credit"),
    ("REUTERS/Jonathan Ernst/File Photo", "media_credit"),
    ("Reuters", "media_credit"),
    ("AFP", "media_credit"),
    ("Associated Press", "media_credit"),
    ("Xinhua", "media_credit"),
    ("EPA-EFE", "media_credit"),
    ("Evan Vucci/AP", "media_credit"),
    ("KOBI GIDEON/GPO", "media_credit"),
    ("Photo by Jane Doe on Unsplash", "media_credit"),
    ("File photo", "media_credit"),
    # captions that say so, or carry their own credit
    ("Image caption, Delegates arrive at the conference centre", "labelled_caption"),
    ("Delegates arrive in Geneva, Switzerland, March 3, 2024. REUTERS/Jane Doe", "caption_with_credit"),
    ("Ministers arrive for talks in Geneva on Tuesday. (AP Photo/Evan Vucci)", "caption_with_credit"),
    # read-more, advertising, newsletters, calls to action
    ("Read more: Talks collapse in Bonn", "read_more"),
    ("READ MORE: Talks collapse in Bonn", "read_more"),
    ("Related: Five things to know about the talks", "read_more"),
    ("Related articles", "read_more"),
    ("See also: Who is at the table", "read_more"),
    ("Recommended", "read_more"),
    ("Most read", "read_more"),
    ("Advertisement", "advertisement"),
    ("ADVERTISEMENT", "advertisement"),
    ("- Advertisement -", "advertisement"),
    ("Story continues below advertisement", "advertisement"),
    ("Sign up for our newsletter", "newsletter"),
    ("Sign up for our newsletter to get the best stories in your inbox every morning.", "newsletter"),
    ("Subscribe to our newsletter for daily updates", "newsletter"),
    ("Get the latest climate news in your inbox", "newsletter"),
    ("Click here to read the full report", "call_to_action"),
    ("Listen to this article", "call_to_action"),
    ("Listen to this article · 4 min", "call_to_action"),
    ("5 min read", "call_to_action"),
    # comment forms
    ("Leave a Reply", "comment_form"),
    ("Leave a comment", "comment_form"),
    ("Your email address will not be published.", "comment_form"),
    ("Required fields are marked *", "comment_form"),
    ("Comments", "comment_form"),
    ("Post comment", "comment_form"),
    ("Cancel reply", "comment_form"),
    ("Notify me of new posts by email.", "comment_form"),
    # other debris
    ("We use cookies to improve your experience on our site.", "cookie_notice"),
    ("Accept all cookies", "cookie_notice"),
    ("Updated: 12 March 2024 14:05 GMT", "timestamp"),
    ("Published 3 hours ago", "timestamp"),
    ("Updated Jan. 5, 2024, 3:41 p.m. ET", "timestamp"),
    ("March 12, 2024, 14:05 GMT", "timestamp"),
    ("Image 1 of 5", "gallery"),
    ("Enlarge this image", "gallery"),
    ("© 2023 Capital Wire. All rights reserved.", "legal_footer"),
    ("Copyright 2024 The Associated Press. All rights reserved.", "legal_footer"),
    ("Skip to content", "navigation"),
    ("Back to top", "navigation"),
    # outlet/photographer credits and prompts in other languages
    ("Meridian Post/Harriet Cole", "media_credit"),
    ("Yousef Karimi/Capital Wire", "media_credit"),
    ("Foto: Capital Wire", "media_credit"),
    ("Compartir en Facebook", "social"),
    ("Partager sur X et LinkedIn", "social"),
    ("Suscríbete a nuestro boletín", "newsletter"),
    ("(Reporting by Mark Ellison; editing by Ruth Calder)", "byline_credits"),
]


@pytest.mark.parametrize(("line", "rule"), BOILERPLATE)
def test_boilerplate_line_is_removed_by_its_rule(line: str, rule: str) -> None:
    cleaned = clean_text(article(line))
    assert rules_of(cleaned) == {line: rule}
    assert cleaned.paragraphs == (LEAD, MIDDLE, CLOSE)


def test_read_more_label_takes_the_headline_after_it() -> None:
    cleaned = clean_text(article("Read more:", "Bonn talks: what you need to know"))
    assert rules_of(cleaned) == {"Read more:": "read_more", "Bonn talks: what you need to know": "read_more"}


def test_read_more_label_never_takes_a_sentence() -> None:
    cleaned = clean_text(article("Related:", "Talks resume in November in Baku."))
    assert rules_of(cleaned) == {"Related:": "read_more"}
    assert "Talks resume in November in Baku." in cleaned.paragraphs


def test_tags_line_is_removed() -> None:
    assert rules_of(clean_text(article("Tags: climate, Bonn, COP29"))) == {"Tags: climate, Bonn, COP29": "tags"}


# ---- story sentences are never removed ----------------------------------------------------------------

STORY = [
    "He shared a photo of the handshake on Twitter, where it was viewed 2 million times.",
    "Share prices rose 3% in Tokyo.",
    "Photographers crowded the entrance as Kim arrived.",
    "Read the full text of the declaration, the minister told reporters, and you will see no deadline.",
    "By Thursday, negotiators had still not agreed on a text.",
    "By then, the talks had collapsed.",
    "By 2030, emissions must fall.",
    "By Monday, Reuters had confirmed the figures with three officials.",
    "Reuters/Ipsos polling found 40% of Americans approve of the deal.",
    "Follow the money, the auditor told lawmakers on Facebook Live, and you will find the leak.",
    "Fans follow Kim on Instagram, where she posts daily.",
    "Video of the meeting, released by the ministry, showed the two men laughing.",
    "Photo agencies including AFP and Getty Images were denied access to the hall.",
    "The Associated Press reported that the vote had been delayed.",
    "Comments by the minister drew a sharp rebuke from the opposition.",
    "Updated figures released on March 3 showed growth of 2.1%.",
    "Published in 1998, the report was largely forgotten until this week.",
    "Subscribers who sign up for the newsletter get a discount, the company said.",
    "Click-through rates fell by half after the redesign, the company said.",
    "Related talks in Vienna are expected to resume on Friday.",
    "Advertisement revenue fell 12% in the quarter.",
    "Image rights for the summit photos were sold to a German agency.",
    "Copyright lawyers said the ruling would be appealed.",
    "Credit card spending rose for a third month.",
    "Email records show the ministry knew of the plan in May.",
    "Edited by the president's office, the text was released on Monday.",
    "Reporting by the newspaper showed that the ministry had ignored warnings.",
    "Watch the video and you will see, the minister told reporters, that nobody was pushed.",
    "Most read the statement as a climbdown.",
    "Leave a reply to the letter, the union told its members, but keep it short.",
    "Sign language interpreters stood beside the stage.",
    "We use cookies as an example of how small data points add up, the researcher said.",
    "Most popular — and most divisive — was the plan to tax aviation fuel.",
    "Image source code was leaked to reporters on Friday.",
    "Photo caption contests drew 300 entries this year.",
    "Copyright 2024 filings rose sharply.",
    "On March 3 the talks resumed.",
    "2 of 3 voters backed the plan.",
    "Search teams found the wreckage on Sunday.",
    "Home prices fell for a fifth month.",
    "Close allies of the president stayed away.",
    "Print editions will end in June.",
    "Like others on X, she deleted her account.",
    "Photos by Banksy sold for millions.",
    "By Mr Kim's own account, the talks failed.",
    "Reuters reported the figures first.",
    "Getty Images said it would appeal.",
    "Share this article, the spokesman told staff in an email, and you will be fired.",
    "Kim arrived.",
    "No.",
]


@pytest.mark.parametrize("sentence", STORY)
def test_story_sentence_survives(sentence: str) -> None:
    cleaned = clean_text(article(sentence))
    assert cleaned.removed == ()
    assert cleaned.paragraphs == (LEAD, MIDDLE, sentence, CLOSE)


@pytest.mark.parametrize("sentence", STORY)
def test_story_sentence_survives_as_first_line(sentence: str) -> None:
    cleaned = clean_text(f"{sentence}\n{MIDDLE}")
    assert cleaned.removed == ()
    assert cleaned.paragraphs == (sentence, MIDDLE)


# ---- bylines --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Jane Doe", ("Jane Doe",)),
        ("By Jane Doe and John Roe", ("Jane Doe", "John Roe")),
        ("By Jane Doe, Capital Wire Service", ("Jane Doe",)),
        ("By Jane Doe, John Roe and Ann Poe", ("Jane Doe", "John Roe", "Ann Poe")),
        ("BY JANE DOE", ("Jane Doe",)),
        ("By: Jane Doe", ("Jane Doe",)),
        ("Written by Jane Doe | Updated March 3, 2024", ("Jane Doe",)),
        ("By The Associated Press", ()),
        ("By AFP", ()),
        ("Jane Doe,", ("Jane Doe",)),
        ("Jane Doe ,", ("Jane Doe",)),
    ],
)
def test_byline_is_removed_and_gives_authors(line: str, authors: tuple[str, ...]) -> None:
    cleaned = clean_text(f"{line}\n{LEAD}\n{MIDDLE}")
    assert [(r.line_no, r.text) for r in cleaned.removed] == [(0, line)]
    assert cleaned.removed[0].rule.startswith("byline")
    assert cleaned.authors == authors
    assert cleaned.paragraphs == (LEAD, MIDDLE)


def test_credits_tail_gives_reporters_not_editors() -> None:
    cleaned = clean_text(article("Reporting by Jane Doe in Geneva and John Roe in Paris; Editing by Ann Poe"))
    assert rules_of(cleaned) == {
        "Reporting by Jane Doe in Geneva and John Roe in Paris; Editing by Ann Poe": "byline_credits"
    }
    assert cleaned.authors == ("Jane Doe", "John Roe")


def test_editing_credit_alone_is_removed_without_authors() -> None:
    cleaned = clean_text(article("Editing by John Roe and Ann Poe"))
    assert rules_of(cleaned) == {"Editing by John Roe and Ann Poe": "byline_credits"}
    assert cleaned.authors == ()


def test_authors_are_not_repeated() -> None:
    cleaned = clean_text(f"By Jane Doe\n{LEAD}\n{MIDDLE}\nReporting by Jane Doe; Editing by John Roe")
    assert cleaned.authors == ("Jane Doe",)


def test_bare_name_byline_only_near_the_top() -> None:
    lines = [LEAD, MIDDLE, CLOSE, "Jane Doe,", MIDDLE.replace("next", "this")]
    cleaned = clean_text("\n".join(lines))
    assert cleaned.removed == ()
    assert "Jane Doe," in cleaned.paragraphs


def test_by_form_byline_only_in_the_first_lines() -> None:
    story = [f"Paragraph {n} of the story ran to several words, officials said." for n in range(10)]
    cleaned = clean_text("\n".join([*story, "By Jane Doe"]))
    assert cleaned.removed == () and cleaned.authors == ()


def test_by_time_word_alone_is_not_a_byline() -> None:
    cleaned = clean_text(f"By Thursday\n{LEAD}")
    assert cleaned.removed == () and cleaned.authors == ()


def test_dateline_is_not_a_byline() -> None:
    cleaned = clean_text(f"WASHINGTON,\n{LEAD}")
    assert cleaned.removed == () and cleaned.authors == ()


# ---- captions -------------------------------------------------------------------------------------------


def test_repeated_caption_removes_both_copies() -> None:
    caption = "Delegates arrive at the conference centre in Geneva"
    cleaned = clean_text(article(caption, caption))
    assert [(r.line_no, r.rule) for r in cleaned.removed] == [(2, "repeated_caption"), (3, "repeated_caption")]
    assert cleaned.paragraphs == (LEAD, MIDDLE, CLOSE)


def test_repeated_caption_with_blank_lines_and_extra_spaces() -> None:
    text = f"{LEAD}\n\nDelegates  arrive in Geneva\n\nDelegates arrive in Geneva \n\n{CLOSE}"
    cleaned = clean_text(text)
    assert [r.line_no for r in cleaned.removed] == [2, 4]


def test_repeated_long_paragraph_is_kept() -> None:
    long = " ".join(["The delegates argued about money for hours and then went home."] * 4)
    cleaned = clean_text(article(long, long))
    assert cleaned.removed == ()


def test_caption_before_credit_is_removed() -> None:
    cleaned = clean_text(article("President Xi speaks during a meeting with delegates", "Photo: AFP"))
    assert rules_of(cleaned) == {
        "President Xi speaks during a meeting with delegates": "caption_before_credit",
        "Photo: AFP": "media_credit",
    }
    assert cleaned.paragraphs == (LEAD, MIDDLE, CLOSE)


@pytest.mark.parametrize(
    "caption",
    [
        "Netanyahu and Putin watch the military parade on Red Square.",
        "Delegates applaud after the final agreement is adopted in Dubai.",
        "Microsoft's offices at Paddington in London.",
    ],
)
def test_present_tense_caption_before_credit_is_removed(caption: str) -> None:
    cleaned = clean_text(article(caption, "Photo: AFP/Getty Images"))
    assert rules_of(cleaned)[caption] == "caption_before_credit"


def test_caption_with_a_wire_date_cue_is_removed_even_with_a_period() -> None:
    caption = "Delegates arrive at the conference centre in Geneva, Switzerland, March 3, 2024."
    cleaned = clean_text(article(caption, "REUTERS/Jane Doe"))
    assert rules_of(cleaned)[caption] == "caption_before_credit"


@pytest.mark.parametrize(
    "sentence",
    [
        "The two leaders shook hands for 12 seconds.",
        "Kim is scheduled to remain in Vietnam for an official visit until Saturday.",
        "The summit will open on Tuesday in the old town.",
        "Shares in Seoul fell after the news.",
        "Negotiators expected a deal by midnight.",
        '"We are not there yet," Kim said',
        "“We are not there yet,” Kim told reporters as he left the hall on Tuesday evening",
        " ".join(["Delegates from the smaller island states kept arguing about money"] * 4),
    ],
)
def test_story_line_before_credit_is_kept(sentence: str) -> None:
    cleaned = clean_text(article(sentence, "Photo: AFP"))
    assert rules_of(cleaned) == {"Photo: AFP": "media_credit"}
    assert sentence in cleaned.paragraphs


def test_caption_not_directly_before_credit_is_kept() -> None:
    cleaned = clean_text(article("Delegates in Geneva", "Share", "Photo: AFP"))
    assert "Delegates in Geneva" in cleaned.paragraphs


# ---- comment tail -------------------------------------------------------------------------------------


def test_comment_tail_removes_everything_after_the_form_head() -> None:
    tail = ["Leave a Reply", "Great article, I agree with everything you wrote here.", "Jane D says:", "Nonsense."]
    cleaned = clean_text(article() + "\n" + "\n".join(tail))
    assert cleaned.paragraphs == (LEAD, MIDDLE, CLOSE)
    assert [r.rule for r in cleaned.removed] == ["comment_form", "comment_tail", "comment_tail", "comment_tail"]
    assert [r.line_no for r in cleaned.removed] == [3, 4, 5, 6]


def test_comment_tail_needs_a_confirming_form_line() -> None:
    cleaned = clean_text(article() + "\nComments\n" + MIDDLE.replace("next", "this"))
    assert rules_of(cleaned) == {"Comments": "comment_form"}
    assert len(cleaned.paragraphs) == 4


def test_comment_tail_confirmed_by_the_form_itself() -> None:
    form = ["Leave a Reply", "Your email address will not be published.", "Comment *", "Name *", "Post Comment"]
    cleaned = clean_text(article() + "\n" + "\n".join([*form, "Anything typed here is the form's."]))
    assert cleaned.paragraphs == (LEAD, MIDDLE, CLOSE)
    assert {r.rule for r in cleaned.removed} == {"comment_form", "comment_tail"}


def test_comment_head_in_the_first_half_does_not_cut_the_story() -> None:
    cleaned = clean_text("\n".join([LEAD, "Comments", MIDDLE, CLOSE, LEAD.replace("three", "four")]))
    assert rules_of(cleaned) == {"Comments": "comment_form"}
    assert len(cleaned.paragraphs) == 4


# ---- layout: one per line, blank lines, hard-wrapped ------------------------------------------------


ONE_PER_LINE = (
    "By Jane Doe\n"
    "GENEVA — Negotiators from three countries met on Tuesday to discuss a ceasefire plan, officials said, "
    "in talks that ran late into the evening.\n"
    "Share this article\n"
    "The delegations agreed to meet again next week. The agreement, which both sides signed late on Friday "
    "night, will take effect in March of 2024.\n"
    "Ministers welcomed the deal.\n"
)
HARD_WRAPPED = """By Jane Doe

GENEVA — Negotiators from three countries met on Tuesday to discuss
a ceasefire plan, officials said, in talks that ran late into the
evening.

Share this article

The delegations agreed to meet again next week. The agreement, which
both sides signed late on Friday night, will take effect in March of
2024.

Ministers welcomed the deal.
"""
PARAGRAPHS = (
    "GENEVA — Negotiators from three countries met on Tuesday to discuss a ceasefire plan, officials said, "
    "in talks that ran late into the evening.",
    "The delegations agreed to meet again next week. The agreement, which both sides signed late on Friday "
    "night, will take effect in March of 2024.",
    "Ministers welcomed the deal.",
)


@pytest.mark.parametrize("text", [ONE_PER_LINE, ONE_PER_LINE.replace("\n", "\n\n"), HARD_WRAPPED])
def test_layouts_give_the_same_paragraphs(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned.paragraphs == PARAGRAPHS
    assert [r.rule for r in cleaned.removed] == ["byline", "social"]
    assert cleaned.text == PARAGRAPH_SEPARATOR.join(PARAGRAPHS)


def test_short_one_per_line_paragraphs_are_not_joined() -> None:
    lines = [
        "Ministers welcomed the deal on Tuesday evening.",
        "Kim said it was historic for the region.",
        "Talks end.",
    ]
    assert clean_text("\n".join(lines)).paragraphs == tuple(lines)


def test_heading_is_not_joined_to_the_next_paragraph() -> None:
    lines = ["Talks collapse over funding for climate adaptation", MIDDLE]
    assert clean_text("\n".join(lines)).paragraphs == tuple(lines)


def test_wrapped_continuation_that_looks_like_debris_is_kept() -> None:
    text = "The minister said the full figures would be published by email\nprint and broadcast outlets.\n"
    cleaned = clean_text(text)
    assert cleaned.removed == ()
    assert cleaned.paragraphs == (
        "The minister said the full figures would be published by email print and broadcast outlets.",
    )


def test_line_numbers_count_every_input_line() -> None:
    text = "By Jane Doe\r\n\r\n" + LEAD + "\r\n\r\n\r\nAdvertisement\r\n" + MIDDLE + "\r\n\r\nShare\r\n"
    cleaned = clean_text(text)
    assert [(r.line_no, r.text, r.rule) for r in cleaned.removed] == [
        (0, "By Jane Doe", "byline"),
        (5, "Advertisement", "advertisement"),
        (8, "Share", "social"),
    ]
    assert cleaned.paragraphs == (LEAD, MIDDLE)


def test_removed_text_is_the_stripped_line() -> None:
    cleaned = clean_text(article("   Share this article\t "))
    assert cleaned.removed[0].text == "Share this article"


def test_whitespace_is_collapsed_and_characters_kept() -> None:
    cleaned = clean_text("  “Not  yet,”\tsaid the envoy — again.  \n")
    assert cleaned.paragraphs == ("“Not yet,” said the envoy — again.",)


def test_empty_and_blank_input() -> None:
    assert clean_text("") == Cleaned(paragraphs=())
    assert clean_text(" \n\t\n") == Cleaned(paragraphs=())


MESSY = """Skip to main content
Menu
By Maria Lopez and Tom Becker, Capital Wire Service
Published: March 3, 2024 | Updated: March 4, 2024 10:12 a.m. ET
5 min read
Listen to this article
Share on Facebook
Share via Email
Delegates leave the plenary hall in Bonn, Germany, March 3, 2024.
REUTERS/Jane Doe/File Photo
BONN, Germany — Climate negotiators ended two weeks of talks on Friday without agreeing how to pay.
"We are further apart than when we arrived," said one European delegate, who asked not to be named.
ADVERTISEMENT
Story continues below advertisement
The dispute centres on a fund created in 2022.
Read more:
Bonn talks: what you need to know
Developing countries want $1 trillion a year.
Image 2 of 7
Protesters gather outside the venue
Protesters gather outside the venue
Photograph: Jane Doe/AP
The two sides shook hands for 12 seconds.
Photo: AFP
Sign up for The Daily Climate newsletter, our free weekly briefing
You might also like
Talks resume in November in Baku.
Reporting by Maria Lopez; Additional reporting by Sam Ngata in Nairobi; Editing by Ann Poe
Acquire Licensing Rights, opens new tab
Copyright 2024 Capital Wire. All rights reserved.
Tags: climate, Bonn, COP29
Comments (12)
Join the conversation
Log in to comment
"""
MESSY_STORY = (
    "BONN, Germany — Climate negotiators ended two weeks of talks on Friday without agreeing how to pay.",
    '"We are further apart than when we arrived," said one European delegate, who asked not to be named.',
    "The dispute centres on a fund created in 2022.",
    "Developing countries want $1 trillion a year.",
    "The two sides shook hands for 12 seconds.",
    "Talks resume in November in Baku.",
)


def test_messy_article_keeps_exactly_the_story() -> None:
    cleaned = clean_text(MESSY)
    assert cleaned.paragraphs == MESSY_STORY
    assert cleaned.authors == ("Maria Lopez", "Tom Becker")
    assert len(cleaned.removed) == len(MESSY.splitlines()) - len(MESSY_STORY)


def test_messy_article_with_blank_lines_gives_the_same_result() -> None:
    cleaned = clean_text(MESSY.replace("\n", "\n\n"))
    assert cleaned.paragraphs == MESSY_STORY
    assert [r.line_no for r in cleaned.removed] == [2 * r.line_no for r in clean_text(MESSY).removed]


# ---- rules files ----------------------------------------------------------------------------------------


def test_default_rules_are_built_once() -> None:
    assert load_rules() is load_rules()
    assert isinstance(load_rules(), CleaningRules)
    assert clean_text(article("Share")) == clean_text(article("Share"), load_rules(BUNDLED_RULES))


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[[rule]\nname = 'x'", r"not valid TOML"),
        ("[[rule]]\nname = 'promo'\nkind = 'pattern'\npatterns = ['(unclosed']", r"rule 'promo'.*not a valid regex"),
        ("[[rule]]\nname = 'promo'\nkind = 'regex'\npatterns = ['x']", r"rule 'promo'.*unknown kind 'regex'.*pattern"),
        ("[[rule]]\nname = 'promo'\nkind = 'pattern'", r"rule 'promo'.*needs at least one regex"),
        ("[[rule]]\nname = 'promo'\nkind = 'pattern'\npatterns = ['{nope}']", r"rule 'promo'.*unknown macro \{nope\}"),
        ("[[rule]]\nname = 'promo'\nkind = 'pattern'\nmax_word = 3\npatterns = ['x']", r"unknown setting.*max_word"),
        ("[[rule]]\nname = 'promo'\nkind = 'pattern'\nmax_words = 'ten'\npatterns = ['x']", r"max_words = 'ten'"),
        ("[[rule]]\nname = 'p'\nkind = 'pattern'\nposition = 'middle'\npatterns = ['x']", r"position 'middle'"),
        ("[[rule]]\nname = 'promo'\nkind = 'pattern'\npatterns = 'x'", r"patterns must be a list of strings"),
        ("[[rule]]\nkind = 'pattern'\npatterns = ['x']", r"rule #1 has no name"),
        ("[[rule]]\nname='a'\nkind='pattern'\npatterns=['x']\n[[rule]]\nname='a'\nkind='pattern'\npatterns=['y']",
         r"'a' is defined twice"),
        ("extends = 'bundled'\ndisable = ['nope']", r"disable names 'nope'"),
        ("colour = 'red'", r"unknown top-level key"),
    ],
)  # fmt: skip
def test_invalid_rules_file_raises_config_error(tmp_path: Path, body: str, expected: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError, match=expected) as info:
        load_rules(path)
    assert str(path) in str(info.value)


def test_missing_rules_file_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="rules file not found"):
        load_rules(tmp_path / "missing.toml")


def test_custom_rules_file_replaces_the_bundled_rules(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[macros]\nbrand = 'capital wire'\n\n"
        "[[rule]]\nname = 'house_promo'\nkind = 'pattern'\ndescription = 'Our own promo line.'\n"
        "max_words = 10\npatterns = ['more from {brand}[.!]?']\n",
    )
    rules = load_rules(path)
    assert rules.names == ("house_promo",)
    cleaned = clean_text(article("More from Capital Wire!", "Share"), rules)
    assert rules_of(cleaned) == {"More from Capital Wire!": "house_promo"}
    assert "Share" in cleaned.paragraphs


def test_custom_rules_file_can_extend_the_bundled_rules(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "extends = 'bundled'\ndisable = ['social']\n\n"
        "[[rule]]\nname = 'repeated_caption'\nkind = 'repeated_line'\nmax_words = 3\n\n"
        "[[rule]]\nname = 'house_promo'\nkind = 'pattern'\npatterns = ['capital wire plus']\n",
    )
    rules = load_rules(path)
    assert "social" not in rules.names and rules.names[-1] == "house_promo"
    caption = "Delegates arrive at the conference centre in Geneva"
    cleaned = clean_text(article("Share", "Capital Wire Plus", caption, caption, "Advertisement"), rules)
    assert rules_of(cleaned) == {"Capital Wire Plus": "house_promo", "Advertisement": "advertisement"}
    assert "Share" in cleaned.paragraphs


def test_a_rule_can_be_switched_off(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "extends = 'bundled'\n[[rule]]\nname = 'social'\nkind = 'pattern'\nenabled = false\npatterns = ['x']\n",
    )
    assert "social" not in load_rules(path).names


def test_bundled_rules_are_all_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for rule in load_rules().rules:
        assert f"`{rule.name}`" in docs, f"docs/cleaning.md does not document the rule {rule.name}"
        assert rule.description, f"rule {rule.name} has no description"


# ---- properties -------------------------------------------------------------------------------------------

FRAGMENTS = [
    "Share", "By Jane Doe", "Photo: AFP", "Reuters", "Advertisement", "Leave a Reply", "Comments", "By Thursday,",
    "Jane Doe,", "2024.", "REUTERS/Jane Doe", "“Quote,” he said.", LEAD, MIDDLE, "", "   ", "\t", "x" * 120,
]  # fmt: skip
LINE = st.one_of(st.sampled_from(FRAGMENTS), st.text(st.characters(codec="utf-8", exclude_categories=("Cs",))))


def kept_tokens(text: str, cleaned: Cleaned) -> list[str]:
    removed = {line.line_no for line in cleaned.removed}
    return [token for i, line in enumerate(text.splitlines()) if i not in removed for token in line.split()]


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=30).map("\n".join))
def test_every_input_line_is_kept_or_removed(text: str) -> None:
    cleaned = clean_text(text)
    lines = text.splitlines()
    numbers = [line.line_no for line in cleaned.removed]
    assert numbers == sorted(set(numbers))
    assert all(
        lines[n].strip() and lines[n].strip() == line.text for n, line in zip(numbers, cleaned.removed, strict=True)
    )
    assert " ".join(cleaned.paragraphs).split() == kept_tokens(text, cleaned)
    for paragraph in cleaned.paragraphs:
        assert paragraph and paragraph == paragraph.strip() and "\n" not in paragraph
        assert not re.search(r"[ \t]{2}", paragraph)
