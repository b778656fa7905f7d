"""`POST /api/v1/mail/bounces/`: a mail provider tells us a campaign's message bounced.

Authenticated by a shared secret (`TAMYR_BOUNCE_WEBHOOK_SECRET`) in the `X-Tamyr-Webhook-Secret` header, compared in
constant time: the caller is a provider's machine, not a user with a role, so no `can()` decision applies. Without
a configured secret the webhook refuses everything (403)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tamyr.api.serializers import ErrorSerializer
from tamyr.content import delivery

SECRET_HEADER = "X-Tamyr-Webhook-Secret"


class BounceSerializer(serializers.Serializer):
    message_id = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    permanent = serializers.BooleanField(required=False, default=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        if not attrs.get("message_id") and not attrs.get("email"):
            raise serializers.ValidationError(_("Give the bounced message's Message-ID or its recipient's address."))
        return attrs


class BounceResultSerializer(serializers.Serializer):
    matched = serializers.BooleanField(help_text="Whether a campaign's message was found for the bounce.")
    state = serializers.CharField(allow_null=True, help_text="The message's state after the bounce.")


class BounceWebhookView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="mail_bounces_create",
        tags=["mail"],
        request=BounceSerializer,
        parameters=[OpenApiParameter(SECRET_HEADER, str, OpenApiParameter.HEADER, required=True)],
        responses={
            200: BounceResultSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Neither a Message-ID nor an address was given."),
            403: OpenApiResponse(ErrorSerializer, description="The shared secret is missing or wrong."),
        },
    )
    def post(self, request: Request) -> Response:
        secret = str(getattr(settings, "TAMYR_BOUNCE_WEBHOOK_SECRET", "") or "")
        given = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            raise PermissionDenied(_("The webhook's shared secret is missing or wrong."))
        serializer = BounceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        message = delivery.bounce_record(
            bounce=delivery.Bounce(
                message_id=data["message_id"], email=data["email"], permanent=data["permanent"], reason=data["reason"]
            )
        )
        return Response({"matched": message is not None, "state": message.state if message else None})
