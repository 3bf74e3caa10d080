"""Who may do what: the one place where roles are decided.

- Everyone who signs up is a learner.
- Members of the "Instructors" group (and admins) may edit course content and see question
  statistics.
- Staff users are admins: they review every learner's scores and export them.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

INSTRUCTORS_GROUP = "Instructors"

User = AbstractBaseUser | AnonymousUser


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def is_instructor(user: User) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_staff or user.is_superuser:
        return True
    # Cached on the user object: a page asks more than once.
    cached = getattr(user, "_is_instructor", None)
    if cached is None:
        cached = user.groups.filter(name=INSTRUCTORS_GROUP).exists()
        user._is_instructor = cached
    return cached


def staff_users() -> QuerySet:
    """The ids of course staff (admins and instructors): their attempts are tries of the course,
    not a learner's, so score reports leave them out unless asked to show them."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name=INSTRUCTORS_GROUP))
        .values("pk")
    )


def make_instructor(user: Any) -> None:
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    user.groups.add(group)


def _role_required(check: Callable[[User], bool]) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = _role_required(is_admin)
instructor_required = _role_required(is_instructor)
