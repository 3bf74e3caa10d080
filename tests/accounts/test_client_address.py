import pytest
from django.test import RequestFactory

from accounts.client_address import get_client_address
from tests.security.test_deploy_settings import PRODUCTION, run_manage


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY = False
    assert get_client_address(request_from("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("hops", "forwarded", "client"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the leftmost was forged by the client
        (2, "6.6.6.6, 198.51.100.7, 192.0.2.10", "198.51.100.7"),  # a CDN, then our proxy
        (2, "198.51.100.7", "198.51.100.7"),  # fewer entries than hops
        (1, "198.51.100.7:51234", "198.51.100.7"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, None, "10.0.0.2"),
    ],
)
def test_behind_a_trusted_proxy_the_client_is_the_address_the_outermost_proxy_saw(
    settings, hops, forwarded, client
):
    settings.TRUSTED_PROXY = True
    settings.TRUSTED_PROXY_HOPS = hops
    assert get_client_address(request_from("10.0.0.2", forwarded)) == client


def test_another_header_can_be_named(settings):
    settings.TRUSTED_PROXY = True
    settings.TRUSTED_PROXY_HEADER = "X-Real-IP"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="198.51.100.7")
    assert get_client_address(request) == "198.51.100.7"


SHOW = "from django.conf import settings; print(repr(settings.SECURE_PROXY_SSL_HEADER))"


def test_the_forwarded_proto_header_is_believed_only_behind_a_trusted_proxy():
    result = run_manage("shell", "-c", SHOW, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "None"
    result = run_manage("shell", "-c", SHOW, **PRODUCTION, TRUSTED_PROXY="1")
    assert result.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_check_deploy_is_clean_behind_a_trusted_proxy():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, TRUSTED_PROXY="1"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_proxy_settings_name_the_variable():
    result = run_manage("check", **PRODUCTION, TRUSTED_PROXY="1", TRUSTED_PROXY_HOPS="0")
    assert "TRUSTED_PROXY_HOPS must be at least 1" in result.stderr
    result = run_manage("check", **PRODUCTION, TRUSTED_PROXY="1", TRUSTED_PROXY_HEADER="X For")
    assert "TRUSTED_PROXY_HEADER must be a header name" in result.stderr
