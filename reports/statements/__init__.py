"""The treasurer's statements for any date range, each a `reports.tables.Table`.

`STATEMENTS` maps the slug used in URLs (/reports/statements/<slug>/, and .csv) to a function
taking the range; statements "as of" a date read the range's end.
"""

from reports.statements.ledger_statements import (
    functional_expenses_table,
    general_ledger_table,
    statement_of_activities,
    statement_of_financial_position,
    trial_balance_table,
)
from reports.statements.sales import (
    sales_by_category,
    sales_by_hour,
    sales_by_item,
    sales_tax,
    tips_by_staff,
    z_reports,
)

STATEMENTS = {
    "activities": lambda start, end: statement_of_activities(start=start, end=end),
    "financial-position": lambda start, end: statement_of_financial_position(as_of=end),
    "functional-expenses": lambda start, end: functional_expenses_table(start=start, end=end),
    "trial-balance": lambda start, end: trial_balance_table(as_of=end),
    "general-ledger": lambda start, end: general_ledger_table(start=start, end=end),
    "sales-by-category": lambda start, end: sales_by_category(start=start, end=end),
    "sales-by-item": lambda start, end: sales_by_item(start=start, end=end),
    "sales-by-hour": lambda start, end: sales_by_hour(start=start, end=end),
    "sales-tax": lambda start, end: sales_tax(start=start, end=end),
    "tips-by-staff": lambda start, end: tips_by_staff(start=start, end=end),
    "z-reports": lambda start, end: z_reports(start=start, end=end),
}
