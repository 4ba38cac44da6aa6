"""Turn a snapshot into the tables every rendering shows: the page, the PDF and the CSV zip.

Each function reads only the snapshot, so the three renderings cannot disagree with it or with
each other. Labels are translated into the active language when called (the CSV files are
made in English); the figures are the snapshot's integer cents and counts, untouched.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from reports.tables import CENTS, COUNT, Column, Table


def _programs(snapshot: dict) -> dict[str, str]:
    return {p["slug"]: p["name"] for p in snapshot["programs"]}


def at_a_glance(snapshot: dict) -> Table:
    glance = snapshot["at_a_glance"]
    names = _programs(snapshot)
    rows = [
        (_("Revenue (venue and donations)"), glance["revenue"]),
        (_("Venue operating surplus"), glance["surplus"]),
        (_("Earmarked for the programs"), glance["earmarked"]),
        (_("Disbursed to the programs' work"), glance["disbursed"]),
        *(
            (_("Held for %(program)s") % {"program": names[slug]}, cents)
            for slug, cents in glance["held"].items()
        ),
        (_("Total given since the venue opened"), glance["given_since_opening"]),
    ]
    return Table(
        key="at-a-glance",
        title=_("At a glance"),
        columns=(Column("measure", _("Measure")), Column("amount", _("Amount"), CENTS)),
        rows=tuple(rows),
    )


VENUE_LINES = (
    ("food", gettext_noop("Food")),
    ("drinks", gettext_noop("Drinks")),
    ("games", gettext_noop("Games")),
    ("events", gettext_noop("Events")),
    ("merchandise", gettext_noop("Merchandise")),
    ("other_income", gettext_noop("Other venue income")),
    ("venue_revenue", gettext_noop("Venue revenue")),
    ("cost_of_goods", gettext_noop("Cost of food and drink sold, and comps")),
    ("wages", gettext_noop("Wages and payroll taxes")),
    ("occupancy", gettext_noop("Rent, utilities, repairs and insurance")),
    ("card_fees", gettext_noop("Card processing fees")),
    ("other_costs", gettext_noop("Other venue costs")),
    ("venue_costs", gettext_noop("Venue costs")),
    ("surplus", gettext_noop("Venue operating surplus")),
    ("donations", gettext_noop("Donations received")),
    ("pay_it_forward_bought", gettext_noop("Meals paid forward (held until served)")),
    ("program_spending", gettext_noop("Program spending")),
)


def venue_results(snapshot: dict) -> Table:
    results = snapshot["venue_results"]
    period = snapshot["period"]
    return Table(
        key="venue-results",
        title=_("Venue results by line"),
        columns=(
            Column("line", _("Line")),
            Column("this_quarter", period["name"], CENTS),
            Column("prior_quarter", period["prior"], CENTS),
            Column("last_year", period["last_year"], CENTS),
        ),
        rows=tuple(
            (
                _(label),
                results["this_quarter"][key],
                results["prior_quarter"][key],
                results["last_year"][key],
            )
            for key, label in VENUE_LINES
        ),
    )


# The steps of the money flow: (key, label, how its bar stands in the waterfall: "total" rises
# from zero, "up" adds to where the flow stands, "down" takes away from it). The venue's side
# ends at what it earmarked; the programs' side starts from what their funds held before the
# quarter and ends at what they hold after it, the sum of "Held for ..." at a glance.
FLOW_STEPS = (
    ("venue_revenue", gettext_noop("Venue revenue"), "total"),
    ("venue_costs", gettext_noop("Venue costs"), "down"),
    ("surplus", gettext_noop("Surplus"), "total"),
    ("earmarked", gettext_noop("Earmarked"), "total"),
    ("carried_in", gettext_noop("Held from earlier quarters"), "up"),
    ("gifts", gettext_noop("Gifts for the programs"), "up"),
    ("disbursed", gettext_noop("Disbursed"), "down"),
    ("held", gettext_noop("Held at the quarter's end"), "total"),
)
# Reports sealed under schema version 1 end the flow at earmarked - disbursed.
FLOW_STEPS_V1 = (
    *FLOW_STEPS[:4],
    ("disbursed", gettext_noop("Disbursed"), "down"),
    ("held_from_quarter", gettext_noop("Held for later"), "total"),
)


def flow_steps(snapshot: dict) -> tuple[tuple[str, str, str], ...]:
    """The money flow's steps in the schema version the snapshot was sealed with."""
    return FLOW_STEPS if snapshot["schema_version"] >= 2 else FLOW_STEPS_V1


