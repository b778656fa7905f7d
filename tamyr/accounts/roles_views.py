"""An organization admin grants and revokes the roles of their organization's team."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.accounts import permissions, services
from tamyr.accounts.models import OrganizationRole, OrganizationRoleKind, User
from tamyr.registry.models import Organization


class RoleGrantForm(forms.Form):
    identifier = forms.CharField(
        label=gettext_lazy("Username or e-mail"),
        max_length=254,
        help_text=gettext_lazy("The person must have signed up first."),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=OrganizationRoleKind.choices)

    def clean_identifier(self) -> User:
        user = services.user_find(identifier=self.cleaned_data["identifier"])
        if user is None or not user.is_active:
            raise forms.ValidationError(
                _("Nobody with this username or e-mail has an account. Ask them to sign up, then try again.")
            )
        return user


@login_required
def organization_roles(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    if not permissions.can(request.user, "accounts.manage_roles", organization):
        raise PermissionDenied(_("Only the organization's admins can manage its team."))
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and request.POST.get("revoke"):
        grant = get_object_or_404(OrganizationRole, pk=request.POST["revoke"], organization=organization)
        if grant.user_id == request.user.pk and grant.role == OrganizationRoleKind.ADMIN:
            messages.error(request, _("You cannot remove your own admin role; ask another admin."))
        else:
            services.organization_role_revoke(grant=grant, acting_user=request.user)  # type: ignore[arg-type]
            messages.success(
                request,
                _("%(user)s no longer has the role %(role)s.")
                % {"user": grant.user.label, "role": grant.get_role_display()},
            )
        return redirect("organization_roles", slug=slug)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["identifier"]
        services.organization_role_grant(
            user=user,
            organization=organization,
            role=form.cleaned_data["role"],
            acting_user=request.user,  # type: ignore[arg-type]
        )
        messages.success(
            request,
            _("%(user)s now has the role %(role)s. They set up two-factor authentication at their next login.")
            % {"user": user.label, "role": OrganizationRoleKind(form.cleaned_data["role"]).label},
        )
        return redirect("organization_roles", slug=slug)
    grants = (
        OrganizationRole.objects.filter(organization=organization)
        .select_related("user")
        .order_by("role", "user__username")
    )
    return render(
        request, "accounts/organization_roles.html", {"organization": organization, "grants": grants, "form": form}
    )
