"""The treasury's API under /api/v1/treasury/ (session sign-in; treasurer and board).

Writes are idempotent twice over: by client UUIDs in the body (`id` of a new disbursement,
`action_id` of an action on one; the same UUID with other content answers 409), and by the
`Idempotency-Key` header: the first 2xx answer to a key is kept per user with a SHA-256 of the
method, path and body; the same key and body replays it (header Idempotent-Replayed: true), the
same key with another body answers 409 idempotency_key_reused. Refusals are not kept, so a
request that was refused may be fixed and sent again under the same key. The close is
idempotent by nature: running it again continues where it stopped. Errors have the project's
shape {code, message, details} (config/api.py).
"""

import hashlib
import json
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.fields import CurrencyField, MoneyInputField
from ledger.money import from_cents, to_cents
from ledger.periods import quarter_named
from treasury.exceptions import IdempotencyConflictError
from treasury.models import Disbursement, IdempotencyRecord, TreasuryPolicy
from treasury.public import quarter_earmark
from treasury.roles import BOARD, TREASURER, role_of
from treasury.selectors.closing import close_checklist
from treasury.selectors.funds import funds
from treasury.services import disbursements as flow
from treasury.services.close import run_close
from treasury.services.policy import set_policy

NOT_TREASURY = "The treasury API is for the treasurer and the board"
KEY_HEADER = "Idempotency-Key"
KEY_REUSED = "Idempotency-Key {key} was used for another request"
IDEMPOTENCY_KEY = OpenApiParameter(
    KEY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="A unique key per intended action: a retry with the same key and body gets the "
    "first answer back; the same key with another body answers 409 idempotency_key_reused.",
)  # fmt: skip


class TreasuryErrorSerializer(serializers.Serializer):
    """The error shape of config/api.py (the same as the point of sale's)."""

    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()


def errors(*statuses: int) -> dict:
    """The documented error answers (401 and 403 always apply)."""
    return dict.fromkeys(sorted({401, 403, *statuses}), TreasuryErrorSerializer)


class TreasuryAutoSchema(AutoSchema):
    """Names a view's nested serializers after it: PolicyApi.InputSerializer -> PolicyInput."""

    def get_serializer_name(self, serializer, direction) -> str:
        view_name, _, name = type(serializer).__qualname__.rpartition(".")
        if view_name.endswith("Api"):
            return "Treasury" + view_name.removesuffix("Api") + name.removesuffix("Serializer")
        return super().get_serializer_name(serializer, direction)


class TreasuryApi(APIView):
    schema = TreasuryAutoSchema()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if role_of(request.user) not in (TREASURER, BOARD):
            raise PermissionDenied(NOT_TREASURY)

    def keyed(self, request: Request, action) -> Response:
        """Run action() once per Idempotency-Key (when one is sent); replay its answer."""
        key = request.headers.get(KEY_HEADER, "").strip()
        if not key:
            return action()
        body = json.dumps(request.data, sort_keys=True, default=str)
        fingerprint = hashlib.sha256(f"{request.method} {request.path} {body}".encode())
        fingerprint = fingerprint.hexdigest()
        with transaction.atomic():
            stored = IdempotencyRecord.objects.filter(user=request.user, key=key[:255]).first()
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    raise IdempotencyConflictError(KEY_REUSED.format(key=key), key=key)
                return Response(stored.body, status=stored.status,
                                headers={"Idempotent-Replayed": "true"})  # fmt: skip
            response = action()
            if 200 <= response.status_code < 300:
                IdempotencyRecord.objects.create(
                    user=request.user, key=key[:255], fingerprint=fingerprint,
                    status=response.status_code, body=response.data, created_at=timezone.now(),
                )  # fmt: skip
            return response


class DisbursementOutput(serializers.Serializer):
    id = serializers.UUIDField()
    program = serializers.CharField(source="program.slug")
    payee_type = serializers.CharField()
    payee_name = serializers.CharField()
    help_type = serializers.CharField()
    public_title = serializers.CharField()
    amount = serializers.SerializerMethodField()
    status = serializers.CharField()
    round = serializers.IntegerField()
    paid_on = serializers.DateField(allow_null=True)

    def get_amount(self, item) -> str:
        return str(from_cents(item.amount, "USD").amount)


class EarmarkApi(TreasuryApi):
    @extend_schema(operation_id="treasury_earmark", responses={200: dict, **errors(404)})
    def get(self, request: Request, period: str) -> Response:
        try:
            earmark = quarter_earmark(period=period)
        except ValueError as error:
            raise NotFound(str(error)) from error
        money = ("qualifying_net_sales", "surplus", "floor", "share", "designation")
        body = {name: str(getattr(earmark, name).amount) for name in money}
        body.update(
            period=earmark.period, policy_version=earmark.policy_version,
            floor_percent=str(earmark.floor_percent), share_percent=str(earmark.share_percent),
            plain_words=earmark.plain_words,
            by_program=[{"slug": p.slug, "name": p.name, "weight": p.weight,
                         "amount": str(p.amount.amount)} for p in earmark.by_program],
        )  # fmt: skip
        return Response(body)


class FundsApi(TreasuryApi):
    class OutputSerializer(serializers.Serializer):
        program = serializers.CharField(help_text="The program's slug.")
        designated = serializers.CharField(help_text="Dollars and cents, like every amount.")
        restricted = serializers.CharField()
        committed = serializers.CharField()
        available = serializers.CharField()

    @extend_schema(operation_id="treasury_funds", responses={200: OutputSerializer(many=True),
                                                             **errors()})  # fmt: skip
    def get(self, request: Request) -> Response:
        return Response([
            {"program": f.program.slug, "designated": str(from_cents(f.designated, "USD").amount),
             "restricted": str(from_cents(f.restricted, "USD").amount),
             "committed": str(from_cents(f.committed, "USD").amount),
             "available": str(from_cents(f.available, "USD").amount)}
            for f in funds()
        ])  # fmt: skip


