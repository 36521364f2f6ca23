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
    # The defaults: the model's fibromyalgia preset (0.6) at moderate pressure.
    assert curve.startswith("Predicted pain by massage pressure, sensitization 0.6")
    assert "At pressure 3 (moderate)" in curve
    assert days.startswith("Predicted pain in the days after a pressure 3 (moderate) massage")
    # The text alternative is on the page for everyone, not only in the SVG.
    assert f'<figcaption aria-hidden="true">{html.escape(curve)}</figcaption>' in body


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
    assert 'value="0.6"' in body


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


def test_evidence_page_opens_on_fibromyalgia_with_studies_dose_and_guidelines(client: Client) -> None:
    r = client.get("/learn/evidence/")
    assert r.status_code == 200
    body = html.unescape(r.content.decode())
    assert '<option value="fibromyalgia" selected>' in body
    assert "Nothing for fibromyalgia is pooled" in body  # said plainly, not hidden
    # Li 2014 (PLoS One 9:e89304): pain SMD 0.62 (0.05 to 1.20) in favour of massage; times the
    # fibromyalgia 0-10 pain SD 2.10 (Bernardy 2013, Cochrane CD009796) = -1.30 points, shown as
    # -1.3 (-2.5 to -0.1).
    assert "SMD 0.62 (0.05 to 1.2)" in body
    assert '-1.3 <span class="muted">(-2.5 to -0.1)</span>' in body
    assert "30 minutes, 2 times a week, for 5 weeks" in body  # Field 2002, via evidence.starting_dose
    assert "AWMF 2012" in body and "not recommended" in body  # the guideline table (Thieme 2017)
    assert "Pain results in points" in body and len(alts(body)) == 1
    # Each box that can scroll sideways is a named region the keyboard can reach (axe-core's
    # scrollable-region-focusable), so a keyboard user can scroll the tables.
    wraps = re.findall(r'<div class="table-wrap"[^>]*>', body)
    assert len(wraps) == 2
    assert all('tabindex="0"' in w and 'role="region"' in w and "aria-label=" in w for w in wraps)


def test_evidence_for_all_conditions_pools_and_says_what_is_too_small_to_feel(client: Client) -> None:
    body = html.unescape(client.get("/learn/evidence/", {"condition": "all"}).content.decode())
    assert "Pooled results" in body
    assert "Composite: 2 trials pooled" in body  # Perlman 2012 + 2019 (knee OA), the one honest pool
    assert re.search(r"\d+ results? below (is|are) statistically clear but too small to feel", body)
    assert len(alts(body)) == 2  # the points forest plot and the pooled forest plot


def test_evidence_for_a_condition_without_guidelines(client: Client) -> None:
    body = html.unescape(client.get("/learn/evidence/", {"condition": "neck_pain"}).content.decode())
    assert '<option value="neck_pain" selected>' in body
    assert "What guidelines say" not in body  # the guideline table is about fibromyalgia


def test_evidence_bad_condition_is_a_400_with_the_allowed_values(client: Client) -> None:
    r = client.get("/learn/evidence/", {"condition": "gout"})
    assert r.status_code == 400
    body = html.unescape(r.content.decode())
    box = re.search(r'<div class="form-errors" role="alert">.*?</div>', body, re.DOTALL)
    assert box and "Condition must be one of: fibromyalgia, low_back_pain" in box.group(0)
    assert "gout" not in box.group(0)
    assert "Nothing for fibromyalgia is pooled" in body  # falls back to the default page


def test_visitors_who_are_not_logged_in_can_find_the_learn_pages(client: Client) -> None:
    body = client.get("/accounts/login/").content.decode()
    assert 'href="/learn/">Learn</a>' in body


def test_the_presets_are_links_and_the_chosen_one_is_marked(client: Client) -> None:
    body = client.get("/learn/", {"sensitization": "1", "pressure": "2"}).content.decode()
    link = r'<a class="button quiet" href="\?sensitization=([0-9.]+)&amp;pressure=2"([^>]*)>([^<]+)</a>'
    links = re.findall(link, body)
    assert [(value, label) for value, _, label in links] == [
        ("0.0", "A typical pain system"), ("0.6", "Fibromyalgia"), ("1.0", "Strongly sensitized")
    ]
    assert [label for _, current, label in links if "aria-current" in current] == ["Strongly sensitized"]
