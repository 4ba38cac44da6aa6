"""HTTP for card payments: the Stripe webhook and the treasurer's payout reconciliation page
(staff only). The tablet's card API is in pos.cards.apis.

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

from pos.cards.reconciliation import reconcile
from pos.cards.stripe_gateway import InvalidWebhookError, verify_webhook
from pos.cards.webhooks import receive_event

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


@staff_member_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    payout = request.GET.get("payout") or None
    return render(request, "cards/reconciliation.html", {"report": reconcile(payout_id=payout)})
