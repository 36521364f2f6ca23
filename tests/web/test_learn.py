"""Learn pages: public, work without JavaScript, charts follow the controls, bad input is a 400."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def alts(body: str) -> list[str]:
    return [html.unescape(a) for a in re.findall(r'<svg[^>]* aria-label="([^"]*)"', body)]


def test_model_page_is_public_and_explains_with_two_charts(client: Client) -> None:
    r = client.get("/learn/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Why the same massage can soothe one person and hurt another" in body
    curve, days = alts(body)
    # The defaults: the model's sensitized example (0.8) at moderate pressure.
    assert curve.startswith("Predicted pain by massage pressure, sensitization 0.8")
    assert "At pressure 3 (moderate)" in curve
    assert days.startswith("Predicted pain in the days after a pressure 3 (moderate) massage")
    # The text alternative is on the page for everyone, not only in the SVG.
    assert f"<figcaption aria-hidden=\"true\">{html.escape(curve)}</figcaption>" in body


def test_controls_are_a_plain_get_form_with_labels_and_a_button(client: Client) -> None:
    body = client.get("/learn/").content.decode()
    form = re.search(r"<form[^>]*>(.*?)</form>", body, re.DOTALL)
    assert form and 'method="get"' in form.group(0)
    for name in ("sensitization", "pressure"):
        assert f'<label for="id_{name}">' in form.group(1) and f'name="{name}"' in form.group(1)
    assert '<button type="submit">Show</button>' in form.group(1)


def test_the_chart_follows_the_controls(client: Client) -> None:
    typical = alts(client.get("/learn/", {"sensitization": "0", "pressure": "3"}).content.decode())
    sensitized = alts(client.get("/learn/", {"sensitization": "1", "pressure": "3"}).content.decode())
    light = alts(client.get("/learn/", {"sensitization": "1", "pressure": "1"}).content.decode())
    assert typical[0] != sensitized[0] and sensitized[0] != light[0]
    assert "sensitization 0 " in typical[0] and "sensitization 1 " in sensitized[0]
    assert "massage by pressure" not in light[1] and "a pressure 1 (very light) massage" in light[1]

    def during(alt: str, level: str) -> float:
        m = re.search(rf"At pressure {level}[^:]*: ([\d.]+) during", alt)
        assert m, alt
        return float(m.group(1))

    # The model's claim, read off the page: moderate massage lowers pain (6 before) in a typical
    # system and raises it in a sensitized one; lighter massage raises it less.
    assert during(typical[0], "3") < 6 < during(sensitized[0], "3")
    assert during(light[0], "1") < during(sensitized[0], "3")


def test_the_form_keeps_the_chosen_values(client: Client) -> None:
    body = client.get("/learn/", {"sensitization": "0.3", "pressure": "2"}).content.decode()
    assert 'value="0.3"' in body
    assert '<option value="2" selected>2 light</option>' in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"sensitization": "2"},
            "Sensitization must be a number from 0 (typical) to 1 (strongly sensitized).",
        ),
        (
            {"sensitization": "-0.1"},
            "Sensitization must be a number from 0 (typical) to 1 (strongly sensitized).",
        ),
        (
            {"sensitization": "lots"},
            "Sensitization must be a number from 0 (typical) to 1 (strongly sensitized).",
        ),
        (
            {"sensitization": "nan"},
            "Sensitization must be a number from 0 (typical) to 1 (strongly sensitized).",
        ),
        ({"pressure": "7"}, "Pressure must be a whole number from 1 to 5."),
        ({"pressure": "2.5"}, "Pressure must be a whole number from 1 to 5."),
    ],
)
def test_bad_controls_get_a_400_with_a_clear_message(
    client: Client, params: dict[str, str], message: str
) -> None:
    r = client.get("/learn/", params)
    assert r.status_code == 400
    body = r.content.decode()
    box = re.search(r'<div class="form-errors" role="alert">.*?</div>', body, re.DOTALL)
    assert box and html.escape(message) in box.group(0)
    (bad,) = params.values()
    assert bad not in box.group(0)  # the message says what is allowed; it does not echo the input
    assert len(alts(body)) == 2  # the page still works, with the usual settings
    assert 'value="0.8"' in body


def test_learn_pages_only_read(client: Client) -> None:
    assert client.post("/learn/", {"sensitization": "0.5"}).status_code == 405
    assert client.post("/learn/evidence/").status_code == 405


def test_script_and_styles_are_shipped_in_the_package(client: Client) -> None:
    from django.contrib.staticfiles import finders

    for asset in ("learn/learn.js", "learn/learn.css"):
        assert finders.find(asset), asset
    body = client.get("/learn/").content.decode()
    assert "learn/learn.js" in body and "learn/learn.css" in body
    assert "http://" not in re.sub(r'xmlns(:xlink)?="http://www.w3.org/[^"]*"', "", body)  # no CDN
