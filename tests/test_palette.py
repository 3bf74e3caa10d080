"""The stylesheet's one palette meets WCAG 2.2 AA in light and in dark mode (issue 19): every
text colour reads at 4.5:1 on every background colour, and controls, focus rings and chart bars
reach 3:1 against the surfaces they sit on. Read from static/css/site.css itself, so a colour
changed there is checked here."""

import re

import pytest

from tests.conftest import ROOT

CSS = (ROOT / "static" / "css" / "site.css").read_text()
TEXT = ["ink", "ink-soft", "muted", "accent", "good", "bad", "warn", "info",
        "code-keyword", "code-string", "code-number", "code-name"]  # fmt: skip
SURFACES = ["paper", "card", "code-bg", "accent-soft", "good-soft", "bad-soft", "warn-soft",
            "info-soft"]  # fmt: skip
# (foreground, background, minimum): text drawn on a filled colour, and non-text parts.
PAIRS = [
    ("accent-ink", "accent", 4.5),  # button labels
    ("card", "good", 4.5),  # the option letter of a right answer
    ("card", "bad", 4.5),  # the option letter of a wrong answer
    ("ink-soft", "line", 4.5),  # badges
    *[
        (part, surface, 3.0)
        for part in ("control", "accent", "chart-0", "chart-1")
        for surface in ("paper", "card")
    ],
]


def palette(scheme: str) -> dict[str, str]:
    """The custom properties of :root, with the dark block laid over them for 'dark'."""
    light = re.search(r":root \{(.*?)\}", CSS, re.S).group(1)
    found = dict(re.findall(r"--([\w-]+):\s*([^;]+);", light))
    if scheme == "dark":
        dark = re.search(r"prefers-color-scheme: dark\)\s*\{\s*:root \{(.*?)\}", CSS, re.S)
        found.update(re.findall(r"--([\w-]+):\s*([^;]+);", dark.group(1)))
    resolved = {}
    for name, value in found.items():
        while value.startswith("var(--"):
            value = found[value[6:-1]]
        resolved[name] = value.strip()
    return resolved


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    high, low = sorted([luminance(one), luminance(other)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_colour_reads_at_4_5_to_1_on_every_surface(scheme):
    colours = palette(scheme)
    short = [
        f"--{text} on --{surface}: {contrast(colours[text], colours[surface]):.2f}"
        for text in TEXT
        for surface in SURFACES
        if contrast(colours[text], colours[surface]) < 4.5
    ]
    assert not short, f"{scheme}: " + "; ".join(short)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_labels_on_filled_colours_and_controls_meet_their_minimum(scheme):
    colours = palette(scheme)
    short = [
        f"--{fore} on --{back}: {contrast(colours[fore], colours[back]):.2f} < {minimum}"
        for fore, back, minimum in PAIRS
        if contrast(colours[fore], colours[back]) < minimum
    ]
    assert not short, f"{scheme}: " + "; ".join(short)


def test_the_palette_is_read_from_the_stylesheet():
    # A guard for the parser itself: both schemes were found and differ.
    assert palette("light")["paper"] != palette("dark")["paper"]
    assert len(palette("dark")) == len(palette("light"))
