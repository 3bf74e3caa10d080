"""Token estimates from text, always labelled as estimates.

Heuristic: about 4 characters a token for English prose, so `ceil(characters / 4)`. Code, numbers
and non-English text usually need more tokens per character, and newer tokenizers (Opus 4.7 and
later, Haiku 5.5) make roughly 1x to 1.35x as many tokens for the same text. For a real count,
call the API's free `messages.count_tokens` against the model you will use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CHARS_PER_TOKEN = 4
ESTIMATE_LABEL = "estimate: about 4 characters a token for English text"


@dataclass(frozen=True)
class TokenEstimate:
    characters: int
    tokens: int
    label: str = ESTIMATE_LABEL


def estimate_tokens(text: str) -> int:
    """Estimated tokens in `text`: ceil(characters / 4); 0 for empty text."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def estimate(text: str) -> TokenEstimate:
    return TokenEstimate(characters=len(text), tokens=estimate_tokens(text))
