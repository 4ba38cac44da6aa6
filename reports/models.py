"""Reports: statements and the quarterly transparency report (built in later issues).

Reports only read the ledger, through `ledger.selectors`.
"""
