"""Security headers and cookies: Content-Security-Policy, Permissions-Policy, no caching of
signed-in pages, cookie flags, Targa's own CSRF failure page, and `check --deploy` with the
production variables."""

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


def policy(response) -> dict[str, set[str]]:
    """The Content-Security-Policy header as {directive: {sources}}."""
    parts = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: set(sources) for name, *sources in parts}


PAGE_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


# Content-Security-Policy.


def test_pages_downloads_and_errors_carry_the_strict_policy(users, province_a):
    agent = client_for(users["agent_a"])
    responses = [
        Client().get(reverse("login")),
        agent.get(reverse("home")),
        agent.get(reverse("provinces:activity_list", args=[province_a.code]), {"export": "csv"}),
        agent.get("/provinces/02.251/"),  # another province: 404
        client_for(users["viewer"]).get(reverse("provinces:programme_edit", args=["05.301"])),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 404, 403]
    for response in responses:
        assert policy(response) == PAGE_POLICY


def admin_inline_bits() -> dict[str, set[str]]:
    """The inline style attributes and handlers of the third-party admin pages Targa uses."""
    site = Path(sys.modules["simple_history"].__file__).parent.parent
    found = {"style-src-attr": set(), "script-src-attr": set()}
    for template in (
        site / "simple_history/templates/simple_history/object_history_list.html",
        site / "import_export/templates/admin/import_export/export.html",
    ):
        text = template.read_text(encoding="utf-8")
        found["style-src-attr"] |= set(re.findall(r'\sstyle="([^"]*)"', text))
        found["script-src-attr"] |= set(re.findall(r'\son[a-z]+="([^"]*)"', text))
    return found


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_admin_pages_allow_exactly_the_hashed_inline_bits_of_their_libraries(users):
    """The admin's pages from django-simple-history and django-import-export carry a few inline
    bits: each is allowed by its hash and nothing else is. After a library upgrade that changes
    them, this fails until the hashes in settings follow."""
    bits = admin_inline_bits()
    assert bits["style-src-attr"] == {"border-top: 0", "padding: 0;", "font-weight: bold;"}
    assert bits["script-src-attr"] == {"onSelectToggleChange(event)"}
    admin_policy = policy(client_for(users["admin"]).get(reverse("admin:index")))
    for directive, texts in bits.items():
        assert admin_policy[directive] == {"'unsafe-hashes'"} | {csp_hash(t) for t in texts}
    assert {k: v for k, v in admin_policy.items() if not k.endswith("-attr")} == PAGE_POLICY
    # Elsewhere, not even those.
    home = policy(client_for(users["admin"]).get(reverse("home")))
    assert "style-src-attr" not in home and "script-src-attr" not in home


# Permissions-Policy.


def test_every_response_refuses_camera_microphone_and_location(users):
    for response in (
        Client().get(reverse("login")),
        client_for(users["agent_a"]).get(reverse("home")),
        client_for(users["agent_a"]).get("/no/such/page/"),
    ):
        features = dict(
            item.strip().split("=") for item in response["Permissions-Policy"].split(",")
        )
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()", feature


# Caching.


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def test_responses_to_a_signed_in_user_are_never_stored(users, province_a):
    agent = client_for(users["agent_a"])
    list_url = reverse("provinces:activity_list", args=[province_a.code])
    for response in (
        agent.get(reverse("home")),
        agent.get(list_url, {"export": "xlsx"}),  # a file download
        agent.get("/provinces/02.251/"),  # an error page
        agent.post(reverse("set_language"), {"language": "fr", "next": "/"}),  # a redirect
    ):
        assert {"private", "no-store"} <= cache_control(response), response
        assert "public" not in cache_control(response)


def test_anonymous_answers_and_static_files_keep_their_caching(users):
    redirect = Client().get(reverse("home"))
    assert redirect.status_code == 302
    assert "no-store" not in cache_control(redirect)
    static = client_for(users["agent_a"]).get("/static/css/targa.css")
    assert static.status_code == 200
    assert "no-store" not in cache_control(static)


# Cookies.


def assert_language_cookie(response, value: str, *, secure: bool):
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == value
    assert bool(cookie["secure"]) is secure
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.LANGUAGE_COOKIE_AGE


@pytest.mark.parametrize("secure", [True, False])
def test_every_language_cookie_carries_the_session_cookie_flags(settings, users, secure):
    settings.LANGUAGE_COOKIE_SECURE = secure
    user = users["agent_a"]
    # The language switch.
    switched = client_for(user).post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert_language_cookie(switched, "ar", secure=secure)
    # Logging in, in the language saved on the profile.
    logged_in = Client().post(reverse("login"), {"username": "agent.a", "password": PASSWORD})
    assert_language_cookie(logged_in, "ar", secure=secure)
    # A session on a new device, without the cookie yet.
    fresh = Client()
    fresh.force_login(user)
    assert_language_cookie(fresh.get(reverse("home")), "ar", secure=secure)


