"""Users and the roles they hold: per organization, per network, or across the platform."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Any signed-in person is a compatriot; staff powers come only from roles (or `is_superuser`)."""

    preferred_language = models.CharField(_("preferred language"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


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
