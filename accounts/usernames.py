"""Usernames that look alike: "lena", "Lena", "l\u0435na" (Cyrillic ie) and full-width "lena".

A name is reduced to a skeleton: NFKC folds full-width and other compatibility forms, a small
table maps letters of other scripts (and digits) that render like Latin ones, and casefold
ignores case. Two names with the same skeleton can pass for each other on a score report, so a
new name whose skeleton is taken is refused.

No confusables library is installed, so the table below is our own short list: the Cyrillic and
Greek letters that are drawn like Latin letters in common fonts, 0 for o and 1, I for l. It is
deliberately small; it catches the lookalikes people actually use to impersonate, not every
entry of Unicode's confusables list.
"""

import unicodedata
from collections.abc import Iterable


# Written as Unicode names, not as the letters: in this file they would look like the Latin ones.
def _table(letters: dict[str, str]) -> dict[int, str]:
    return str.maketrans({unicodedata.lookup(name): latin for name, latin in letters.items()})


# Before casefold: capitals, because casefold would send some of them to a letter that no longer
# looks alike (capital I looks like small l in sans-serif fonts; casefold makes it i).
_CAPITALS = _table(
    {
        "LATIN CAPITAL LETTER I": "l",
        "GREEK CAPITAL LETTER IOTA": "l",
        "CYRILLIC LETTER PALOCHKA": "l",
        "CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I": "l",
        **{f"CYRILLIC CAPITAL LETTER {name}": latin for name, latin in [
            ("A", "A"), ("VE", "B"), ("IE", "E"), ("KA", "K"), ("EM", "M"), ("EN", "H"),
            ("O", "O"), ("ER", "P"), ("ES", "C"), ("TE", "T"), ("HA", "X"), ("U", "Y"),
            ("DZE", "S"), ("JE", "J"),
        ]},
        **{f"GREEK CAPITAL LETTER {name}": latin for name, latin in [
            ("ALPHA", "A"), ("BETA", "B"), ("EPSILON", "E"), ("ZETA", "Z"), ("ETA", "H"),
            ("KAPPA", "K"), ("MU", "M"), ("NU", "N"), ("OMICRON", "O"), ("RHO", "P"),
            ("TAU", "T"), ("UPSILON", "Y"), ("CHI", "X"),
        ]},
    }
)  # fmt: skip
# After casefold: small letters and digits drawn like Latin small letters.
_SMALL = _table(
    {
        **{f"CYRILLIC SMALL LETTER {name}": latin for name, latin in [
            ("A", "a"), ("IE", "e"), ("O", "o"), ("ER", "p"), ("ES", "c"), ("HA", "x"),
            ("U", "y"), ("BYELORUSSIAN-UKRAINIAN I", "i"), ("JE", "j"), ("DZE", "s"),
            ("SHHA", "h"), ("KOMI DE", "d"), ("QA", "q"), ("WE", "w"), ("PALOCHKA", "l"),
            ("KA", "k"),
        ]},
        **{f"GREEK SMALL LETTER {name}": latin for name, latin in [
            ("ALPHA", "a"), ("OMICRON", "o"), ("RHO", "p"), ("NU", "v"), ("UPSILON", "u"),
            ("IOTA", "i"), ("KAPPA", "k"), ("CHI", "x"),
        ]},
        "GREEK LUNATE SIGMA SYMBOL": "c",
        "GREEK LETTER YOT": "j",
        "LATIN SMALL LETTER DOTLESS I": "i",
        "LATIN SMALL LETTER SCRIPT G": "g",
        "DIGIT ZERO": "o",
        "DIGIT ONE": "l",
    }
)  # fmt: skip
# Letter pairs that read as one letter at a glance.
_PAIRS = (("rn", "m"), ("vv", "w"))


def skeleton(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).strip()
    text = text.translate(_CAPITALS).casefold().translate(_SMALL)
    for pair, letter in _PAIRS:
        text = text.replace(pair, letter)
    return text


def _lookalike_keys(name: str) -> set[str]:
    # Both with and without the capital-I rule: "Ina" must clash with "lna" and with "ina".
    return {skeleton(name), skeleton(unicodedata.normalize("NFKC", name).casefold())}


def find_lookalike(name: str, taken: Iterable[str]) -> str | None:
    """The first of `taken` that could pass for `name`, or None."""
    keys = _lookalike_keys(name)
    for other in taken:
        if keys & _lookalike_keys(other):
            return other
    return None
