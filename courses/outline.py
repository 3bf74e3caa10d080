"""The "On this page" outline of a lesson, read from its stored HTML.

The headings' ids are the ones the Markdown `toc` extension gave them at sync, which the concept
base and the labs link to (`lesson-slug#section-id`). Reading the outline back from the stored
HTML, rather than slugifying the Markdown again, means an outline entry can never point at an id
the page does not have.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser


@dataclass
class OutlineEntry:
    level: int  # 2 or 3
    anchor: str
    text: str
    children: list["OutlineEntry"] = field(default_factory=list)


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[OutlineEntry] = []
        self._open: tuple[int, str] | None = None
        self._text: list[str] = []
        self._in_permalink = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("h2", "h3") and values.get("id"):
            self._open = (int(tag[1]), values["id"] or "")
            self._text = []
        elif tag == "a" and self._open and "headerlink" in (values.get("class") or ""):
            # The "#" permalink inside each heading is not part of its title.
            self._in_permalink = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_permalink = False
        elif self._open and tag == f"h{self._open[0]}":
            text = " ".join("".join(self._text).split())
            if text:
                self.entries.append(OutlineEntry(self._open[0], self._open[1], text))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open and not self._in_permalink:
            self._text.append(data)


# Parsing a long lesson took about half of its page's time. The stored HTML changes only when
# the lesson is published or re-rendered, so the outline is kept per distinct body (a changed
# body is a new key). Callers only read the entries.
@lru_cache(maxsize=64)
def lesson_outline(body_html: str) -> list[OutlineEntry]:
    """The h2 headings of a lesson body that carry an id, in page order, each with the h3
    headings under it as children (an h3 before any h2 stands on its own)."""
    parser = _Headings()
    parser.feed(body_html)
    parser.close()
    sections: list[OutlineEntry] = []
    for entry in parser.entries:
        if entry.level == 3 and sections and sections[-1].level == 2:
            sections[-1].children.append(entry)
        else:
            sections.append(entry)
    return sections
