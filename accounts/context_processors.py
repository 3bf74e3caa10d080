from django.http import HttpRequest

from accounts.roles import is_admin, is_instructor


def roles(request: HttpRequest) -> dict[str, object]:
    user = request.user
    # Lazy: the group query runs only when a template asks.
    return {
        "user_is_admin": lambda: is_admin(user),
        "user_is_instructor": lambda: is_instructor(user),
    }
