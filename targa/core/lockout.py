"""Login throttling with django-axes, fitted to Targa: which account a login names, the
client's address behind the proxy, the lockout page, and until when someone is locked out.

The settings (AXES_* in targa/settings.py) point here; unlocking is `services.user_unlock`.
"""

import datetime
import ipaddress
from collections import defaultdict

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone

from targa.core.backends import users_for_login
from targa.core.forms import LoginForm
from targa.core.models import User


def username_for_login(request: HttpRequest, credentials: dict | None) -> str | None:
    """The username of the one account a login names, so that failures by e-mail and by
    username, in any letter case, count against the same account. A login that names no
    account (or two) counts as typed, in lower case."""
    login = (credentials or request.POST).get("username")
    if not login:
        return None
    usernames = list(users_for_login(login).values_list("username", flat=True)[:2])
    return usernames[0] if len(usernames) == 1 else login.lower()[:255]


def client_address(request: HttpRequest) -> str | None:
    """The address a login comes from. Behind the reverse proxy it is the last one in
    X-Forwarded-For, the one the proxy added: those before it are whatever the client sent."""
    if settings.BEHIND_TLS_PROXY:
        last = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")


def forget_failures_on_login(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    """A correct login clears that account's failures from that address, and only those:
    axes' AXES_RESET_ON_SUCCESS would clear every failure from the address, so that anyone
    holding one account could try others' passwords without end."""
    address = client_address(request) if request is not None else None
    if address:
        AccessAttempt.objects.filter(username=user.get_username(), ip_address=address).delete()


def lock_end(
    failures: list[tuple[datetime.datetime, int]], limit: int, cool_off: datetime.timedelta
) -> datetime.datetime | None:
    """When `failures` (time of the last one of a row, count) stop adding up to `limit`, each
    row being forgotten `cool_off` after its time; None if they do not reach it now."""
    remaining = sum(n for _, n in failures)
    end = None
    for when, n in sorted(failures):
        if remaining < limit:
            break
        remaining -= n
        end = when + cool_off
    return end


def locked_until(request: HttpRequest, credentials: dict | None) -> datetime.datetime | None:
    """Until when this login from this address is refused: the latest end among the lockout
    parameters (the account from this address, the address alone) that are locked."""
    cool_off = get_cool_off(request)
    limit = get_failure_limit(request, credentials)
    handler = AxesProxyHandler.get_implementation()
    ends = []
    for attempts in handler.get_user_attempts(request, credentials):
        failures = list(attempts.values_list("attempt_time", "failures_since_start"))
        ends.append(lock_end(failures, limit, cool_off))
    return max(filter(None, ends), default=None)


def user_locked_until(user: User) -> datetime.datetime | None:
    """Until when the user's own failed logins, from one address, lock them out; None if
    they do not."""
    cool_off = get_cool_off()
    per_address = defaultdict(list)
    attempts = AccessAttempt.objects.filter(
        username=user.username, attempt_time__gte=timezone.now() - cool_off
    ).values_list("ip_address", "attempt_time", "failures_since_start")
    for address, when, n in attempts:
        per_address[address].append((when, n))
    ends = [lock_end(f, settings.AXES_FAILURE_LIMIT, cool_off) for f in per_address.values()]
    return max(filter(None, ends), default=None)


def when_text(moment: datetime.datetime) -> str:
    """A time today ("14:32"), or a date and time on another day."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return formats.time_format(local, "H:i")
    return formats.date_format(local, "DATETIME_FORMAT")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The login page again, saying until when logging in is refused and who can unlock."""
    until = locked_until(request, credentials)
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        "locked_until": when_text(until) if until else None,
        "locked_out": True,
    }
    return render(
        request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
