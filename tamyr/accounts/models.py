"""Users and the roles they hold: per organization, per network, or across the platform."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Any signed-in person is a compatriot; staff powers come only from roles (or `is_superuser`)."""

    preferred_language = models.CharField(_("preferred language"), max_length=8, blank=True)
    # The name as the person writes it, in any script and order ("Нұрлан Әбенов", "Kovács Anna"): what every
    # greeting, badge and certificate prints, and what their registry record is made from. The username is only a
    # login and is never shown in place of it.
    name = models.CharField(_("name"), max_length=200, blank=True)
    name_latin = models.CharField(_("name in Latin letters"), max_length=200, blank=True)
    # When the one-time page asking an existing account for its name was shown; it is never shown again.
    name_asked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        """The name as the person writes it; the old first and last name fields only for accounts made before."""
        return self.name.strip() or super().get_full_name()

    @property
    def needs_name(self) -> bool:
        return not self.get_full_name()

    @property
    def label(self) -> str:
        """How staff pages name an account: the person's name, with the login that tells two namesakes apart."""
        name = self.get_full_name()
        return f"{name} ({self.get_username()})" if name else self.get_username()


class OrganizationRoleKind(models.TextChoices):
    ADMIN = "admin", _("Organization admin")
    STAFF = "staff", _("Staff")
    TEACHER = "teacher", _("Teacher")
    REVIEWER = "reviewer", _("Reviewer")


class OrganizationRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organization_roles")
    organization = models.ForeignKey("registry.Organization", on_delete=models.CASCADE, related_name="user_roles")
    role = models.CharField(_("role"), max_length=16, choices=OrganizationRoleKind.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "role", "user"]
        verbose_name = _("organization role")
        verbose_name_plural = _("organization roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="one_role_kind_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.organization}"


class NetworkCoordinator(models.Model):
    """Sees the whole network: every member organization's people, events and reports."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="coordinated_networks")
    network = models.ForeignKey("registry.Network", on_delete=models.CASCADE, related_name="coordinators")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("network coordinator")
        verbose_name_plural = _("network coordinators")
        constraints = [models.UniqueConstraint(fields=["user", "network"], name="one_coordinator_row")]

    def __str__(self) -> str:
        return f"{self.user} — {self.network}"


class MachineToken(models.Model):
    """Marks an API token as a machine's, made by an operator (`tamyr drf_create_token`) or an admin.

    Staff tokens need their owner to have a second factor, as sessions do; a machine (a nightly export, another
    system) has no authenticator app, so an operator vouches for its token here instead."""

    token = models.OneToOneField(
        "authtoken.Token", on_delete=models.CASCADE, primary_key=True, related_name="machine", verbose_name=_("token")
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("machine token")
        verbose_name_plural = _("machine tokens")

    def __str__(self) -> str:
        return f"{self.token.user} (machine)"
