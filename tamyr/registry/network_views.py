"""A network's coordinators keep its membership: the members' roles and dates, and who leaves; platform admins
also bring organizations in (`permissions._add_network_member` says why coordinators cannot)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.accounts import permissions
from tamyr.core.errors import DomainError
from tamyr.registry import selectors, services
from tamyr.registry.models import MembershipRole, Network, NetworkMembership, Organization


class MembershipForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organization"), queryset=Organization.objects.none(), to_field_name="slug"
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=MembershipRole.choices)
    since = forms.DateField(label=gettext_lazy("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, organizations: QuerySet[Organization], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:  # type: ignore[operator]
            self.add_error("until", _("A membership cannot end before it begins."))
        return data


def _choosable(user: object, network: Network) -> QuerySet[Organization]:
    """The organizations the form offers: any, for those who may bring one in; else the network's members."""
    organizations = Organization.objects.order_by("slug")
    if permissions.can(user, "registry.add_network_member", network):
        return organizations
    return organizations.filter(network_memberships__network=network)


@login_required
def network_members(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        network = selectors.network_get(slug)
    except Network.DoesNotExist as error:
        raise Http404(_("No such network.")) from error
    if not permissions.can(request.user, "registry.change_network", network):
        raise PermissionDenied(_("Only the network's coordinators can change its members."))
    if request.method == "POST" and request.POST.get("remove"):
        membership = get_object_or_404(
            NetworkMembership.objects.select_related("network", "organization"),
            network=network,
            organization__slug=request.POST["remove"],
        )
        services.network_membership_remove(membership=membership, acting_user=request.user)
        messages.success(
            request, _("%(organization)s left the network.") % {"organization": membership.organization.display_name}
        )
        return redirect("registry:network_members", slug=slug)
    form = MembershipForm(request.POST or None, organizations=_choosable(request.user, network))
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"]
        values = {name: form.cleaned_data[name] for name in ("role", "since", "until")}
        try:
            services.network_membership_set(
                network=network, organization=organization, acting_user=request.user, **values
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(
                request,
                _("%(organization)s is in the network as %(role)s.")
                % {"organization": organization.display_name, "role": MembershipRole(values["role"]).label},
            )
            return redirect("registry:network_members", slug=slug)
    return render(request, "registry/network_members.html", {"network": network, "form": form})
