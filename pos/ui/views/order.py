"""Tabs and the order screen: open a tab, add lines, send, void, split / transfer / merge, 86.

Adding a line is the hot path: the browser queues it with its own line UUID (tillshare.js) and
posts it here; `add_line` adds it once per UUID, and the answer is the ticket fragment. Errors
(86'd meanwhile, age check, modifiers) come back inside the ticket, in words.
"""

import uuid

from django import forms
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pos.exceptions import NotFoundError, PosError
from pos.models import Station, Tab, TabLine
from pos.services.catalog import set_item_stock
from pos.services.tabs import (
    add_line,
    merge_tabs,
    open_tab,
    send_to_preparation,
    split_by_lines,
    transfer_lines,
    void_line,
)
from pos.ui import selectors
from pos.ui.approval import ApprovalForm, approver, managers
from pos.ui.session import device_required, staff_required
from pos.ui.views.common import first_error, screen_context

REMOVED = "Removed before sending"
VOID_REASONS = ["Guest changed mind", "Wrong item", "Made wrong", "Too long a wait", "Spilled"]
NOTHING_CHOSEN = "Choose at least one line."


@device_required
def stock_state(request: HttpRequest) -> HttpResponse:
    """The heartbeat fragment: which items are 86'd (polled every 3 s by every tablet)."""
    return render(request, "pos/ui/_stock_state.html", {"out": selectors.out_of_stock_ids()})


@require_POST
@staff_required
def toggle_stock(request: HttpRequest, item_id: int) -> HttpResponse:
    """86 an item or bring it back; answers the heartbeat fragment."""
    out = request.POST.get("out_of_stock") == "true"
    try:
        set_item_stock(
            item_id=item_id, out_of_stock=out, staff=request.staff, device=request.device
        )
    except NotFoundError as error:
        raise Http404(error.message) from error
    return stock_state.__wrapped__(request)


class OpenTabForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    name = forms.CharField(max_length=60, required=False, label="Name")
    table = forms.CharField(max_length=20, required=False, label="Table")


