from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    text: str


@dataclass
class ToolCall:
    """One calculator call: what a calculation card shows."""

    tool: str
    input: dict[str, Any]
    output: dict[str, Any]
    is_error: bool = False


@dataclass
class TutorReply:
    text: str  # Markdown
    calculations: list[ToolCall] = field(default_factory=list)
    # True when the tutor needs one more fact and asked a follow-up question.
    asked_follow_up: bool = False
    # answer (a calculation), ask, concept (from the concept base) or refuse.
    kind: str = "answer"
