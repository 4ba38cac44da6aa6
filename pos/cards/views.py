"""HTTP for card payments: the Stripe webhook, the card attempt the tablet waits on, and the
treasurer's payout reconciliation page (staff only).

The webhook answers 400 to anything whose signature does not verify, before anything is
written; a verified event is stored and processed (pos.cards.webhooks); if processing fails the
answer is 503, so Stripe delivers it again and the retry picks it up.
"""

import logging

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pos.apis.base import PosApi, errors
from pos.apis.permissions import FloorStaff
from pos.cards.models import CardAttempt
from pos.cards.reconciliation import reconcile
from pos.cards.stripe_gateway import InvalidWebhookError, verify_webhook
from pos.cards.webhooks import receive_event
from pos.exceptions import NotFoundError
from pos.gateway import card_payments_are_demo

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = verify_webhook(
            payload=request.body,
            signature=request.headers.get("Stripe-Signature", ""),
            secret=settings.STRIPE_WEBHOOK_SECRET,
        )
    except InvalidWebhookError as error:
        return JsonResponse({"code": error.code, "message": error.message, "details": {}},
                            status=400)  # fmt: skip
    try:
        stored = receive_event(event)
    except Exception as error:
        # Not processed: Stripe redelivers on a 5xx, and the stored event is processed then.
        logger.exception("Stripe event %s could not be processed", event.id)
        return JsonResponse(
            {"code": "webhook_failed", "message": str(error), "details": {"event": event.id}},
            status=503,
        )
    return JsonResponse({"received": stored.id, "processed": stored.processed_at is not None})


class CardAttemptApi(PosApi):
    """What the tablet shows while a card is being taken: waiting, paid, failed and why."""

    permission_classes = [FloorStaff]

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        kind = serializers.CharField()
        tab_id = serializers.IntegerField()
        status = serializers.CharField()
        status_display = serializers.CharField(source="get_status_display")
        reason = serializers.CharField()
        reader = serializers.CharField(source="reader.label", default="")
        capture_before = serializers.DateTimeField(allow_null=True)
        demo = serializers.SerializerMethodField()

        def get_demo(self, _attempt) -> bool:
            return card_payments_are_demo()

    @extend_schema(summary="A card attempt's state", responses={200: OutputSerializer,
                                                               **errors(404)})  # fmt: skip
    def get(self, request: Request, attempt_id) -> Response:
        attempt = CardAttempt.objects.select_related("reader").filter(id=attempt_id).first()
        if attempt is None:
            raise NotFoundError(f"There is no card attempt {attempt_id}")
        return Response(self.OutputSerializer(attempt).data)


@staff_member_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    payout = request.GET.get("payout") or None
    return render(request, "cards/reconciliation.html", {"report": reconcile(payout_id=payout)})