@staff_required
def tab_list(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        form = OpenTabForm(request.POST)
        if form.is_valid():
            try:
                tab = open_tab(**form.cleaned_data, staff=request.staff, device=request.device)
            except PosError as failure:
                error = failure.message
            else:
                return redirect("ui:order", tab_id=tab.id)
        else:
            error = first_error(form)
    context = screen_context(
        request, "tabs", tabs=selectors.open_tabs(), error=error, client_id=uuid.uuid4()
    )
    return render(request, "pos/ui/tabs.html", context, status=400 if error else 200)


def _order_context(request: HttpRequest, tab_id: int, **extra) -> dict:
    try:
        tab = selectors.tab_screen(tab_id)
    except NotFoundError as error:
        raise Http404(error.message) from error
    return screen_context(request, "tabs", tab=tab, round_id=uuid.uuid4(), **extra)


@staff_required
def order_screen(request: HttpRequest, tab_id: int) -> HttpResponse:
    """Category rail | item grid | ticket."""
    context = _order_context(request, tab_id)
    if context["tab"]["status"] != Tab.Status.OPEN:
        return redirect("ui:receipt", tab_id=tab_id)
    categories = selectors.menu()
    wanted = request.GET.get("category", "")
    current = next(
        (c for c in categories if str(c.id) == wanted), categories[0] if categories else None
    )
    for item in current.items.all() if current else ():
        groups = list(item.modifier_groups.all())
        for group in groups:
            group.minimum = max(group.min_choices, 1 if group.required else 0)
        item.has_groups = bool(groups)
        item.needs_choice = any(group.minimum for group in groups)
    context.update(categories=categories, current=current)
    return render(request, "pos/ui/order.html", context)


@staff_required
def ticket(request: HttpRequest, tab_id: int) -> HttpResponse:
    return render(request, "pos/ui/_ticket.html", _order_context(request, tab_id))


class AddLineForm(forms.Form):
    line_id = forms.UUIDField()
    item_id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = forms.IntegerField(min_value=1, max_value=99, required=False)
    modifier_ids = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    note = forms.CharField(max_length=140, required=False)
    age_confirmed = forms.BooleanField(required=False)

    def clean_modifier_ids(self):
        # Which modifiers an item offers is add_line's rule; here they need only be numbers.
        return self.cleaned_data["modifier_ids"]

    def full_clean(self):
        self.fields["modifier_ids"].choices = [
            (v, v) for v in self.data.getlist("modifier_ids") if v.isdigit() and len(v) < 19
        ]
        super().full_clean()


@require_POST
@staff_required
def add_line_view(request: HttpRequest, tab_id: int) -> HttpResponse:
    """Add one line (idempotent by its line_id); answer the ticket."""
    form = AddLineForm(request.POST)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            add_line(
                tab_id=tab_id,
                line_id=data["line_id"],
                item_id=data["item_id"],
                quantity=data["quantity"] or 1,
                modifier_ids=data["modifier_ids"],
                note=data["note"],
                age_confirmed=data["age_confirmed"],
                staff=request.staff,
                device=request.device,
            )
        except PosError as failure:
            error = failure.message
    else:
        error = first_error(form)
    return render(request, "pos/ui/_ticket.html", _order_context(request, tab_id, error=error))


@require_POST
@staff_required
def send(request: HttpRequest, tab_id: int) -> HttpResponse:
    """Send unsent lines to the bar and the grill (sending twice sends nothing new)."""
    notice = error = ""
    try:
        tickets = send_to_preparation(tab_id=tab_id, staff=request.staff, device=request.device)
    except PosError as failure:
        error = failure.message
    else:
        stations = " and ".join(Station(t.station).label.lower() for t in tickets)
        notice = f"Sent to {stations}." if tickets else "Nothing new to send."
    context = _order_context(request, tab_id, error=error, notice=notice)
    return render(request, "pos/ui/_ticket.html", context)


@require_POST
@staff_required
def repeat_round(request: HttpRequest, tab_id: int) -> HttpResponse:
    """Add the last bar round again. Each new line's UUID derives from the round's UUID and
    the line it repeats, so a retried tap adds the round once."""
    error = ""
    try:
        round_id = uuid.UUID(request.POST.get("round_id", ""))
    except ValueError:
        error = "This page is out of date; reload it."
    else:
        try:
            with transaction.atomic():
                for line in selectors.last_bar_round(tab_id):
                    add_line(
                        tab_id=tab_id,
                        line_id=uuid.uuid5(round_id, str(line.id)),
                        item_id=line.item_id,
                        quantity=line.quantity,
                        modifier_ids=[m["id"] for m in line.modifiers],
                        note=line.note,
                        staff=request.staff,
                        device=request.device,
                    )
        except PosError as failure:
            error = failure.message
    context = _order_context(request, tab_id, error=error)
    return render(request, "pos/ui/_ticket.html", context)


@require_POST
@staff_required
def remove_line(request: HttpRequest, line_id: uuid.UUID) -> HttpResponse:
    """Take back an unsent line (the minus button on the ticket: a void that needs no manager)."""
    line = TabLine.objects.filter(id=line_id).first()
    if line is None:
        raise Http404("No such line")
    error = ""
    if line.sent_at is not None:
        error = "That line was sent already: void it with a reason."
    else:
        try:
            void_line(line_id=line_id, reason=REMOVED, staff=request.staff, device=request.device)
        except PosError as failure:
            error = failure.message
    context = _order_context(request, line.tab_id, error=error)
    return render(request, "pos/ui/_ticket.html", context)


class VoidForm(ApprovalForm):
    reason = forms.CharField(max_length=60, label="Reason")


@staff_required
def void(request: HttpRequest, line_id: uuid.UUID) -> HttpResponse:
    """Void a line with a reason; a line already sent needs a manager's PIN (the service says)."""
    line = TabLine.objects.filter(id=line_id).select_related("tab").first()
    if line is None:
        raise Http404("No such line")
    error = ""
    form = VoidForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                void_line(
                    line_id=line_id,
                    reason=form.cleaned_data["reason"],
                    staff=request.staff,
                    device=request.device,
                    approved_by=approver(form.cleaned_data, device=request.device),
                )
            except PosError as failure:
                error = failure.message
            else:
                return redirect("ui:order", tab_id=line.tab_id)
        else:
            error = first_error(form)
    context = screen_context(
        request, "tabs", line=line, form=form, error=error, reasons=VOID_REASONS,
        managers=managers(),
    )  # fmt: skip
    return render(request, "pos/ui/void.html", context, status=400 if error else 200)


class SplitForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("split", "split"), ("transfer", "transfer"), ("merge", "merge")]
    )
    client_id = forms.UUIDField()
    line_ids = forms.MultipleChoiceField(required=False, choices=())
    to_tab = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


@staff_required
def split(request: HttpRequest, tab_id: int) -> HttpResponse:
    """Split by items into a new tab, transfer lines to another tab, or merge into another."""
    context = _order_context(request, tab_id)
    tab = context["tab"]
    error = ""
    if request.method == "POST":
        form = SplitForm(request.POST)
        form.fields["line_ids"].choices = [(str(line.id), line.name) for line in tab["live_lines"]]
        if form.is_valid():
            data = form.cleaned_data
            chosen = [uuid.UUID(i) for i in data["line_ids"]]
            try:
                target = _split_action(request, tab_id, data, chosen)
            except PosError as failure:
                error = failure.message
            else:
                return redirect("ui:order", tab_id=target)
        else:
            error = first_error(form)
    others = [t for t in selectors.open_tabs() if t["id"] != tab_id]
    context.update(error=error, others=others, client_id=uuid.uuid4())
    return render(request, "pos/ui/split.html", context, status=400 if error else 200)


def _split_action(request: HttpRequest, tab_id: int, data: dict, chosen: list) -> int:
    """Run the chosen split action; return the tab to show next."""
    who = {"staff": request.staff, "device": request.device}
    if data["action"] == "merge":
        if not data["to_tab"]:
            raise PosError("Choose the tab to merge into.")
        return merge_tabs(source_id=tab_id, target_id=data["to_tab"], **who).id
    if not chosen:
        raise PosError(NOTHING_CHOSEN)
    if data["action"] == "transfer":
        if not data["to_tab"]:
            raise PosError("Choose the tab to move the lines to.")
        transfer_lines(line_ids=chosen, to_tab_id=data["to_tab"], **who)
        return tab_id
    new_tab = split_by_lines(tab_id=tab_id, line_ids=chosen, new_client_id=data["client_id"], **who)
    return new_tab.id
