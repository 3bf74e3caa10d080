"""Test-wise cues: patterns in a quiz's options that give the right answer away unread.

A learner who has not read the lesson can still pass a quiz whose right option is usually the
longest, usually in the same place, or the only one without "always" or "never" in it. Shuffling
the options on the page (quizzes/tokens.py) hides the place but not the wording, so the content
sync and the quiz editor both refuse these patterns, on the text as the learner reads it (living
numbers filled in):

- the right option is the longest in at most a third of the items;
- no position (A, B, ...) is the right one in more than half of the items, and in a module test
  each of A to D is right at least twice;
- an absolute word ("always", "never", ...) does not appear only in wrong options of an item;
- every option has feedback of its own (empty feedback is refused where options are read).

Options that read the same are checked where they are rendered (courses.content and
authoring.quizzes), since the two differ in how they report a failed living number.
"""

import re
from dataclasses import dataclass
from string import ascii_uppercase

ABSOLUTE_WORDS = ("always", "never", "guaranteed", "only", "all", "none")
_ABSOLUTE_RE = {word: re.compile(rf"\b{word}\b", re.IGNORECASE) for word in ABSOLUTE_WORDS}
# In a test of this size or more, each of the first four positions must be right at least
# twice: fewer items could not hold two of each.
TEST_POSITIONS, TEST_MIN_PER_POSITION = 4, 2


@dataclass(frozen=True)
class Item:
    """One question as the checks see it: its label in messages, each option's shown text and
    feedback (in the file's or the editor's order), and which option is right."""

    label: str
    options: list[str]
    feedback: list[str]
    correct: int


def letter(index: int) -> str:
    return ascii_uppercase[index] if index < len(ascii_uppercase) else str(index + 1)


def _names(items: list[Item]) -> str:
    return ", ".join(item.label for item in items)


def _key_is_longest(item: Item) -> bool:
    key = len(item.options[item.correct])
    others = [len(text) for i, text in enumerate(item.options) if i != item.correct]
    return bool(others) and key > max(others)


def longest_problems(items: list[Item]) -> list[str]:
    longest = [item for item in items if _key_is_longest(item)]
    allowed = len(items) // 3
    if len(longest) <= allowed:
        return []
    return [
        f"the right option is the longest in {len(longest)} of {len(items)} questions "
        f"({_names(longest)}); at most {allowed} may be (a third), or picking the longest option "
        "passes without reading. Make a wrong option the longest, or the right one shorter, in "
        f"{len(longest) - allowed} of them."
    ]


def position_problems(items: list[Item], *, test: bool) -> list[str]:
    if len(items) < 2:
        return []  # one question is always "all in one place"
    problems = []
    by_position: dict[int, list[Item]] = {}
    for item in items:
        by_position.setdefault(item.correct, []).append(item)
    for position, keyed in sorted(by_position.items()):
        if len(keyed) * 2 > len(items):
            problems.append(
                f"option {letter(position)} is the right one in {len(keyed)} of {len(items)} "
                f"questions ({_names(keyed)}); no position may be right in more than half. "
                "Move the right option elsewhere in some of them."
            )
    enough = len(items) >= TEST_POSITIONS * TEST_MIN_PER_POSITION
    if test and enough and all(len(item.options) >= TEST_POSITIONS for item in items):
        for position in range(TEST_POSITIONS):
            keyed = by_position.get(position, [])
            if len(keyed) < TEST_MIN_PER_POSITION:
                which = f" ({_names(keyed)})" if keyed else ""
                problems.append(
                    f"option {letter(position)} is the right one in {len(keyed)} "
                    f"question{'s' if len(keyed) != 1 else ''}{which}; in a module test each of "
                    f"A to {letter(TEST_POSITIONS - 1)} must be right at least "
                    f"{TEST_MIN_PER_POSITION} times."
                )
    return problems


def absolute_word_problems(item: Item) -> list[str]:
    problems = []
    key = item.options[item.correct]
    for word, pattern in _ABSOLUTE_RE.items():
        if pattern.search(key):
            continue
        wrong = [
            letter(i)
            for i, text in enumerate(item.options)
            if i != item.correct and pattern.search(text)
        ]
        if wrong:
            where = f"option{'s' if len(wrong) > 1 else ''} {' and '.join(wrong)}"
            problems.append(
                f'{item.label}: "{word}" appears only in wrong options ({where}), which marks '
                "them as wrong unread. Reword them, or word the right option as firmly."
            )
    return problems


def feedback_problems(item: Item) -> list[str]:
    problems = []
    seen: dict[str, int] = {}
    for i, text in enumerate(item.feedback):
        text = " ".join(text.split())
        if not text:
            continue  # an empty feedback is refused where the option is read, with its field
        if text in seen:
            problems.append(
                f"{item.label}: options {letter(seen[text])} and {letter(i)} have the same "
                "feedback; each option needs its own, saying why it is right or wrong."
            )
        else:
            seen[text] = i
    return problems


def cue_problems(items: list[Item], *, test: bool) -> list[str]:
    """Every cue in a quiz's (or, with `test`, a module test's) items, each a sentence naming
    the rule and the questions that break it."""
    problems = longest_problems(items) + position_problems(items, test=test)
    for item in items:
        problems += absolute_word_problems(item) + feedback_problems(item)
    return problems
