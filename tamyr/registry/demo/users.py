"""Demo logins, one per role, each with a known password and (for staff roles) a known TOTP secret.

Why known secrets: every staff role in Tamyr must use two-factor authentication, so a demo login without an
authenticator would be sent to set one up before it could show anything. A secret derived from the username lets
the command print it (and a QR-able otpauth URI) and lets the browser tests compute the current code themselves.
These accounts are for demonstrations only; `tamyr demo` refuses to run on production settings.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import time
from dataclasses import dataclass
from urllib.parse import quote

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from tamyr.accounts.models import User
from tamyr.core import audit
from tamyr.core.netfiles import shipped
from tamyr.registry.models import Person

DEMO_PASSWORD = "tamyr-demo-2026"
TOTP_ISSUER = "Tamyr"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: dict[str, str]  # {language: text}, as network files write translatable texts
    can: dict[str, str]
    superuser: bool = False
    totp: bool = True


#: The logins and what each may do, in the interface's languages: a data file.
DEMO_USERS: tuple[DemoUser, ...] = tuple(DemoUser(**row) for row in shipped.demo_data("logins.yaml"))


def totp_secret_for(username: str) -> str:
    """The demo's TOTP secret for a username: fixed, so tests and the printed table can compute codes."""
    return base64.b32encode(hashlib.sha256(f"tamyr-demo-totp:{username}".encode()).digest()[:20]).decode()


def otpauth_uri(username: str, secret: str) -> str:
    """What an authenticator app scans or accepts pasted."""
    return f"otpauth://totp/{TOTP_ISSUER}:{quote(username)}?secret={secret}&issuer={TOTP_ISSUER}"


def current_code(secret: str, at: float | None = None) -> tuple[str, int]:
    """The 6-digit code valid now, and the seconds until it changes."""
    now = time.time() if at is None else at
    period = mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, int(now) // period)), period - int(now) % period


def email_of(username: str) -> str:
    return f"demo.{username}@example.org"


@dataclass
class DemoLogin:
    user: User
    spec: DemoUser
    secret: str  # "" when the user has no authenticator
    secret_is_demo: bool  # False when someone replaced the demo's authenticator with their own


@functools.cache
def _password_hash() -> str:
    """Hash the demo password once per process: hashing is deliberately slow and the password is shared."""
    return make_password(DEMO_PASSWORD)


def _ensure_user(spec: DemoUser, email: str, name: str = "") -> User:
    """Write the user only when something differs, so a second run leaves the row (and its hash) as it was.

    The compatriot carries the name of their record; the role logins are shared by whoever tries the demo, so they
    have no person's name and are never stopped by the page that asks for one."""
    user = User.objects.filter(username=spec.username).first() or User(username=spec.username)
    changed = not user.check_password(DEMO_PASSWORD)  # a new user has no password yet
    if changed:
        user.password = _password_hash()
    wanted = {"email": email, "is_active": True, "is_superuser": spec.superuser, "is_staff": spec.superuser}
    wanted |= {"name": name or user.name, "name_asked_at": user.name_asked_at or timezone.now()}
    for field, value in wanted.items():
        changed = changed or getattr(user, field) != value
        setattr(user, field, value)
    if changed:
        user.save()
    addresses = EmailAddress.objects.filter(user=user)
    address = addresses.filter(email__iexact=email).first() or EmailAddress(user=user, email=email)
    if not (address.pk and address.verified and address.primary):  # the address, verified, is the primary one
        addresses.filter(primary=True).exclude(pk=address.pk).update(primary=False)
        address.verified = address.primary = True
        address.save()
    return user


def _ensure_totp(user: User) -> tuple[str, bool]:
    """Activate the demo secret unless the user already has an authenticator; returns the secret in use."""
    expected = totp_secret_for(user.get_username())
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        TOTP.activate(user, expected)
        return expected, True
    secret = decrypt(authenticator.data["secret"])
    return secret, secret == expected


def load_users(compatriot_person: Person) -> list[DemoLogin]:
    """Create or bring up to date the demo logins, their roles, verified addresses and authenticators."""
    logins: list[DemoLogin] = []
    for spec in DEMO_USERS:
        email = compatriot_person.email if spec.username == "compatriot" else email_of(spec.username)
        name = compatriot_person.display_name if spec.username == "compatriot" else ""
        user = _ensure_user(spec, email, name)
        secret, is_demo = _ensure_totp(user) if spec.totp else ("", True)
        if spec.username == "compatriot" and compatriot_person.user_id != user.pk:
            Person.objects.filter(user=user).exclude(pk=compatriot_person.pk).update(user=None)
            compatriot_person.user = user
            compatriot_person.save(update_fields=["user", "updated_at"])
            audit.record(None, "registry.person_changed", compatriot_person, fields=["user"], source="demo")
        logins.append(DemoLogin(user=user, spec=spec, secret=secret, secret_is_demo=is_demo))
    shipped.load_demo("roles.yaml")  # their roles: a network file, granted as `tamyr load` grants them
    return logins
