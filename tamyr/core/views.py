from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tamyr.registry import selectors


def home(request: HttpRequest) -> HttpResponse:
    """The front door: what the network is, in figures computed from the records."""
    from tamyr.registry.models import Country, Network, Organization

    context = {
        "organization_count": Organization.objects.filter(is_active=True).count(),
        "country_count": Country.objects.filter(organizations__is_active=True).distinct().count(),
        "network_count": Network.objects.count(),
        "networks": selectors.network_list()[:6],
    }
    return render(request, "core/home.html", context)
