"""The map's background work: drawing a stale map afresh while readers are served the cached one (map.build_map).

Registered by AnalyticsConfig.ready() so that the worker knows the task; map.py imports it lazily."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def refresh_map(*, origin: str, network_id: int | None, mode: str, raw: bool, language: str) -> None:
    from tamyr.analytics.map import store_map
    from tamyr.registry.models import Network

    network = Network.objects.filter(pk=network_id).first() if network_id else None
    if network_id and network is None:
        return  # the network is gone; its drawing ages out
    store_map(origin=origin, network=network, mode=mode, raw=raw, language=language)
