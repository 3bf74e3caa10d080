"""Drafts: an instructor's unpublished edits, and the text clean-up every edit goes through.

Text is normalized the way `courses.content` normalizes what it reads from content/ (line
endings, surrounding blank space), so that what the app stores, exports and syncs back is
byte-for-byte the same: export then sync must change nothing.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from authoring.models import Draft


class AuthoringError(ValueError):
    """An edit that cannot be saved or published; every problem is a sentence to show."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


def clean_text(value: Any) -> str:
    """A YAML field: content loading strips it, so the app does too."""
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def clean_body(value: Any) -> str:
    """A Markdown body after front matter: loading drops leading blank lines; keep one final
    newline so the exported file ends cleanly."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.lstrip("\n").rstrip()
    return text + "\n" if text else ""


def get_draft(kind: str, object_id: int) -> Draft | None:
    return Draft.objects.filter(kind=kind, object_id=object_id).select_related("author").first()


def save_draft(kind: str, object_id: int, data: dict, user: AbstractBaseUser) -> Draft:
    draft, _ = Draft.objects.update_or_create(
        kind=kind, object_id=object_id, defaults={"data": data, "author": user}
    )
    return draft


def discard_draft(kind: str, object_id: int) -> bool:
    deleted, _ = Draft.objects.filter(kind=kind, object_id=object_id).delete()
    return bool(deleted)
