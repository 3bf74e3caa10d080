"""`{{ amount|usd }}`: money in a template by the calculator's one rule (`format_usd`)."""

from decimal import Decimal, InvalidOperation

from django import template

from labs.calculator.formatting import format_usd

register = template.Library()


@register.filter
def usd(amount: object) -> str:
    """ "$0.004" and "$1,234.50", as every lesson and card shows money; an empty value is "$0.00"
    (a conversation with no calls yet has a cost of nothing, not of "None")."""
    try:
        return format_usd(Decimal(str(amount if amount not in (None, "") else 0)))
    except InvalidOperation:
        return ""
