from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tamyr.registry import selectors

#: how many events, courses and calls the home page lists; each list links to the full one
HOME_LIST_LENGTH = 4


def home(request: HttpRequest) -> HttpResponse:
    """The front door: what the network is, in figures computed from the records, and what one can do next
    (the coming events, the courses one can join, the calls one can apply to)."""
    from tamyr.calls import selectors as call_selectors
    from tamyr.content import selectors as content_selectors
    from tamyr.events import selectors_public as event_selectors
    from tamyr.learning import selectors as learning_selectors
    from tamyr.registry.models import Country, Network, Organization

    context = {
        "organization_count": Organization.objects.filter(is_active=True).count(),
        "country_count": Country.objects.filter(organizations__is_active=True).distinct().count(),
        "network_count": Network.objects.count(),
        "networks": selectors.network_list()[:6],
        "upcoming_events": event_selectors.upcoming_events(HOME_LIST_LENGTH),
        "open_courses": learning_selectors.open_courses(HOME_LIST_LENGTH),
        "open_calls": list(call_selectors.call_list(open_only=True)[:HOME_LIST_LENGTH]),
        "latest_news": content_selectors.latest_news(HOME_LIST_LENGTH),
    }
    return render(request, "core/home.html", context)
