"""Staff-only screens: the treasurer's statements (page and CSV for any date range) and the
report workflow (draft, preview, board approval, publish).

Statements take `?start=YYYY-MM-DD&end=YYYY-MM-DD`; without them, the fiscal year to date.
Workflow actions are POSTs that call one service each; a broken rule is shown as a message.
Statements are for anyone with a web sign-in; the report workflow and its preview only for the
treasurer and the board (treasury.roles), who draft and approve it.
"""

import datetime

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.models import Period
from ledger.periods import quarter_named, quarter_of
from reports import selectors, services
from reports.models import GENESIS_SEAL
from reports.rendering import render_html
from reports.snapshot.builder import SnapshotError, build_snapshot
from reports.snapshot.seal import canonical_bytes, sha256_hex
from reports.statements import STATEMENTS
from reports.statements.ledger_statements import general_ledger_table
from reports.tables import table_csv
from treasury.roles import BOARD, TREASURER, role_of

GL_PAGE_ROWS = 2000  # the page shows the first rows of the general ledger; the CSV has them all
WORKFLOW_ROLES = (TREASURER, BOARD)


def _treasury_people_only(request) -> None:
    if role_of(request.user) not in WORKFLOW_ROLES:
        raise PermissionDenied("The report workflow is for the treasurer and the board.")


def _range(request) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    try:
        start = datetime.date.fromisoformat(request.GET["start"])
    except (KeyError, ValueError):
        start = quarter_named(f"{quarter_of(today).fiscal_year}Q1").start_date
    try:
        end = datetime.date.fromisoformat(request.GET["end"])
    except (KeyError, ValueError):
        end = today
    return (start, end) if start <= end else (end, start)


@staff_member_required
def statements_index(request):
    start, end = _range(request)
    return render(
        request,
        "reports/statements/index.html",
        {"names": list(STATEMENTS), "start": start, "end": end},
    )


def _table(name: str, start, end, limit=None):
    if name not in STATEMENTS:
        raise Http404(name)
    if name == "general-ledger" and limit:
        return general_ledger_table(start=start, end=end, limit=limit)
    return STATEMENTS[name](start, end)


@staff_member_required
def statement(request, name: str):
    start, end = _range(request)
    table = _table(name, start, end, limit=GL_PAGE_ROWS)
    return render(
        request,
        "reports/statements/statement.html",
        {"table": table, "name": name, "start": start, "end": end, "names": list(STATEMENTS)},
    )


@staff_member_required
def statement_csv(request, name: str):
    start, end = _range(request)
    table = _table(name, start, end)
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{start}-{end}.csv"'
    return response


@staff_member_required
def workflow(request):
    _treasury_people_only(request)
    if request.method == "POST":
        period = request.POST.get("period", "")
        action = request.POST.get("action")
        try:
            if action == "draft":
                services.draft_report(
                    period=period,
                    summary_en=request.POST.get("summary_en", ""),
                    summary_es=request.POST.get("summary_es", ""),
                    errata=request.POST.get("errata", ""),
                    drafted_by=request.user,
                )
                messages.success(request, _("Draft saved. Preview it, then ask the board."))
            elif action == "approve":
                services.approve_report(period=period, approved_by=request.user)
                messages.success(request, _("Approved."))
            elif action == "publish":
                report = services.publish_report(period=period, published_by=request.user)
                messages.success(request, _("Published with seal %(s)s.") % {"s": report.seal})
        except (services.ReportError, SnapshotError, ValueError) as error:
            messages.error(request, str(error))
        return redirect("report-workflow")
    closed = Period.objects.filter(status=Period.Status.CLOSED).order_by("-start_date")
    rows = [
        {
            "period": p.name,
            "open": selectors.open_version(period=p.name),
            "published": selectors.published_version(period=p.name),
        }
        for p in closed
    ]
    return render(request, "reports/statements/workflow.html", {"rows": rows})


@staff_member_required
def preview(request, period: str):
    """Render the quarter's open version from a snapshot built now and stored nowhere."""
    _treasury_people_only(request)
    draft = selectors.open_version(period=period)
    if draft is None:
        raise Http404(period)
    try:
        snapshot = build_snapshot(
            period=period,
            version=draft.version,
            published_on=timezone.localdate(),
            summary_en=draft.summary_en,
            summary_es=draft.summary_es,
            errata=draft.errata,
            supersedes=None,
            previous_seal=GENESIS_SEAL,
        )
    except SnapshotError as error:
        messages.error(request, str(error))
        return redirect("report-workflow")
    data = canonical_bytes(snapshot)
    html = render_html(
        snapshot_text=data.decode("utf-8"),
        seal={"snapshot_sha256": sha256_hex(data), "seal": _("(sealed at publication)")},
        version_links=[_("Preview: not published, figures as of now.")],
        downloads={"pdf": "#", "json": "#", "zip": "#"},
    )
    return HttpResponse(html)
