"""Reading a learner's message: quantities, the slots they fill, qualifiers, models, pasted
prompts and usage objects, and the facts of a conversation. Pure Python, no Django.

`extract_facts(text, table)` turns one message into `Facts`; `conversation_facts` folds the
earlier user turns of a conversation into them, the newest message winning. Every reading the
tutor makes that the learner did not spell out (a converted period, a tier name resolved to a
model, a rounded volume) is recorded in `Facts.notes` so the reply can state it.

The modules, each one table or one grammar:

- `quantities`: numbers as people write them and the periods they count;
- `labels`: which words name which slot (a prompt part, the output, a counted thing);
- `qualifiers`: words that change the scenario (batch, traffic shape, cache lifetime, what-ifs);
- `models`: model names, aliases and the role each plays;
- `prompts`: a pasted prompt; `facts`: one message; `conversation`: the turns folded together.
"""

from .conversation import (
    FOLLOW_UP_PHRASES,
    Conversation,
    conversation_facts,
    expected_fields,
    merge,
)
from .facts import Facts, extract_facts
from .labels import PART_LABELS, PART_ORDER, part_of
from .models import TIER_NAMES, ModelMention, find_models, order_models, wants_comparison
from .prompts import extract_prompt
from .qualifiers import Modifier, find_changing_top, find_ttls, says_cached
from .quantities import Number, Volume, find_numbers, parse_number, parse_period, to_volume
from .text import normalize

__all__ = [
    "FOLLOW_UP_PHRASES",
    "PART_LABELS",
    "PART_ORDER",
    "TIER_NAMES",
    "Conversation",
    "Facts",
    "ModelMention",
    "Modifier",
    "Number",
    "Volume",
    "conversation_facts",
    "expected_fields",
    "extract_facts",
    "extract_prompt",
    "find_changing_top",
    "find_models",
    "find_numbers",
    "find_ttls",
    "merge",
    "normalize",
    "order_models",
    "parse_number",
    "parse_period",
    "part_of",
    "says_cached",
    "to_volume",
    "wants_comparison",
]
