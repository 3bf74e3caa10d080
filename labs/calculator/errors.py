"""The calculator's exceptions. Every message is one line a learner or a shell user can read."""

from __future__ import annotations


class CalculatorError(ValueError):
    """Bad input to the calculator: an unknown model, a negative number, a missing field."""


class PriceTableError(CalculatorError):
    """The price table is malformed; the message names the model and the field."""


class UnknownModel(CalculatorError):
    """No model in the price table answers to the name (or more than one does)."""