class DisbursementCreateApi(TreasuryApi):
    class InputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        program = serializers.SlugField()
        payee_type = serializers.ChoiceField(choices=Disbursement.PayeeType.choices)
        payee_name = serializers.CharField(allow_blank=True, default="", max_length=120)
        help_type = serializers.CharField(max_length=60)
        public_title = serializers.CharField(max_length=120)
        private_note = serializers.CharField(allow_blank=True, default="")
        amount = MoneyInputField()
        currency = CurrencyField()

    @extend_schema(operation_id="treasury_disbursement_request", request=InputSerializer,
                   parameters=[IDEMPOTENCY_KEY],
                   responses={201: DisbursementOutput, **errors(400, 409)})  # fmt: skip
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("currency")  # checked; the amount carries it

        def action() -> Response:
            item = flow.request_disbursement(
                disbursement_id=values["id"], user=request.user,
                **{name: value for name, value in values.items() if name != "id"},
            )  # fmt: skip
            return Response(DisbursementOutput(item).data, status=status.HTTP_201_CREATED)

        return self.keyed(request, action)


class DisbursementActionApi(TreasuryApi):
    class InputSerializer(serializers.Serializer):
        action_id = serializers.UUIDField()
        note = serializers.CharField(allow_blank=True, default="", max_length=255)

    @extend_schema(operation_id="treasury_disbursement_action", request=InputSerializer,
                   parameters=[IDEMPOTENCY_KEY],
                   responses={200: DisbursementOutput, **errors(400, 404, 409)})  # fmt: skip
    def post(self, request: Request, pk, action: str) -> Response:
        return self.keyed(request, lambda: self._act(request, pk, action))

    def _act(self, request: Request, pk, action: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not Disbursement.objects.filter(id=pk).exists():
            raise NotFound(f"There is no disbursement {pk}")
        common = {"disbursement_id": pk, "user": request.user,
                  "action_id": data.validated_data["action_id"]}  # fmt: skip
        note = data.validated_data["note"]
        if action == "submit":
            item = flow.submit_disbursement(**common)
        elif action == "approve":
            item = flow.approve_disbursement(**common, note=note)
        elif action == "reject":
            item = flow.reject_disbursement(**common, reason=note)
        elif action == "cancel":
            item = flow.cancel_disbursement(**common, reason=note)
        elif action == "pay":
            item = flow.pay_disbursement(**common)
        else:
            raise NotFound(f"{action!r} is not an action on a disbursement")
        item.refresh_from_db()
        return Response(DisbursementOutput(item).data)


class CloseApi(TreasuryApi):
    def _answer(self, run) -> Response:
        _, steps = close_checklist(period=run.period)
        return Response({
            "period": run.period, "status": run.status,
            "steps": [{"name": step.name, "title": title, "status": step.status,
                       "detail": step.detail, "attempts": step.attempts,
                       "done_at": step.done_at.isoformat() if step.done_at else None}
                      for title, step in steps],
        })  # fmt: skip

    @extend_schema(operation_id="treasury_close_checklist",
                   responses={200: dict, **errors(404)})  # fmt: skip
    def get(self, request: Request, period: str) -> Response:
        try:
            quarter_named(period)
        except ValueError as error:
            raise NotFound(str(error)) from error
        run, steps = close_checklist(period=period)
        return Response({
            "period": period, "status": run.status if run else "not started",
            "steps": [{"name": step.name, "title": title, "status": step.status,
                       "detail": step.detail, "attempts": step.attempts,
                       "done_at": step.done_at.isoformat() if step.done_at else None}
                      for title, step in steps],
        })  # fmt: skip

    @extend_schema(operation_id="treasury_close_run", request=None, parameters=[IDEMPOTENCY_KEY],
                   responses={200: dict, **errors(400, 409)})  # fmt: skip
    def post(self, request: Request, period: str) -> Response:
        return self.keyed(request, lambda: self._answer(run_close(period=period,
                                                                  user=request.user)))  # fmt: skip


class PolicyApi(TreasuryApi):
    """A new version of the policy (the treasurer or the board); a retry returns the same."""

    class InputSerializer(serializers.Serializer):
        effective_from = serializers.DateField()
        floor_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
        share_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
        weights = serializers.DictField(child=serializers.IntegerField(min_value=0))
        dual_approval = MoneyInputField(allow_zero=True)
        pay_it_forward_mode = serializers.ChoiceField(
            choices=TreasuryPolicy.PayItForwardMode.choices
        )
        meal_credit = MoneyInputField(max_value=Decimal("999999.99"))
        rollover_days = serializers.IntegerField(min_value=1, max_value=3650)
        rollover_program = serializers.SlugField()
        note = serializers.CharField(allow_blank=True, default="")
        currency = CurrencyField()

    @extend_schema(operation_id="treasury_policy_version", request=InputSerializer,
                   parameters=[IDEMPOTENCY_KEY], responses={201: dict, **errors(400)})  # fmt: skip
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("currency")  # checked; the amounts carry it
        return self.keyed(request, lambda: self._set(request, dict(values)))

    def _set(self, request: Request, values: dict) -> Response:
        policy = set_policy(
            user=request.user,
            dual_approval_cents=to_cents(values.pop("dual_approval")),
            meal_credit_cents=to_cents(values.pop("meal_credit")),
            **values,
        )
        return Response({"version": policy.version,
                         "effective_from": policy.effective_from.isoformat()},
                        status=status.HTTP_201_CREATED)  # fmt: skip
