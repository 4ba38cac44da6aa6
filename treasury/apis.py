"""The treasury's API under /api/v1/treasury/ (session sign-in; treasurer and board).

Writes are idempotent by client UUIDs in the body: `id` for a new disbursement (the same id
with the same content answers the same; with other content 409), `action_id` for an action
on one (a retry answers the disbursement as it is, without acting twice). The close is
idempotent by nature: running it again continues where it stopped. Errors have the
project's shape {code, message, details} (config/api.py).
"""

from djmoney.contrib.django_rest_framework import MoneyField
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ledger.money import from_cents, to_cents
from treasury.models import Disbursement, TreasuryPolicy
from treasury.public import quarter_earmark
from treasury.roles import BOARD, TREASURER, role_of
from treasury.selectors.funds import funds
from treasury.services import disbursements as flow
from treasury.services.close import STEP_TITLES, run_close, start_close
from treasury.services.policy import set_policy

NOT_TREASURY = "The treasury API is for the treasurer and the board"


class TreasuryApi(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if role_of(request.user) not in (TREASURER, BOARD):
            raise PermissionDenied(NOT_TREASURY)


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
    @extend_schema(responses=dict)
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
    @extend_schema(responses=dict)
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
        amount = MoneyField(max_digits=14, decimal_places=2, default_currency="USD")

    @extend_schema(request=InputSerializer, responses=DisbursementOutput)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        item = flow.request_disbursement(
            disbursement_id=values.pop("id"), user=request.user, **values
        )
        return Response(DisbursementOutput(item).data, status=status.HTTP_201_CREATED)


class DisbursementActionApi(TreasuryApi):
    class InputSerializer(serializers.Serializer):
        action_id = serializers.UUIDField()
        note = serializers.CharField(allow_blank=True, default="", max_length=255)

    @extend_schema(request=InputSerializer, responses=DisbursementOutput)
    def post(self, request: Request, pk, action: str) -> Response:
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
        steps = [{"name": s.name, "title": STEP_TITLES[s.name], "status": s.status,
                  "detail": s.detail, "attempts": s.attempts,
                  "done_at": s.done_at.isoformat() if s.done_at else None}
                 for s in run.steps.order_by("position")]  # fmt: skip
        return Response({"period": run.period, "status": run.status, "steps": steps})

    @extend_schema(responses=dict)
    def get(self, request: Request, period: str) -> Response:
        return self._answer(start_close(period=period, user=request.user))

    @extend_schema(request=None, responses=dict)
    def post(self, request: Request, period: str) -> Response:
        return self._answer(run_close(period=period, user=request.user))


class PolicyApi(TreasuryApi):
    """A new version of the policy (the treasurer or the board); a retry returns the same."""

    class InputSerializer(serializers.Serializer):
        effective_from = serializers.DateField()
        floor_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
        share_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
        weights = serializers.DictField(child=serializers.IntegerField(min_value=0))
        dual_approval = MoneyField(max_digits=14, decimal_places=2, default_currency="USD")
        pay_it_forward_mode = serializers.ChoiceField(
            choices=TreasuryPolicy.PayItForwardMode.choices
        )
        meal_credit = MoneyField(max_digits=8, decimal_places=2, default_currency="USD")
        rollover_days = serializers.IntegerField(min_value=1, max_value=3650)
        rollover_program = serializers.SlugField()
        note = serializers.CharField(allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=dict)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        policy = set_policy(
            user=request.user,
            dual_approval_cents=to_cents(values.pop("dual_approval")),
            meal_credit_cents=to_cents(values.pop("meal_credit")),
            **values,
        )
        return Response({"version": policy.version,
                         "effective_from": policy.effective_from.isoformat()},
                        status=status.HTTP_201_CREATED)  # fmt: skip
