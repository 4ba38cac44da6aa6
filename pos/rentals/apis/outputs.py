"""Answers of the game-rentals API: sessions with their bill, board rows, deposits, bookings."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pos.apis.fields import CentsField, CurrencyOutputField
from pos.rentals.billing import round_half_up
from pos.rentals.models import Booking, Deposit, RentalSession, Resource
from pos.rentals.selectors import BoardRow, SessionBill, is_past_closing, session_bill


class RentalResourceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField(source="type.name")


class RentalSegmentSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    minutes = serializers.DecimalField(max_digits=8, decimal_places=2)
    rate = CentsField(help_text="Per hour (per player with per-player plans).")
    label = serializers.CharField(help_text="Which rate: a time rule or the plan.")
    players = serializers.IntegerField()
    reason = serializers.CharField(help_text="start, rate change, pause, resume, players, ...")
    paused = serializers.BooleanField()
    amount = CentsField(help_text="This segment's exact amount, rounded for display only.")


class RentalSessionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    resource = RentalResourceRefSerializer()
    tab_id = serializers.IntegerField()
    status = serializers.CharField()
    plan = serializers.CharField(help_text="The rate plan's name, frozen at the start.")
    plan_kind = serializers.CharField()
    players = serializers.IntegerField()
    games = serializers.IntegerField()
    blocks = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    stopped_at = serializers.DateTimeField(allow_null=True)
    played_seconds = serializers.IntegerField(help_text="Elapsed play, pauses excluded.")
    adjustment_seconds = serializers.IntegerField(help_text="Added (or taken off) by managers.")
    billed_seconds = serializers.IntegerField(allow_null=True)
    prepaid_seconds_left = serializers.IntegerField(allow_null=True)
    past_closing = serializers.BooleanField()
    segments = RentalSegmentSerializer(many=True)
    rounding = CentsField(help_text="What the increment rounding added (or took off).")
    charge = CentsField(help_text="The session total, rounded half-up once; running if live.")
    line_id = serializers.UUIDField(allow_null=True, help_text="Its tab line, once stopped.")
    currency = CurrencyOutputField()


def describe_session(session: RentalSession, bill: SessionBill | None = None) -> dict:
    """A session with its segments and charge (now, if it is still running)."""
    bill = bill or session_bill(session)
    if bill.charge:
        segments = [_segment(c.segment, round_half_up(c.amount)) for c in bill.charge.segments]
    else:  # per game or prepaid: the segments only tell the time
        segments = [_segment(segment, 0) for segment in bill.segments]
    return {
        "id": session.id, "resource": session.resource, "tab_id": session.tab_id,
        "status": session.status, "plan": session.plan["name"], "plan_kind": session.plan_kind,
        "players": session.players, "games": session.games, "blocks": session.blocks,
        "started_at": session.started_at, "stopped_at": session.stopped_at,
        "played_seconds": bill.played_seconds, "adjustment_seconds": bill.adjustment_seconds,
        "billed_seconds": bill.charge.billed_seconds if bill.charge else None,
        "prepaid_seconds_left": bill.prepaid_seconds_left,
        "past_closing": is_past_closing(session, now=bill.now),
        "segments": segments,
        "rounding": round_half_up(bill.charge.rounding_amount) if bill.charge else 0,
        "charge": bill.total, "line_id": session.line_id,
    }  # fmt: skip


def _segment(segment, amount: int) -> dict:
    return {
        "start": segment.start, "end": segment.end, "minutes": Decimal(segment.seconds) / 60,
        "rate": segment.rate, "label": segment.label, "players": segment.players,
        "reason": segment.reason, "paused": segment.paused, "amount": amount,
    }  # fmt: skip


class RentalBoardSessionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="session.id")
    tab_id = serializers.IntegerField(source="session.tab_id")
    started_at = serializers.DateTimeField(source="session.started_at")
    players = serializers.IntegerField(source="session.players")
    played_seconds = serializers.IntegerField(source="bill.played_seconds")
    charge = CentsField(source="bill.total", help_text="The running charge.")


class RentalNextBookingSerializer(serializers.Serializer):
    booking_id = serializers.UUIDField()
    name = serializers.CharField(source="booking.name")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class RentalBoardRowSerializer(serializers.Serializer):
    resource = RentalResourceRefSerializer()
    status = serializers.ChoiceField(choices=Resource.Status.choices)
    session = serializers.SerializerMethodField()
    past_closing = serializers.BooleanField(help_text="Still running after closing time.")
    prepaid_expired = serializers.BooleanField(help_text="Its prepaid time is used up.")
    next_booking = RentalNextBookingSerializer(allow_null=True)

    @extend_schema_field(RentalBoardSessionSerializer(allow_null=True))
    def get_session(self, row: BoardRow) -> dict | None:
        return RentalBoardSessionSerializer(row).data if row.session else None


class RentalDepositSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()
    amount = CentsField()
    applied = CentsField(help_text="Spent on the party's check.")
    remaining = CentsField()
    session_id = serializers.UUIDField(allow_null=True)
    booking_id = serializers.UUIDField(allow_null=True)
    tab_id = serializers.IntegerField(allow_null=True)
    hold_expires_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    currency = CurrencyOutputField()


class RentalBookingSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Booking.Status.choices)
    tab_id = serializers.IntegerField(allow_null=True)
    resources = serializers.SerializerMethodField()
    deposits = serializers.SerializerMethodField()

    def get_resources(self, booking: Booking) -> list[str]:
        return [slot.resource.name for slot in booking.slots.select_related("resource")]

    @extend_schema_field(RentalDepositSerializer(many=True))
    def get_deposits(self, booking: Booking) -> list[dict]:
        return RentalDepositSerializer(Deposit.objects.filter(booking=booking), many=True).data
