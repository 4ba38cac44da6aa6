"""Sales statements read from the point of sale: by category, item and hour, sales tax, tips by
staff, and the Z reports of each day.

Reports may read pos; pos never imports reports. A check counts on its business date (set when
it closes); voided lines and open or voided checks never count. Figures are integer cents as
the point of sale stored them; "gross" is at the price charged, before check-level discounts,
which get their own line so that gross - discounts is the net sales the ledger credited.
"""

import datetime

from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone

from pos.models import DrawerSession, Payment, Refund, Tab, TabLine
from reports.tables import CENTS, COUNT, TEXT, Column, Table


def _closed_tabs(start: datetime.date, end: datetime.date):
    return Tab.objects.filter(
        status=Tab.Status.CLOSED, business_date__gte=start, business_date__lte=end
    )


def _sold_lines(start: datetime.date, end: datetime.date):
    return TabLine.objects.filter(
        tab__status=Tab.Status.CLOSED,
        tab__business_date__gte=start,
        tab__business_date__lte=end,
        voided_at__isnull=True,
    )


def _discount_total(start: datetime.date, end: datetime.date) -> int:
    return _closed_tabs(start, end).aggregate(total=Sum("discounts"))["total"] or 0


def _lines_by(field: str, label: str, key: str, title: str, start, end) -> Table:
    grouped = (
        _sold_lines(start, end)
        .values(field)
        .annotate(sold=Sum("quantity"), gross=Sum(F("quantity") * F("unit_price")))
        .order_by(field)
    )
    rows = [(row[field], row["sold"], row["gross"]) for row in grouped]
    discounts = _discount_total(start, end)
    gross = sum(r[2] for r in rows)
    return Table(
        key=key,
        title=title,
        columns=(
            Column("name", label, TEXT),
            Column("quantity", "Quantity", COUNT),
            Column("gross", "Gross at price charged", CENTS),
        ),
        rows=(*rows, ("Check discounts", None, -discounts)),
        footer=("Net sales", sum(r[1] for r in rows), gross - discounts),
    )


def sales_by_category(*, start: datetime.date, end: datetime.date) -> Table:
    return _lines_by("category__name", "Category", "sales-by-category", "Sales by category",
                     start, end)  # fmt: skip


def sales_by_item(*, start: datetime.date, end: datetime.date) -> Table:
    return _lines_by("name", "Item", "sales-by-item", "Sales by item", start, end)


def sales_by_hour(*, start: datetime.date, end: datetime.date) -> Table:
    """Checks and net sales by the local hour in which each check closed."""
    grouped = (
        _closed_tabs(start, end)
        .annotate(hour=ExtractHour("closed_at", tzinfo=timezone.get_current_timezone()))
        .values("hour")
        .annotate(checks=Count("id"), net=Sum(F("subtotal") - F("discounts")))
        .order_by("hour")
    )
    rows = tuple((f"{row['hour']:02d}:00", row["checks"], row["net"]) for row in grouped)
    return Table(
        key="sales-by-hour",
        title="Sales by hour",
        columns=(
            Column("hour", "Hour"),
            Column("checks", "Checks", COUNT),
            Column("net", "Net sales", CENTS),
        ),
        rows=rows,
        footer=("Total", sum(r[1] for r in rows), sum(r[2] for r in rows)),
    )


def sales_tax(*, start: datetime.date, end: datetime.date) -> Table:
    """Taxable sales, tax collected and tax refunded, by business date."""
    days: dict[datetime.date, list[int]] = {}
    for row in (
        _closed_tabs(start, end)
        .values("business_date")
        .annotate(taxable=Sum(F("subtotal") - F("discounts")), tax=Sum("tax"))
    ):
        days.setdefault(row["business_date"], [0, 0, 0])[:2] = [row["taxable"], row["tax"]]
    for row in (
        Refund.objects.filter(
            status=Refund.Status.COMPLETED, business_date__gte=start, business_date__lte=end
        )
        .values("business_date")
        .annotate(tax=Sum("tax"))
    ):
        days.setdefault(row["business_date"], [0, 0, 0])[2] = row["tax"]
    rows = tuple(
        (day.isoformat(), taxable, tax, refunded, tax - refunded)
        for day, (taxable, tax, refunded) in sorted(days.items())
    )
    return Table(
        key="sales-tax",
        title="Sales tax",
        columns=(
            Column("date", "Business date"),
            Column("taxable", "Taxable sales", CENTS),
            Column("collected", "Tax collected", CENTS),
            Column("refunded", "Tax refunded", CENTS),
            Column("net", "Net tax owed", CENTS),
        ),
        rows=rows,
        footer=("Total", *(sum(r[i] for r in rows) for i in range(1, 5))),
    )


def tips_by_staff(*, start: datetime.date, end: datetime.date) -> Table:
    """Tips on captured payments of closed checks, by the staff member who took them."""
    grouped = (
        Payment.objects.filter(
            status=Payment.Status.CAPTURED,
            tab__status=Tab.Status.CLOSED,
            tab__business_date__gte=start,
            tab__business_date__lte=end,
        )
        .values("created_by__display_name", "tender")
        .annotate(payments=Count("id"), tips=Sum("tip"))
        .order_by("created_by__display_name", "tender")
    )
    rows = tuple(
        (row["created_by__display_name"], row["tender"], row["payments"], row["tips"])
        for row in grouped
    )
    return Table(
        key="tips-by-staff",
        title="Tips by staff",
        columns=(
            Column("staff", "Staff member"),
            Column("tender", "Tender"),
            Column("payments", "Payments", COUNT),
            Column("tips", "Tips", CENTS),
        ),
        rows=rows,
        footer=("Total", "", sum(r[2] for r in rows), sum(r[3] for r in rows)),
    )


def z_reports(*, start: datetime.date, end: datetime.date) -> Table:
    """Each drawer session closed in the range: expected cash, the count and the variance."""
    zone = timezone.get_current_timezone()
    sessions = DrawerSession.objects.filter(status=DrawerSession.Status.CLOSED).select_related(
        "drawer", "opened_by", "closed_by"
    )
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    after_last = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    rows = tuple(
        (
            timezone.localtime(s.closed_at, zone).date().isoformat(),
            s.drawer.name,
            s.opened_by.display_name,
            s.closed_by.display_name,
            s.opening_float,
            s.expected,
            s.counted,
            s.variance,
        )
        for s in sessions.filter(closed_at__gte=first, closed_at__lt=after_last).order_by(
            "closed_at"
        )
    )
    return Table(
        key="z-reports",
        title="Z reports by day",
        columns=(
            Column("date", "Closed on"),
            Column("drawer", "Drawer"),
            Column("opened_by", "Opened by"),
            Column("closed_by", "Closed by"),
            Column("float", "Opening float", CENTS),
            Column("expected", "Expected cash", CENTS),
            Column("counted", "Counted", CENTS),
            Column("variance", "Variance", CENTS),
        ),
        rows=rows,
        footer=("Total", "", "", "", *(sum(r[i] for r in rows) for i in range(4, 8))),
    )
