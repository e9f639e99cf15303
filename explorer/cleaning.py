"""Find the paragraphs of an article and drop what is not article text.

Scraped news carries page furniture (share and print widgets, photo credits,
"Join the conversation", "Trending on ..." blocks, "Source »" footers) and pull
quotes that repeat a sentence of the body. Left in, furniture becomes passages
that match every question about nothing, and pull quotes double every answer.
Everything here works on character spans of the article text so that the
passages cut from the result keep exact offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that make up share/print widgets ("• Print Friendly, PDF & Email", "Send to Kindle").
_WIDGET_WORDS = {
    "print",
    "friendly",
    "pdf",
    "email",
    "e-mail",
    "send",
    "to",
    "kindle",
    "share",
    "this",
    "article",
    "story",
    "on",
    "tweet",
    "facebook",
    "twitter",
    "x",
    "linkedin",
    "whatsapp",
    "reddit",
    "pinterest",
    "copy",
    "link",
    "save",
    "comment",
    "comments",
    "&",
    "and",
    "or",
    "telegram",
    "flipboard",
    "messenger",
    "sms",
    "bookmark",
    "listen",
    "subscribe",
    "follow",
    "us",
}

_LIST_HEADING = re.compile(
    r"^(trending|most (read|popular|viewed|shared)|related (articles|stories|posts|content)|recommended"
    r"( for you)?|more from|you may also like|top stories|latest (news|stories))\b",
    re.IGNORECASE,
)
"""The heading of a list of other stories ("Most read"): furniture, and the headlines listed under it go
with it (:func:`mark_repeats`)."""

_FURNITURE_PATTERNS = [
    _LIST_HEADING,
    *(
        re.compile(p, re.IGNORECASE)
        for p in (
            r"^join the (conversation|discussion)\b",
            r"^(read more|advertisement|sponsored(content)?|sign up for|subscribe to)\b",
            r"^source\s*(»|>>|›)",
            r"^\[?\s*(photo|image|picture|video|graphic)s?(\s*credit)?\s*:.*$",
            r"^(photo|image|picture)\s+(credit|by)\b",
            # "Credit: John Smith", "Copyright: AP", "© Reuters", "Copyright 2023 Reuters"; not "Creditors of
            # South Korea's top credit card firm...", the lead of a BBC News story, nor "Credit Suisse said...".
            r"^(credit|copyright)\s*:|^©|^copyright\s+(©|\(c\)|\d{4}\b)",
            # A site's footer links and cookie banner, each a line of a web page saved as PDF or text.
            r"^(terms (of (use|service)|and conditions)|privacy( policy| notice| settings)?|cookies?( policy|"
            r" settings| preferences)?|about us|contact us|accessibility( statement)?|site ?map|careers"
            r"|advertise( with us)?|all rights reserved\.?)$",
            r"^we use cookies\b",
            r"\bis not responsible for the content of external (internet )?sites\b",
        )
    ),
]

MAX_LISTED_HEADLINE_WORDS = 15
"""A line under a list heading is a listed headline while it is this short and ends no sentence with a
full stop; the article's own text (a paragraph) ends the list."""

_BYLINE = re.compile(r"^By\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\s*(?:$|[,·|•–—-])")
"""A byline ("By Staff Reporter · 2005-05-14", "By Jane Smith, Political correspondent"): capitalised
names after "By", then nothing or a separator."""

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}"
    rf"|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})"
)
_OUTLET = r"(?:The\s+)?[A-Z][\w&.'’-]*(?:\s+(?:of|the|and|&|[A-Z][\w&.'’-]*)){0,5}"
_SEPARATOR = r"\s*[,|·•–—-]\s*"
_DATELINE = re.compile(rf"^(?:{_OUTLET}{_SEPARATOR}{_DATE}|{_DATE}{_SEPARATOR}{_OUTLET})$")
"""A dateline: an outlet's name and a date, in either order ("The Lisbon Ledger, 2019-03-14", "Iberia
Business Review | 2025-02-03", "March 14, 2019 · Reuters"). Left in, it opened the first passage of every
article of an outside check's collection, and outlet names became theme labels."""

_SEPARATED_BYLINE = re.compile(r"^By\s+[\w.'’-]+(?:\s+[\w.'’-]+){0,3}\s*[|·•]\s*\S")
"""A byline in lower case, set off from the outlet by a bar or a dot: "By staff reporter | Portugal Post"
(a comma would not tell it from a sentence: "By then, ...")."""

MAX_FURNITURE_WORDS = 25
"""Furniture is a short line: a paragraph that starts like one is text. A SciFact abstract opening
"© Joanna Moncrieff 2013. All rights reserved. A challenging reappraisal of..." was dropped whole,
and so would be a paragraph opening "Recommended doses of..." or "Sponsored by the council, ..."."""

