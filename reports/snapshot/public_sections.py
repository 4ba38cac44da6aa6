"""The snapshot's sections that come from the treasury's public read API (treasury/public.py).

Nothing here can carry a person's name: the API returns no names for individuals, and
payments to individuals are published only as counts and totals by type of help, with small
counts suppressed (`suppression.py`). Vendors and organisations are listed one by one.
"""

from ledger.money import to_cents
from ledger.periods import Quarter
from reports.snapshot.suppression import THRESHOLD, Cell, suppress
from treasury import public

INDIVIDUAL = "individual"


def gather(quarter: Quarter, programs: list) -> dict:
    """Return the earmark, disbursements, impact, pay-it-forward, governance and commitments."""
    start, end = quarter.start_date, quarter.end_date
    earmark = public.quarter_earmark(period=quarter.name)
    paid = public.paid_disbursements(start=start, end=end)
    vote = public.advisory_vote(period=quarter.name)
    counts = public.pay_it_forward_counts(start=start, end=end)
    return {
        "earmark": {
            "policy_version": earmark.policy_version,
            "policy_effective_from": earmark.policy_effective_from.isoformat(),
            "floor_percent": str(earmark.floor_percent),
            "share_percent": str(earmark.share_percent),
            "qualifying_net_sales": to_cents(earmark.qualifying_net_sales),
            "surplus": to_cents(earmark.surplus),
            "floor": to_cents(earmark.floor),
            "share": to_cents(earmark.share),
            "designation": to_cents(earmark.designation),
            "by_program": [
                {"program": s.slug, "weight": s.weight, "amount": to_cents(s.amount)}
                for s in earmark.by_program
            ],
            "plain_words": earmark.plain_words,
        },
        "disbursements": disbursement_section(paid),
        "impact": [
            {"program": f.program_slug, "label": f.label, "value": f.value}
            for f in public.impact_figures(period=quarter.name)
        ],
        "pay_it_forward": {
            "issued": counts.issued,
            "redeemed": counts.redeemed,
            "rolled_over": counts.rolled_over,
            "outstanding": counts.outstanding,
        },
        "governance": {
            "approvals": [
                {"what": a.what, "role": a.approved_by_role, "on": a.approved_on.isoformat()}
                for a in public.governance_approvals(start=start, end=end)
            ],
            "policy_version": earmark.policy_version,
            "vote": None
            if vote is None
            else {
                "ballots": vote.ballots,
                "member_split": dict(sorted(vote.member_split.items())),
                "board_split": dict(sorted(vote.board_split.items())),
                "board_reason": vote.board_reason,
            },
        },
        "committed_unpaid": {
            p.slug: to_cents(public.committed_unpaid(program_slug=p.slug, as_of=end))
            for p in programs
        },
    }


def disbursement_section(paid: list) -> dict:
    """List vendors and organisations; count individuals by type of help, small cells hidden."""
    itemised = [
        {
            "program": d.program_slug,
            "payee_type": d.payee_type,
            "payee": d.payee_name,
            "help_type": d.help_type,
            "title": d.public_title,
            "amount": to_cents(d.amount),
            "paid_on": d.paid_on.isoformat(),
        }
        for d in sorted(paid, key=lambda d: (d.paid_on, d.program_slug, d.public_title))
        if d.payee_type != INDIVIDUAL
    ]
    cells: dict[str, list[int]] = {}
    for d in paid:
        if d.payee_type == INDIVIDUAL:
            counts = cells.setdefault(d.help_type, [0, 0])
            counts[0] += 1
            counts[1] += to_cents(d.amount)
    rows, totals = suppress([Cell(k, c, t) for k, (c, t) in sorted(cells.items())])
    return {
        "itemised": itemised,
        "itemised_total": sum(d["amount"] for d in itemised),
        "individuals": rows,
        "individuals_total": totals,
        "suppression_threshold": THRESHOLD,
    }
