import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.roles import instructor_required, is_admin, is_instructor, staff_required

pytestmark = pytest.mark.django_db


def test_a_new_user_is_only_a_learner(learner):
    assert not is_instructor(learner)
    assert not is_admin(learner)


def test_members_of_the_instructors_group_are_instructors(instructor):
    assert is_instructor(instructor)
    assert not is_admin(instructor)


def test_staff_are_admins_and_may_do_what_instructors_do(admin_user):
    assert is_admin(admin_user)
    assert is_instructor(admin_user)


def test_an_inactive_staff_user_has_no_role(admin_user):
    admin_user.is_active = False
    assert not is_admin(admin_user)
    assert not is_instructor(admin_user)


def _view(request):
    return HttpResponse("secret")


@pytest.mark.parametrize(
    ("decorator", "persona", "allowed"),
    [
        (staff_required, "learner", False),
        (staff_required, "instructor", False),
        (staff_required, "admin_user", True),
        (instructor_required, "learner", False),
        (instructor_required, "instructor", True),
        (instructor_required, "admin_user", True),
    ],
)
def test_role_decorators_let_in_only_the_right_people(decorator, persona, allowed, request):
    user = request.getfixturevalue(persona)
    http_request = RequestFactory().get("/x")
    http_request.user = user
    view = decorator(_view)
    if allowed:
        assert view(http_request).content == b"secret"
    else:
        with pytest.raises(PermissionDenied):
            view(http_request)


def test_role_decorators_send_anonymous_users_to_login():
    from django.contrib.auth.models import AnonymousUser

    http_request = RequestFactory().get("/x")
    http_request.user = AnonymousUser()
    response = staff_required(_view)(http_request)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
