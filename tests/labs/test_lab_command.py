import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_the_lab_command_answers_offline_in_json(lab, capsys):
    call_command("lab", "cost-estimator", lab.try_asking, "--offline", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["engine"] == "offline"
    assert data["reply"]
    assert data["calculations"]
    first = data["calculations"][0]
    assert {"tool", "input", "output"} <= first.keys()
    assert first["output"]["command"]


def test_the_lab_command_prints_readable_text(lab, capsys):
    call_command(
        "lab",
        "caching-strategist",
        "Should I cache a 3,000-token system prompt on Sonnet 5.5 at 20,000 requests a day?",
        "--offline",
    )
    out = capsys.readouterr().out
    assert "$" in out
    assert "[calculation]" in out


def test_the_lab_command_refuses_an_unknown_lab(lab):
    with pytest.raises(CommandError, match="no lab 'oracle'"):
        call_command("lab", "oracle", "hi", "--offline")
