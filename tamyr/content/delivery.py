"""Placeholder for the delivery engine (written on the `delivery` branch): the editor calls `start_campaign`."""

from __future__ import annotations

from tamyr.content.models import Campaign


def start_campaign(campaign: Campaign) -> None:
    """Write one message per recipient and enqueue the batches; the `delivery` branch provides it."""
    raise NotImplementedError("The delivery engine is not merged yet.")