def money_flow(snapshot: dict) -> Table:
    flow = snapshot["money_flow"]
    return Table(
        key="money-flow",
        title=_("How the money flowed"),
        columns=(Column("step", _("Step")), Column("amount", _("Amount"), CENTS)),
        rows=tuple((_(label), flow[key]) for key, label, _kind in flow_steps(snapshot)),
    )


def earmark(snapshot: dict) -> Table:
    policy = snapshot["earmark"]
    names = _programs(snapshot)
    rows = [
        (_("Qualifying net sales"), policy["qualifying_net_sales"]),
        (_("Sales floor (%(p)s %% of qualifying net sales)") % {"p": policy["floor_percent"]},
         policy["floor"]),
        (_("Venue operating surplus"), policy["surplus"]),
        (_("Surplus share (%(p)s %% of the surplus, if positive)") % {"p": policy["share_percent"]},
         policy["share"]),
        (_("Designation: the larger of the two"), policy["designation"]),
        *(
            (_("%(program)s (weight %(weight)s)") % {"program": names[s["program"]],
                                                    "weight": s["weight"]}, s["amount"])
            for s in policy["by_program"]
        ),
    ]  # fmt: skip
    return Table(
        key="earmark",
        title=_("The earmark policy and its arithmetic"),
        columns=(Column("step", _("Step")), Column("amount", _("Amount"), CENTS)),
        rows=tuple(rows),
        note=_("Policy version %(v)s.") % {"v": policy["policy_version"]},
    )


ROLLFORWARD = ("opening", "earmarked", "restricted_gifts", "disbursed", "closing",
               "committed_unpaid")  # fmt: skip


def rollforward(snapshot: dict) -> Table:
    names = _programs(snapshot)
    rows = tuple(
        (names[row["program"]], *(row[key] for key in ROLLFORWARD))
        for row in snapshot["rollforward"]
    )
    return Table(
        key="rollforward",
        title=_("Program funds: the earmark rollforward"),
        columns=(
            Column("program", _("Program")),
            Column("opening", _("Opening"), CENTS),
            Column("earmarked", _("+ Earmarked"), CENTS),
            Column("restricted_gifts", _("+ Restricted gifts"), CENTS),
            Column("disbursed", _("- Disbursed"), CENTS),
            Column("closing", _("Closing"), CENTS),
            Column("committed_unpaid", _("Committed, not yet paid"), CENTS),
        ),
        rows=rows,
        footer=(_("Total"), *(sum(r[i] for r in rows) for i in range(1, 7))),
    )


def disbursements(snapshot: dict) -> Table:
    names = _programs(snapshot)
    section = snapshot["disbursements"]
    rows = tuple(
        (d["paid_on"], names[d["program"]], d["payee"], d["title"], d["amount"])
        for d in section["itemised"]
    )
    return Table(
        key="disbursements",
        title=_("Payments to vendors and organisations"),
        columns=(
            Column("paid_on", _("Paid on")),
            Column("program", _("Program")),
            Column("payee", _("Payee")),
            Column("purpose", _("Purpose")),
            Column("amount", _("Amount"), CENTS),
        ),
        rows=rows,
        footer=(_("Total"), "", "", "", section["itemised_total"]),
    )


