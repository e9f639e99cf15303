"""Bytes to text: the encodings articles come in, line ends, character references, and junk.

An article file may be UTF-8, UTF-16/32 with a byte-order mark, Windows-1252 or (a web page) the charset
it declares; text scraped from the web keeps HTML's character references ("communiqu&#233;"). Each
reader of :mod:`explorer.corpus` gets plain Unicode text with ``\n`` line ends, and a file whose bytes
decode to junk is recognised as such.
"""

from __future__ import annotations

import codecs
import html
import re
from pathlib import Path

GARBLED_SHARE = 0.1
"""Share of undecodable or control characters above which a file is junk, not text: random bytes without a
NUL came through as an "article" of U+FFFD, and a folder of such junk replaced the whole index."""

_GARBLED = re.compile("[\ufffd\x00-\x08\x0e-\x1f\x7f-\x9f]")


def garbled(text: str) -> bool:
    """True when more than :data:`GARBLED_SHARE` of ``text`` is U+FFFD or control characters (line
    breaks and tabs are text): what undecodable bytes become, and no article reads like that."""
    return bool(text) and len(_GARBLED.findall(text)) > GARBLED_SHARE * len(text)


def decode_text(raw: bytes, file: Path, warnings: list[str]) -> str:
    """UTF-8 (with or without BOM), UTF-16 or UTF-32 with their BOM, else Windows-1252; as a last resort
    replace bad bytes. Line ends come out as ``\n`` (:func:`unix_newlines`)."""
    return unix_newlines(_decoded(raw, file, warnings))


UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)  # UTF-32 LE starts with UTF-16 LE's mark: test it first


def _decoded(raw: bytes, file: Path, warnings: list[str]) -> str:
    for bom, encoding in UNICODE_BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                break
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
        warnings.append(f"{file}: not UTF-8, read as Windows-1252")
        return text
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        warnings.append(
            f"{file}: {text.count(chr(0xFFFD))} undecodable bytes replaced with U+FFFD; "
            "save the file as UTF-8 to keep them"
        )
        return text


_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def html_text(raw: bytes, file: Path, warnings: list[str]) -> str:
    """A web page's text in the encoding it declares (``<meta charset="windows-1251">``) when it is not
    UTF-8: read as Windows-1252, a Russian page came out as "Âûáîðû â ãîðîäå"."""
    try:
        return unix_newlines(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    declared = _DECLARED_CHARSET.search(raw[:8192])
    if declared:
        try:
            return unix_newlines(raw.decode(declared.group(1).decode("ascii")))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(raw, file, warnings)


def unix_newlines(text: str) -> str:
    """``\r\n`` (Windows) and lone ``\r`` (old Mac) line ends as ``\n``: kept, they stayed inside the
    passages' text, and a file of ``\r`` alone was one line, its title inside its only passage."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_character_references(text: str) -> str:
    """Plain text with HTML's character references decoded: "communiqu&#233;" -> "communiqué".

    Text scraped from web pages into .txt, CSV or JSONL files often keeps them (BBC News
    has "communiqu&#233;" and "fianc&#233;e"); left in, they are embedded, indexed and shown
    as written, and a search for "communiqué" misses them. Only complete references, closing
    semicolon and all, are decoded, and only once, so "AT&T" and "R&D" stay as written.
    HTML and Markdown readers decode them already.
    """
    if "&" not in text:
        return text
    return _CHARACTER_REFERENCE.sub(lambda match: html.unescape(match.group()), text)
