"""Registry text (Markdown) as safe HTML, and eligibility criteria split into their two lists.

ClinicalTrials.gov writes summaries, descriptions and criteria in Markdown, with escapes such
as ``\\>``. markdown-it-py parses it (CommonMark, raw HTML off: ``<script>`` stays visible text),
and nh3 (the Ammonia sanitiser) keeps only the tags and attributes listed here. Headings are
moved down to h3 and below, under the page's own headings.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
ALLOWED_TAGS = {"p", "br", "hr", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "a",
                "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
FIRST_HEADING_LEVEL = 3


def to_html(text: str) -> SafeString:
    """Markdown -> sanitised HTML (links open as external, no raw HTML, no scripts or styles)."""
    if not text or not text.strip():
        return mark_safe("")  # nosec B308, B703: an empty string
    tokens = _PARSER.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + FIRST_HEADING_LEVEL - 1, 6)}"
    html = _PARSER.renderer.render(tokens, _PARSER.options, {})
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="nofollow noopener noreferrer external")
    return mark_safe(clean)  # nosec B308, B703: nh3 has just removed every tag and attribute not listed above


# Text that Markdown would leave as it is: none of its marks, and no line that opens a list, a heading,
# a quote or a numbered item.
_MARKS = re.compile(r"[\\`*_\[\]<>&|~!#]|^[ \t]*(?:[-+=]|\d+[.)])", re.MULTILINE)


def to_plain_text(text: str) -> str:
    """The words of Markdown without its marks (for a card's short summary), as plain text to be escaped."""
    if not _MARKS.search(text or ""):
        return " ".join((text or "").split())  # nothing to parse: the words as they are
    return " ".join(html.unescape(strip_tags(to_html(text))).split())


# A line that heads one of the lists: "Inclusion Criteria:", "**Key Exclusion Criteria**", "Criterios de inclusión:".
_HEADING = re.compile(
    r"^\s*(?:#+\s*)?[*_]{0,2}\s*(?:key\s+|main\s+)?(?:(?P<en>inclusion|exclusion)\s+criteria"
    r"|criterios\s+de\s+(?P<es>inclusi[oó]n|exclusi[oó]n))\s*:?\s*[*_]{0,2}\s*:?\s*$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class Eligibility:
    """Criteria as HTML: the two lists when the text has them, and anything before or without them."""

    intro: SafeString
    inclusion: SafeString
    exclusion: SafeString

    @property
    def is_split(self) -> bool:
        return bool(self.inclusion or self.exclusion)


def eligibility_sections(text: str) -> dict[str, str]:
    """The criteria's raw text: before any list heading ("intro"), the inclusion list, the exclusion list."""
    text = text or ""
    parts: dict[str, list[str]] = {"intro": [], "inclusion": [], "exclusion": []}
    current, start = "intro", 0
    for match in _HEADING.finditer(text):
        parts[current].append(text[start:match.start()])
        kind = (match.group("en") or match.group("es")).lower()
        current, start = ("inclusion" if kind.startswith("incl") else "exclusion"), match.end()
    parts[current].append(text[start:])
    return {name: "\n".join(chunks).strip() for name, chunks in parts.items()}


def split_eligibility(text: str) -> Eligibility:
    return Eligibility(**{name: to_html(chunk) for name, chunk in eligibility_sections(text).items()})