def individuals(snapshot: dict) -> Table:
    section = snapshot["disbursements"]
    totals = section["individuals_total"]
    return Table(
        key="help-to-individuals",
        title=_("Help to individuals, by type (no one is named)"),
        columns=(
            Column("help_type", _("Type of help")),
            Column("count", _("Payments"), COUNT),
            Column("total", _("Total"), CENTS),
        ),
        rows=tuple((row["key"], row["count"], row["total"]) for row in section["individuals"]),
        footer=(_("Total"), totals["count"], totals["total"]),
        note=_(
            "Counts from 1 to %(n)s are not shown, nor any figure that would reveal them "
            "(shown as a dash)."
        )
        % {"n": section["suppression_threshold"] - 1},
    )


def impact(snapshot: dict) -> Table:
    names = _programs(snapshot)
    forward = snapshot["pay_it_forward"]
    rows = [(names[f["program"]], f["label"], f["value"]) for f in snapshot["impact"]]
    rows += [
        (_("Pay it forward"), _("Meal credits bought"), forward["issued"]),
        (_("Pay it forward"), _("Meals served"), forward["redeemed"]),
        (_("Pay it forward"), _("Credits rolled to the fridge fund"), forward["rolled_over"]),
        (_("Pay it forward"), _("Credits outstanding"), forward["outstanding"]),
    ]
    return Table(
        key="impact",
        title=_("What the money did"),
        columns=(
            Column("program", _("Program")),
            Column("measure", _("Measure")),
            Column("value", _("Count"), COUNT),
        ),
        rows=tuple(rows),
    )


def functional(snapshot: dict) -> Table:
    section = snapshot["functional_expenses"]
    names = _programs(snapshot)
    labels = {"management_general": _("Management and general"), "fundraising": _("Fundraising")}
    return Table(
        key="functional-expenses",
        title=_("Functional expenses, year to date"),
        columns=(
            Column("nature", _("Nature")),
            *(Column(k, names.get(k) or labels[k], CENTS) for k in section["columns"]),
            Column("total", _("Total"), CENTS),
        ),
        rows=tuple(
            (row["nature"], *row["amounts"], sum(row["amounts"])) for row in section["rows"]
        ),
        footer=(_("Total"), *section["totals"], section["total"]),
        note=_("Program ratio: %(r)s %% of all spending went to the programs.")
        % {"r": section["program_ratio_percent"] or "—"},
    )


def balance(snapshot: dict) -> Table:
    return Table(
        key="balance",
        title=_("Balance snapshot at the quarter's end"),
        columns=(
            Column("section", _("Section")),
            Column("line", _("Line")),
            Column("amount", _("Amount"), CENTS),
        ),
        rows=tuple((r["section"], r["line"], r["amount"]) for r in snapshot["balance"]),
    )


def governance(snapshot: dict) -> Table:
    section = snapshot["governance"]
    return Table(
        key="approvals",
        title=_("Approvals"),
        columns=(
            Column("what", _("What")),
            Column("role", _("Approved by (role)")),
            Column("on", _("On")),
        ),
        rows=tuple((a["what"], a["role"], a["on"]) for a in section["approvals"]),
    )


def vote(snapshot: dict) -> Table | None:
    section = snapshot["governance"]["vote"]
    if section is None:
        return None
    names = _programs(snapshot)
    return Table(
        key="vote",
        title=_("The members' advisory vote and the board's decision"),
        columns=(
            Column("program", _("Program")),
            Column("members", _("Members (points of 100)"), COUNT),
            Column("board", _("Board (points of 100)"), COUNT),
        ),
        rows=tuple(
            (names[slug], points, section["board_split"].get(slug))
            for slug, points in section["member_split"].items()
        ),
        note=_("%(n)s ballots.") % {"n": section["ballots"]},
    )


def all_tables(snapshot: dict) -> list[Table]:
    """Every table of the report, in reading order (the CSV zip holds one file per table)."""
    tables = [
        at_a_glance(snapshot),
        money_flow(snapshot),
        earmark(snapshot),
        venue_results(snapshot),
        rollforward(snapshot),
        disbursements(snapshot),
        individuals(snapshot),
        impact(snapshot),
        functional(snapshot),
        balance(snapshot),
        governance(snapshot),
        vote(snapshot),
    ]
    return [table for table in tables if table is not None]
