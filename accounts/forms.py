from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    UserCreationForm,
)
from django.contrib.auth.models import User
from django.http import HttpRequest

from accounts import throttle, usernames
from accounts.client_address import get_client_address

THROTTLED = "Too many failed attempts. Try again in {wait}."


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=True, help_text="For password resets and score notices. Never shown to others."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_username(self) -> str | None:
        username = super().clean_username()  # None when it differs from a taken one only in case
        if not username:
            return username
        # A scan, not an index: a course has thousands of accounts, not millions, and the
        # skeleton rule can change without a data migration.
        taken = User.objects.values_list("username", flat=True).iterator(chunk_size=2000)
        if usernames.find_lookalike(username, taken):
            raise forms.ValidationError(
                "This name looks too much like one that is already taken (letters from other "
                "alphabets, full-width letters, 0 for o and 1 for l all count as the same). "
                "Choose a name that reads differently.",
                code="lookalike",
            )
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Log in instead."
            )
        return email


def _check_throttled(
    scope: str, username: str, request: HttpRequest, check: Any, *args: Any
) -> Any:
    """Run the password check `check(*args)` only if a guess can be reserved for it."""
    guess = throttle.reserve_guess(scope, username, get_client_address(request))
    if not guess.allowed:
        raise forms.ValidationError(THROTTLED.format(wait=guess.wait_text), code="throttled")
    try:
        result = check(*args)
    except BaseException:
        # A wrong password raises ValidationError; a crash mid-check counts as a failure too,
        # or it would be a guess that is never recorded.
        guess.failed()
        raise
    guess.succeeded()
    return result


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()  # nothing to check yet: the field errors say what is missing
        return _check_throttled("login", username, self.request, super().clean)


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old-password check is a password guess too: a borrowed session must not try many."""

    def __init__(self, user: User, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        return _check_throttled(
            "password-change", self.user.get_username(), self.request, super().clean_old_password
        )


class ThrottledPasswordResetForm(PasswordResetForm):
    """Limits reset mail per client address and per email address, whether or not it exists."""

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        limit = settings.PASSWORD_RESET_THROTTLE_ATTEMPTS
        window = settings.PASSWORD_RESET_THROTTLE_WINDOW
        address = get_client_address(self.request)
        # The same count for every email, taken or not, so a refusal says nothing about accounts.
        wait = throttle.hit("reset-address", address, limit, window) or throttle.hit(
            "reset-email", email.casefold(), limit, window
        )
        if wait:
            raise forms.ValidationError(
                "Too many reset requests. Try again in "
                f"{throttle.format_wait(wait)}; a link already sent still works.",
                code="throttled",
            )
        return email
