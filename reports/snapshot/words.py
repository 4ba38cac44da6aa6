"""The earmark policy in words, with the quarter's arithmetic, in the reader's language.

The snapshot keeps the treasury's own sentence (`earmark.plain_words`, English, as the day's
open data). The page and the PDF instead build the same sentences here from the snapshot's
figures, so a reader of the Spanish report reads Spanish. Reports sealed before the snapshot
kept the policy's first day (schema version 1) leave that clause out.
"""

from django.utils.translation import gettext as _

from reports.templatetags.report_format import isodate, money, percent


def earmark_words(snapshot: dict) -> str:
    earmark = snapshot["earmark"]
    names = {p["slug"]: p["name"] for p in snapshot["programs"]}
    values = {
        "version": earmark["policy_version"],
        "floor_percent": percent(earmark["floor_percent"]),
        "share_percent": percent(earmark["share_percent"]),
        "quarter": snapshot["period"]["name"],
        "sales": money(earmark["qualifying_net_sales"]),
        "floor": money(earmark["floor"]),
        "surplus": money(earmark["surplus"]),
        "counted": money(max(earmark["surplus"], 0)),
        "share": money(earmark["share"]),
        "designation": money(earmark["designation"]),
        "weights": ", ".join(
            f"{names[part['program']]} {part['weight']}" for part in earmark["by_program"]
        ),
        "split": "; ".join(
            f"{names[part['program']]} {money(part['amount'])}" for part in earmark["by_program"]
        ),
    }
    if "policy_effective_from" in earmark:
        values["since"] = isodate(earmark["policy_effective_from"])
        policy = _(
            "Each quarter the board sets aside for the programs the larger of two amounts "
            "(policy version %(version)s, in force since %(since)s): %(floor_percent)s of "
            "qualifying net sales (what guests paid for food, drinks, games and events, "
            "without sales tax, tips, donations or meals paid forward), and %(share_percent)s "
            "of the venue's operating surplus (its trading income minus its costs, leaving out "
            "donations and program spending)."
        )
    else:
        policy = _(
            "Each quarter the board sets aside for the programs the larger of two amounts "
            "(policy version %(version)s): %(floor_percent)s of qualifying net sales (what "
            "guests paid for food, drinks, games and events, without sales tax, tips, "
            "donations or meals paid forward), and %(share_percent)s of the venue's operating "
            "surplus (its trading income minus its costs, leaving out donations and program "
            "spending)."
        )
    arithmetic = _(
        "In %(quarter)s: qualifying net sales were %(sales)s, so the floor is "
        "%(floor_percent)s x %(sales)s = %(floor)s; the surplus was %(surplus)s, so the share "
        "is %(share_percent)s x %(counted)s = %(share)s."
    )
    if earmark["floor"] >= earmark["share"]:
        designation = _(
            "The designation is the sales floor: %(designation)s, rounded half up to the cent."
        )
    else:
        designation = _(
            "The designation is the surplus share: %(designation)s, rounded half up to the cent."
        )
    split = _(
        "It is split by the board's weights (%(weights)s) by the largest-remainder method, so "
        "the parts add up to the whole: %(split)s."
    )
    return " ".join(sentence % values for sentence in (policy, arithmetic, designation, split))