# A reader poll ("VOTE Was he right to leave? Yes No Results are indicative and may not reflect public
# opinion", BBC News), however long its question.
_POLL = re.compile(r"\bresults are indicative and may not reflect public opinion\b", re.IGNORECASE)

# Photo credits such as "HAIDAR HAMDANI/AFP/Getty Images" or "Reuters/John Smith".
_AGENCY = re.compile(r"(/|\b)(AFP|AP|Reuters|REUTERS|Getty Images|EPA|Shutterstock|Xinhua|ANADOLU|Anadolu)\b")

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Block:
    """A paragraph of the article as a span of its text."""

    start: int
    end: int
    kept: bool = True
    reason: str = ""


def paragraph_blocks(text: str) -> list[Block]:
    """Split text into paragraphs: one per line, except hard-wrapped blocks.

    Web copies put one paragraph on each line (pull quotes and their attribution
    sit on lines of their own, without blank lines between). Plain-text and PDF
    copies wrap lines at a fixed width; there a blank-line block is the paragraph.
    """
    blocks: list[Block] = []
    for block_start, block_end in _blank_line_blocks(text):
        lines = _line_spans(text, block_start, block_end)
        if _is_hard_wrapped([text[a:b] for a, b in lines]):
            blocks.append(Block(lines[0][0], lines[-1][1]))
        else:
            blocks.extend(Block(a, b) for a, b in lines)
    return blocks


def _blank_line_blocks(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text):
        spans.append((match.start(), match.end()))
    return spans


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    for match in re.finditer(r"[^\n]+", text[start:end]):
        a, b = start + match.start(), start + match.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
    return spans