def test_targa_sets_no_cookie_but_through_its_helper():
    calls = {
        path.relative_to(BASE_DIR).as_posix()
        for app in ("targa", "provinces", "cpde", "valuechains", "projects", "reports")
        for path in (BASE_DIR / app).rglob("*.py")
        if ".set_cookie(" in path.read_text(encoding="utf-8")
    }
    assert calls == {"targa/core/cookies.py"}


# The CSRF failure page.


def post_without_token(user, language: str, url: str, headers=None):
    client = Client(enforce_csrf_checks=True, headers=headers or {})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client.post(url, {"name": "Association Tiwizi"})


def test_csrf_failure_is_targas_own_page_in_french(users, province_a):
    url = reverse("provinces:stakeholder_create", args=[province_a.code])
    response = post_without_token(
        users["agent_a"], "fr", url, headers={"Referer": f"http://testserver{url}"}
    )
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["403_csrf.html", "base.html"]
    html = response.content.decode()
    assert 'data-testid="csrf-failure"' in html
    assert "Votre formulaire n’a pas été envoyé" in html
    assert "votre navigateur garde ce que vous avez saisi" in html
    # The way back is a button for static/js/targa.js, not an inline handler.
    assert re.search(r"<button[^>]*data-history-back", html)
    assert "js/targa.js" in html
    assert f'href="http://testserver{url}"' in html  # the form, afresh
    assert 'href="/"' in html and "Accueil" in html  # home, in the navigation too
    assert {"private", "no-store"} <= cache_control(response)


def test_csrf_failure_page_in_arabic_reads_right_to_left(users, province_a):
    url = reverse("provinces:stakeholder_create", args=[province_a.code])
    response = post_without_token(users["agent_a"], "ar", url)
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "لم يُرسَل النموذج" in html
    assert "العودة إلى النموذج" in html


def test_csrf_failure_links_back_only_to_this_site(users, province_a):
    url = reverse("provinces:stakeholder_create", args=[province_a.code])
    response = post_without_token(
        users["agent_a"], "fr", url, headers={"Referer": "https://evil.example/x"}
    )
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()
    assert 'data-testid="csrf-reload"' not in response.content.decode()


def test_csrf_failure_after_being_logged_out_offers_to_log_in(users):
    response = post_without_token(None, "fr", reverse("login"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="csrf-login"' in html and "Se connecter" in html


def test_csrf_failure_of_an_htmx_action_leaves_the_page_in_place(users, province_a):
    url = reverse("provinces:stakeholder_create", args=[province_a.code])
    headers = {"HX-Request": "true", "Referer": f"http://testserver{url}"}
    response = post_without_token(users["agent_a"], "fr", url, headers=headers)
    assert response.status_code == 403
    assert response["HX-Retarget"] == "#main"
    assert response["HX-Reswap"].startswith("afterbegin")
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="csrf-failure"' in html
    assert "Votre action n’a pas été envoyée" in html


# check --deploy with the production variables.


def run_python(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run Python in a fresh process (no pytest: the settings apply production rules), without
    what the test run itself sets (the browser tests allow async-unsafe calls)."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYTEST") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "off",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "targa.example.ma",
    "CSRF_TRUSTED_ORIGINS": "https://targa.example.ma",
    "SECURE_COOKIES": "on",
    "SECURE_SSL_REDIRECT": "on",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "off",
    "BEHIND_TLS_PROXY": "on",
}


def test_check_deploy_is_clean_with_the_production_variables():
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    # Only the documented choice not to preload HSTS is silenced (README, Security).
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_check_deploy_with_hsts_preload_chosen_silences_nothing():
    env = {**PRODUCTION, "SECURE_HSTS_PRELOAD": "on"}
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_reports_what_is_missing_without_them():
    env = {**PRODUCTION, "SECURE_COOKIES": "off", "SECURE_SSL_REDIRECT": "off"}
    env["SECURE_HSTS_SECONDS"] = "0"
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout
    assert "security.W021" not in result.stderr + result.stdout


def test_secure_cookies_mark_every_cookie_secure():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE,"
        " s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE)"
    )
    env = {**PRODUCTION, "DJANGO_SETTINGS_MODULE": "targa.settings"}
    on = run_python("-c", code, **env)
    assert on.stdout.split() == ["True", "True", "True", "True", "Lax"], on.stderr
    off = run_python("-c", code, **{**env, "SECURE_COOKIES": "off"})
    assert off.stdout.split() == ["False", "False", "False", "True", "Lax"], off.stderr
