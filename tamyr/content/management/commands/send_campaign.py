"""`tamyr send_campaign ID`: start a campaign (if it has not started) and send it to the end in this process."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tamyr.content import delivery
from tamyr.content.models import Campaign, CampaignStatus


class Command(BaseCommand):
    help = "Start a campaign and send every message in this process, printing progress."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("campaign", type=int, help="The campaign's id.")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"There is no campaign {options['campaign']}.")
        if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
            try:
                total = delivery.start_campaign(campaign)
            except delivery.DeliveryError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Started: {total} recipients.")
        elif campaign.status != CampaignStatus.SENDING:
            raise CommandError(f"Campaign {campaign.pk} is {campaign.status}: nothing to send.")

        def report(result: delivery.BatchResult) -> None:
            counts = delivery.progress(campaign)
            done = counts["total"] - counts["pending"] - counts["deferred"]
            self.stdout.write(
                f"{done}/{counts['total']} done: {counts['sent']} sent, {counts['deferred']} deferred, "
                f"{counts['failed']} failed, {counts['skipped']} skipped, {counts['bounced']} bounced"
            )
            for error in result.errors[:3]:
                self.stderr.write(f"  {error}")

        delivery.run_to_end(campaign.pk, report=report)
        self.stdout.write(self.style.SUCCESS(f"Campaign {campaign.pk} is sent."))
