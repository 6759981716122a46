"""Logging in under attack: failed logins lock an account from an address, and an address,
for a while; an administrator unlocks; a forgotten password is reset by e-mail."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.test import Client, RequestFactory
from django.urls import reverse

from targa.core import lockout
from tests.conftest import client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 5
COOL_OFF = datetime.timedelta(minutes=15)


@pytest.fixture(autouse=True)
def lockout_settings(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = COOL_OFF


def attempt(client, login, password, address="127.0.0.1", **extra):
    return client.post(
        reverse("login"), {"username": login, "password": password}, REMOTE_ADDR=address, **extra
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(login, times, address="127.0.0.1"):
    client = Client()
    for _ in range(times):
        # The failure that reaches the limit is answered with the lockout already.
        assert attempt(client, login, "wrong-password", address).status_code in (200, 429)


def test_thirty_wrong_passwords_then_the_right_one_is_refused_with_a_clear_message(users):
    client = Client()
    answers = [attempt(client, "agent.a", f"guess-{i}").status_code for i in range(30)]
    assert answers == [200] * (LIMIT - 1) + [429] * (30 - LIMIT + 1)

    response = attempt(client, "agent.a", PASSWORD)
    assert response.status_code == 429 and not logged_in(client)
    # Refused attempts do not push the end back: it is the last failure counted, plus the
    # cool-off.
    row = AccessAttempt.objects.get(username="agent.a")
    assert row.failures_since_start == LIMIT
    until = lockout.when_text(row.attempt_time + COOL_OFF)
    html = response.content.decode()
    blocked = "Trop de tentatives de connexion échouées : la connexion est bloquée jusqu'à"
    assert f"{blocked} {until}." in html
    assert "Un administrateur du programme peut débloquer votre compte plus tôt." in html
    assert 'name="username"' in html and "Mot de passe oublié ?" in html

    # The same account by e-mail, in other letters, is the same lock.
    assert attempt(client, "Agent.A@Example.org", PASSWORD).status_code == 429
    # The lock is this account from this address: elsewhere, agent A logs in.
    assert attempt(Client(), "agent.a", PASSWORD, address="10.1.2.3").status_code == 302


def test_failures_by_email_count_against_the_username(users):
    fail("AGENT.A@example.org", LIMIT, address="10.0.0.7")
    client = Client()
    assert attempt(client, "agent.a", PASSWORD, address="10.0.0.7").status_code == 429
    assert AccessAttempt.objects.get().username == "agent.a"


def test_an_address_is_locked_across_usernames(users):
    for i in range(LIMIT):
        fail(f"someone.{i}", 1, address="192.0.2.10")
    # Agent B never failed, but the address has tried too many accounts.
    locked = Client()
    assert attempt(locked, "agent.b", PASSWORD, address="192.0.2.10").status_code == 429
    assert not logged_in(locked)
    assert attempt(Client(), "agent.b", PASSWORD, address="192.0.2.11").status_code == 302


def test_the_lock_lifts_after_the_cool_off(users):
    fail("agent.a", LIMIT)
    assert attempt(Client(), "agent.a", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - COOL_OFF)
    assert attempt(Client(), "agent.a", PASSWORD).status_code == 302


def test_a_correct_login_clears_only_that_accounts_failures_from_that_address(users):
    fail("agent.a", LIMIT - 2)
    fail("agent.b", 1)
    assert attempt(Client(), "agent.a", PASSWORD).status_code == 302
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["agent.b"]
    # Holding an account buys no more guesses at another one from the same address.
    fail("agent.b", LIMIT - 2)
    assert attempt(Client(), "agent.a", PASSWORD).status_code == 302
    fail("agent.b", 1)
    assert attempt(Client(), "agent.b", PASSWORD).status_code == 429


def test_failures_on_the_admin_login_page_count_too(users):
    client = Client()
    for _ in range(LIMIT):
        client.post(reverse("admin:login"), {"username": "admin.national", "password": "x"})
    assert attempt(Client(), "admin.national", PASSWORD).status_code == 429


def test_lockout_page_in_arabic(users):
    fail("agent.a", LIMIT)
    client = Client()
    client.cookies["targa_language"] = "ar"
    html = attempt(client, "agent.a", PASSWORD).content.decode()
    assert 'dir="rtl"' in html
    assert "محاولات تسجيل دخول فاشلة كثيرة" in html
    assert "يمكن لمسؤول المنصة إلغاء قفل حسابك قبل ذلك." in html


def test_lock_end_when_several_rows_add_up():
    """An address tried three accounts: it is free once enough of them are forgotten."""
    t = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    minute = datetime.timedelta(minutes=1)
    rows = [(t, 2), (t + 5 * minute, 2), (t + 9 * minute, 1)]
    assert lockout.lock_end(rows, 5, COOL_OFF) == t + COOL_OFF
    assert lockout.lock_end(rows, 3, COOL_OFF) == t + 5 * minute + COOL_OFF
    assert lockout.lock_end(rows, 6, COOL_OFF) is None


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(settings):
    settings.BEHIND_TLS_PROXY = True

    def address(forwarded):
        request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1")
        if forwarded is not None:
            request.META["HTTP_X_FORWARDED_FOR"] = forwarded
        return lockout.client_address(request)

    assert address("203.0.113.9") == "203.0.113.9"
    # What the client put in front is ignored; garbage falls back to the proxy's peer.
    assert address("1.2.3.4, 203.0.113.9") == "203.0.113.9"
    assert address("203.0.113.9, not-an-address") == "127.0.0.1"
    assert address(None) == "127.0.0.1"
    settings.BEHIND_TLS_PROXY = False
    assert address("203.0.113.9") == "127.0.0.1"


def test_a_forged_forwarded_for_does_not_escape_the_lock(users, settings):
    settings.BEHIND_TLS_PROXY = True
    client = Client()
    for i in range(LIMIT):
        forged = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{i}, 203.0.113.9"}
        attempt(client, "agent.a", "wrong", **forged)
    refused = attempt(client, "agent.a", PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.9")
    assert refused.status_code == 429


def test_an_administrator_unlocks_a_user_from_the_user_page(users):
    agent = users["agent_a"]
    fail("agent.a", LIMIT)
    admin = client_for(users["admin"])
    page = admin.get(reverse("users:detail", args=[agent.pk])).content.decode()
    assert "Bloqué après trop de connexions échouées" in page
    assert reverse("users:unlock", args=[agent.pk]) in page

    response = admin.post(reverse("users:unlock", args=[agent.pk]), follow=True)
    assert f"{agent} peut de nouveau se connecter." in response.content.decode()
    assert "Bloqué après" not in response.content.decode()
    assert not AccessAttempt.objects.exists()
    entry = LogEntry.objects.get(object_id=str(agent.pk))
    assert entry.user == users["admin"] and entry.is_change()

    assert attempt(Client(), "agent.a", PASSWORD).status_code == 302


def test_user_page_shows_no_lock_below_the_limit_and_unlock_says_so(users):
    agent = users["agent_a"]
    fail("agent.a", LIMIT - 1)
    admin = client_for(users["admin"])
    page = admin.get(reverse("users:detail", args=[agent.pk])).content.decode()
    assert "Bloqué après" not in page
    admin.post(reverse("users:unlock", args=[agent.pk]))
    response = admin.post(reverse("users:unlock", args=[agent.pk]), follow=True)
    assert "Aucune connexion échouée à effacer pour" in response.content.decode()
    assert LogEntry.objects.count() == 1


def test_only_administrators_unlock(users):
    fail("agent.a", LIMIT)
    coordinator = client_for(users["coord_a"])
    response = coordinator.post(reverse("users:unlock", args=[users["agent_a"].pk]))
    assert response.status_code == 403
    assert AccessAttempt.objects.exists()


# Password reset by e-mail.


def reset_link(message) -> str:
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def test_password_reset_end_to_end(users, mailoutbox):
    client = Client()
    login_page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in login_page

    response = client.post(reverse("password_reset"), {"email": "Agent.A@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    [message] = mailoutbox
    assert message.to == ["agent.a@example.org"]
    assert message.subject == "Choisissez un nouveau mot de passe Targa"
    assert "Votre nom d'utilisateur est agent.a" in message.body
    assert "Le lien ne fonctionne qu'une fois, dans un délai de 24 heures." in message.body

    form = client.get(reset_link(message), follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Tizi-n-Tichka-2026", "new_password2": "Tizi-n-Tichka-2026"},
    )
    assert done["Location"] == reverse("password_reset_complete")
    complete = client.get(done["Location"]).content.decode()
    assert "Votre nouveau mot de passe est enregistré" in complete

    assert attempt(Client(), "agent.a", PASSWORD).status_code == 200
    assert attempt(Client(), "agent.a", "Tizi-n-Tichka-2026").status_code == 302
    # The link worked once.
    again = client.get(reset_link(message), follow=True).content.decode()
    assert "Ce lien ne fonctionne plus" in again


def test_unknown_email_gets_the_same_answer_and_no_message(users, mailoutbox):
    known = Client().post(reverse("password_reset"), {"email": "agent.a@example.org"})
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mailoutbox) == 1
    page = Client().get(unknown["Location"]).content.decode()
    assert "Si un compte a cette adresse, un message" in page


def test_reset_message_is_in_the_language_the_user_chose(users, mailoutbox):
    users["agent_a"].language = "ar"
    users["agent_a"].save()
    # Asked from a French page: the message follows the user's own choice.
    Client().post(reverse("password_reset"), {"email": "agent.a@example.org"})
    [message] = mailoutbox
    assert message.subject == "اختر كلمة مرور جديدة لـ Targa"
    assert "اسم المستخدم الخاص بك هو agent.a" in message.body


def test_reset_pages_in_arabic(users):
    client = Client()
    client.cookies["targa_language"] = "ar"
    page = client.get(reverse("password_reset")).content.decode()
    assert 'dir="rtl"' in page and "هل نسيت كلمة المرور؟" in page


def test_a_reset_password_also_lifts_the_lock(users, mailoutbox):
    fail("agent.a", LIMIT)
    client = Client()
    client.post(reverse("password_reset"), {"email": "agent.a@example.org"})
    form = client.get(reset_link(mailoutbox[0]), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Tizi-n-Tichka-2026", "new_password2": "Tizi-n-Tichka-2026"},
    )
    assert attempt(Client(), "agent.a", "Tizi-n-Tichka-2026").status_code == 302