_BULLET = re.compile(r"\s*(?:[-*•–·]|\d{1,2}[.)])\s")
"""A list item's opening: a dash, star or bullet, or a number with a dot or bracket."""


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Lines that mostly stop mid-sentence and fill the width were wrapped by a tool.

    A wrapped line is full: the next line's first word would not have fitted after it. A short
    headline above a long sentence ("Dam talks stall" on a web page's first line) stops without a
    full stop too, but is not full, and it is a line of its own: read as one wrapped paragraph with
    its sentence, the headline came back inside the article's only passage.
    """
    if len(lines) < 2:
        return False
    body = lines[:-1]
    if any(len(line) > 110 for line in body):
        return False
    open_ended = sum(1 for line in body if not re.search(r"[.!?:;\"”’')\]]$", line))
    widest = max(len(line) for line in lines)
    # A bulleted list stays one block too, as it always has: its items are one passage.
    full = sum(
        1
        for line, following in zip(body, lines[1:])
        if _BULLET.match(line) or _fills_the_width(line, following, widest)
    )
    return open_ended * 2 > len(body) and full * 2 > len(body)


WRAP_SLACK = 0.8
"""A wrapped line with the next line's first word after it reaches at least this share of the widest
line (greedy wrapping reaches past the width itself; the slack is for tools that count differently)."""


def _fills_the_width(line: str, following: str, widest: int) -> bool:
    next_word = following.split(maxsplit=1)[0] if following.strip() else ""
    return len(line) + 1 + len(next_word) >= WRAP_SLACK * widest


def is_furniture(line: str) -> bool:
    """True for page furniture: widgets, credits, sharing prompts, footers."""
    stripped = line.strip().strip("•·*-–—|[]() ").strip()
    if not stripped:
        return True
    words = re.findall(r"[\w&\-]+", stripped.lower())
    if words and len(words) <= 8 and all(w in _WIDGET_WORDS for w in words):
        return True
    if _POLL.search(stripped):
        return True
    if len(words) > MAX_FURNITURE_WORDS:
        return False
    if any(p.search(stripped) for p in _FURNITURE_PATTERNS):
        return True
    if (
        (_BYLINE.match(stripped) or _SEPARATED_BYLINE.match(stripped))
        and len(words) <= 12
        and not re.search(r"[.!?]$", stripped)
    ):
        return True
    if _DATELINE.match(stripped):
        return True
    return _is_credit(stripped, words)


def _is_listed_headline(line: str) -> bool:
    """A line of a list of other stories under a "Most read" heading: short, no sentence."""
    stripped = line.strip()
    return len(stripped.split()) <= MAX_LISTED_HEADLINE_WORDS and not re.search(r"[.!][\"'”’)\]]*$", stripped)


_CREDIT_JOINS = frozenset({"via", "for", "and", "by", "from", "photo", "photos", "image", "images", "file", "pool"})
"""Lower-case words a photo credit may hold besides names: "John Smith for Reuters", "file photo via AFP"."""


def _is_credit(line: str, words: list[str]) -> bool:
    """A photo credit: short, naming an agency, no sentence, and nothing but names besides the agency
    and :data:`_CREDIT_JOINS` ("HAIDAR HAMDANI/AFP/Getty Images", "Reuters/John Smith"). A headline
    that names an agency has lower-case words and stays: "Weak dollar hits Reuters" (BBC News) was
    dropped as a credit, and the article lost its title."""
    if len(words) > 8 or not _AGENCY.search(line) or re.search(r"[.!?]$", line):
        return False
    others = re.findall(r"[^\W\d_][\w'’-]*", _AGENCY.sub(" ", line))
    return all(word[:1].isupper() or word.lower() in _CREDIT_JOINS for word in others)


def normalized_words(text: str) -> str:
    """Lowercased words joined by single spaces, for comparisons that ignore punctuation."""
    return " ".join(_WORD.findall(text.lower()))


def _quote_segments(line: str) -> list[str]:
    """The parts of a pull quote that must all appear elsewhere for it to be a repeat.

    Pull quotes elide ("...") and add an attribution after a dash, so each
    elided piece is checked on its own and a trailing "– Name" is ignored.
    """
    body = re.split(r"\s[–—-]\s(?=[^\"“”’]*$)", line)[0]
    pieces = re.split(r"…|\.\.\.", body)
    return [normalized_words(p) for p in pieces if len(normalized_words(p).split()) >= 4]


def mark_repeats(text: str, blocks: list[Block], title: str = "") -> list[Block]:
    """Drop furniture, the title line, and paragraphs the article repeats (pull quotes).

    The first full occurrence of a paragraph is kept; a later verbatim copy, or a
    shorter pull quote whose words all stand in another paragraph, is dropped.
    A short attribution line right after a dropped pull quote goes with it.
    """
    norm_title = normalized_words(title)
    texts = [text[b.start : b.end] for b in blocks]
    norms = [normalized_words(t) for t in texts]
    result: list[Block] = []
    seen: set[str] = set()
    previous_was_quote = False
    in_story_list = False
    for i, (block, raw, norm) in enumerate(zip(blocks, texts, norms)):
        reason = ""
        if (in_story_list and _is_listed_headline(raw)) or is_furniture(raw):
            reason = "furniture"
        elif norm_title and norm == norm_title:
            reason = "title"
        elif norm in seen:
            reason = "repeat"
        elif _is_pull_quote(norm, raw, i, norms):
            reason = "pull quote"
        elif previous_was_quote and len(norm.split()) <= 8 and not re.search(r"[.!?:]$", raw):
            reason = "pull quote attribution"
        # A short repeated line ("Winners meet in final match" between fixtures) is a list's refrain, not
        # a pull quote, and the line after it is no attribution.
        previous_was_quote = reason == "pull quote" or (
            reason == "repeat" and len(norm.split()) >= MIN_PULL_QUOTE_WORDS
        )
        # Under "Most read" and the like, the headlines listed go too, until the article's text resumes.
        in_story_list = reason == "furniture" and (in_story_list or bool(_LIST_HEADING.match(raw.strip())))
        if not reason:
            seen.add(norm)
        result.append(Block(block.start, block.end, kept=not reason, reason=reason))
    return result


MAX_PULL_QUOTE_WORDS = 80
"""Pull quotes are short; longer paragraphs are only checked for verbatim repeats."""

MIN_PULL_QUOTE_WORDS = 8
"""Shorter lines are list items or captions ("Little Britain (BBC Three)" in a list of award nominees,
which also stands inside a longer nominee line), never pull quotes: dropping them lost items of BBC
News lists. An attribution line after a pull quote ("IRGC Commander Hossein Salami") still goes with it."""

MAX_BLOCKS_FOR_PULL_QUOTES = 2000
"""Beyond this many paragraphs (a book, not an article) the quadratic pull-quote check is skipped."""


def _is_pull_quote(norm: str, raw: str, index: int, norms: list[str]) -> bool:
    if len(norms) > MAX_BLOCKS_FOR_PULL_QUOTES or not MIN_PULL_QUOTE_WORDS <= len(norm.split()) <= MAX_PULL_QUOTE_WORDS:
        return False
    segments = _quote_segments(raw)
    if not segments:
        return False
    covered = sum(len(s.split()) for s in segments)
    if covered * 10 < len(norm.split()) * 6:
        return False
    others = [other for j, other in enumerate(norms) if j != index and len(other) > len(norm)]
    return all(any(segment in other for other in others) for segment in segments)
