"""The public pages as a watched phone sees them: headers, weight, no script, no cookie."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from safepassage.campaigns.models import Campaign
from safepassage.crypto.keys import Keyring
from safepassage.envelopes.models import InboundEnvelope

from .helpers import LANGUAGES, html, post_form, receipt_from, run_worker, text_in

pytestmark = pytest.mark.django_db

MAX_PAGE_BYTES = 16 * 1024
UNKNOWN_CODE = (
    "We do not know the code “%(code)s”. Check it against the leaflet or video, "
    "or leave this field empty."
)


def _css_bytes() -> int:
    found = finders.find("intake/site.css")
    assert found is not None
    return Path(str(found)).stat().st_size


def _all_pages(client: Client, lang: str, keyring: Keyring) -> dict[str, str]:
    """Every public page an applicant can see, in ``lang``, by name."""
    pages = {"form": html(client.get(f"/{lang}/"))}
    receipt_page = post_form(client, f"/{lang}/", {"message": "Test"})
    pages["receipt"] = html(receipt_page)
    pages["signin"] = html(client.get(f"/{lang}/inbox"))
    pages["bad_input"] = html(post_form(client, f"/{lang}/", {"message": "", "campaign": "?"}))
    pages["refused"] = html(
        post_form(client, f"/{lang}/", {"message": "x"}, HTTP_SEC_FETCH_SITE="cross-site")
    )
    run_worker(keyring)
    post_form(client, f"/{lang}/inbox", {"receipt": receipt_from(receipt_page)})
    pages["inbox"] = html(client.get(f"/{lang}/inbox?sent=1"))
    assert 'name="token"' in pages["inbox"], "the receipt did not sign in"
    pages["signed_out"] = html(post_form(client, f"/{lang}/inbox/signout", {}))
    pages["exit"] = html(client.get("/exit"))
    return pages


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("ko-KR,ko;q=0.9,en;q=0.5", "/ko/"),
        ("uk,ru;q=0.8", "/uk/"),
        ("de-DE,en;q=0.7", "/en/"),
        ("fr-FR", "/ru/"),
        ("", "/ru/"),
    ],
)
def test_root_sends_to_the_browser_language(client: Client, accept: str, expected: str) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert "Accept-Language" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_pages_carry_strict_headers(client: Client, lang: str) -> None:
    for path in [f"/{lang}/", f"/{lang}/inbox"]:
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Content-Language"] == lang
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "same-origin"
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp
        assert "script-src" not in csp
        assert "form-action 'self'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_cookie_is_set_before_receipt_sign_in(client: Client, lang: str) -> None:
    responses = [
        client.get("/", HTTP_ACCEPT_LANGUAGE=lang),
        client.get(f"/{lang}/"),
        client.get(f"/{lang}/inbox"),
        client.get("/c/NOPE"),
        post_form(client, f"/{lang}/", {"message": "Хочу жить"}),
        post_form(client, f"/{lang}/", {"message": ""}),
        post_form(client, f"/{lang}/inbox", {"receipt": "1234"}),
        post_form(client, f"/{lang}/inbox", {"receipt": "0000 0000 0000 0000"}),
    ]
    for response in responses:
        assert not response.cookies, response.wsgi_request.path
        assert "Set-Cookie" not in response.headers
    assert not client.cookies


@pytest.mark.parametrize("lang", LANGUAGES)
def test_form_page_weighs_at_most_16_kb_with_its_css(client: Client, lang: str) -> None:
    page = client.get(f"/{lang}/").content
    assert len(page) + _css_bytes() <= MAX_PAGE_BYTES
    # The stylesheet is the only other thing the page loads.
    assert re.findall(rb'(?:href|src)="(/static/[^"]+)"', page) == [b"/static/intake/site.css"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_form_page_with_every_error_still_fits_16_kb(client: Client, lang: str) -> None:
    bad = {
        "message": "",
        "group_size": "many",
        "campaign": "NOSUCH",
        "inquiry_type": "bogus",
        **dict.fromkeys(["name", "unit", "area"], "x" * 201),
        **dict.fromkeys(["rank", "service_number", "phone"], "y" * 101),
    }
    page = post_form(client, f"/{lang}/", bad).content
    typed = sum(len(value.encode()) for value in bad.values())
    assert len(page) - typed + _css_bytes() <= MAX_PAGE_BYTES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_script_and_no_external_url_on_any_page(
    client: Client, lang: str, installed_keys: Keyring
) -> None:
    for name, page in _all_pages(client, lang, installed_keys).items():
        lowered = page.lower()
        assert "<script" not in lowered, name
        assert "javascript:" not in lowered, name
        assert not re.search(r"\son[a-z]+\s*=", lowered), f"event handler on {name}"
        assert " style=" not in lowered, f"inline style on {name} (the CSP would block it)"
        assert "<iframe" not in lowered, name
        assert "<img" not in lowered, name
        for url in re.findall(r'(?:href|src|action)="([^"]*)"', page):
            assert not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", url, re.I), f"{url} on {name}"
        assert "http://" not in lowered, name
        assert "https://" not in lowered, name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_has_quick_exit_and_language_switch(
    client: Client, lang: str, installed_keys: Keyring
) -> None:
    exit_label = text_in(lang, "Quick exit", "intake")
    for name, page in _all_pages(client, lang, installed_keys).items():
        if name == "exit":
            continue
        assert f'<a class="exit" href="/exit" rel="noreferrer">{exit_label}</a>' in page, name
        for other in LANGUAGES:
            if other != lang:
                assert f'hreflang="{other}"' in page, f"no switch to {other} on {name}"
        assert f'<html lang="{lang}">' in page


def test_quick_exit_page_is_neutral_and_clears_the_site(client: Client) -> None:
    response = client.get("/exit")
    assert response.status_code == 200
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert response.headers["Cache-Control"] == "no-store"
    page = html(response).lower()
    for word in ["surrender", "receipt", "programme", "geneva", "плен", "투항", "quick exit"]:
        assert word not in page
    assert "<link" not in page  # loads nothing, not even our stylesheet


def test_title_is_neutral_and_configurable(client: Client, settings: SettingsWrapper) -> None:
    assert "<title>Information</title>" in html(client.get("/en/"))
    assert "<title>Информация</title>" in html(client.get("/ru/"))
    settings.SAFEPASSAGE_PUBLIC_TITLE = "Погода"
    for lang in LANGUAGES:
        assert "<title>Погода</title>" in html(client.get(f"/{lang}/"))


def test_onion_location_is_sent_when_configured(client: Client, settings: SettingsWrapper) -> None:
    settings.SAFEPASSAGE_ONION_LOCATION = "http://" + "a" * 56 + ".onion"
    assert client.get("/ko/inbox").headers["Onion-Location"].endswith(".onion/ko/inbox")


def test_every_form_field_has_a_label(client: Client) -> None:
    page = html(client.get("/en/"))
    ids = re.findall(r'<(?:input|textarea|select) id="([^"]+)"', page)
    assert len(ids) == 13
    for field_id in ids:
        assert f'<label for="{field_id}">' in page
    assert "(optional)" in page
    assert page.count(" required") == 1  # only the message


def test_campaign_link_carries_the_code_in_the_url(client: Client) -> None:
    Campaign.objects.create(code="KO24", title="Leaflet", languages=["ko"])
    response = client.get("/c/ko24", HTTP_ACCEPT_LANGUAGE="ru")
    # The campaign addresses Korean readers: its page opens in Korean.
    assert response.headers["Location"] == "/ko/?c=ko24"
    assert not response.cookies
    page = html(client.get(response.headers["Location"]))
    assert 'name="campaign" value="ko24"' in page
    assert 'class="err"' not in page
    # The language switch keeps the code.
    assert 'href="/en/?c=ko24"' in page


def test_unknown_campaign_code_from_a_link_is_shown_with_an_error(client: Client) -> None:
    response = client.get("/c/WRONG1", HTTP_ACCEPT_LANGUAGE="uk")
    assert response.headers["Location"] == "/uk/?c=WRONG1"
    page = html(client.get(response.headers["Location"]))
    assert 'name="campaign" value="WRONG1"' in page
    assert text_in("uk", UNKNOWN_CODE, code="WRONG1") in page


def test_campaign_code_reaches_the_envelope(client: Client, installed_keys: Keyring) -> None:
    from safepassage.cases.models import Case

    campaign = Campaign.objects.create(code="RU7", title="Video", languages=["ru"])
    post_form(client, "/ru/?c=RU7", {"message": "Хочу сдаться", "campaign": "ru7"})
    assert InboundEnvelope.objects.count() == 1
    run_worker(installed_keys)
    assert Case.objects.get().campaign == campaign


def _luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, two: str) -> float:
    high, low = sorted([_luminance(one), _luminance(two)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_stylesheet_colours_meet_wcag_aa_contrast() -> None:
    found = finders.find("intake/site.css")
    css = Path(str(found)).read_text()
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", css)
    checked = 0
    for selector, body in rules:
        text = re.search(r"(?:^|;)color:(#[0-9a-f]{3,6})", body)
        background = re.search(r"background:(#[0-9a-f]{3,6})", body)
        if text is None:
            continue
        against = background.group(1) if background else "#fff"
        assert _contrast(text.group(1), against) >= 4.5, selector
        checked += 1
    # Notes and conversation bubbles: body text on their tinted backgrounds.
    for tint in re.findall(r"background:(#[0-9a-f]{3,6})", css):
        if tint not in {"#9b1c1c", "#0a3a8c"}:
            assert _contrast("#111", tint) >= 4.5, tint
    outline = re.search(r"outline:3px solid (#[0-9a-f]{3,6})", css)
    assert outline is not None
    assert _contrast(outline.group(1), "#fff") >= 3  # focus ring visible on the page
    assert checked >= 5
