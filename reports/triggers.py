"""Published reports are final: triggers for SQLite and PostgreSQL refuse to change or delete one.

TRUNCATE is left alone on PostgreSQL: the test suite flushes tables with it. The services
refuse first (`reports.services`); these triggers are the backstop that
`QuerySet.update()` or raw SQL cannot get past. The message starts with the rule's name.
"""

MESSAGE = (
    "reports_report_published_is_final: a published report cannot be changed; publish a correction"
)

SQLITE = [
    f"""CREATE TRIGGER reports_report_published_no_update BEFORE UPDATE ON reports_report
    WHEN OLD.status = 'published'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER reports_report_published_no_delete BEFORE DELETE ON reports_report
    WHEN OLD.status = 'published'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]

POSTGRESQL = [
    f"""CREATE FUNCTION reports_report_published_is_final() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'published' THEN
            RAISE EXCEPTION '{MESSAGE}';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER reports_report_published_is_final BEFORE UPDATE OR DELETE ON reports_report
    FOR EACH ROW EXECUTE FUNCTION reports_report_published_is_final()""",
]

DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS reports_report_published_no_update",
        "DROP TRIGGER IF EXISTS reports_report_published_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS reports_report_published_is_final ON reports_report",
        "DROP FUNCTION IF EXISTS reports_report_published_is_final()",
    ],
}


def install(schema_editor) -> None:
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}[schema_editor.connection.vendor]
    for sql in statements:
        schema_editor.execute(sql, params=None)  # params=None: the SQL passes through verbatim


def uninstall(schema_editor) -> None:
    for sql in DROP[schema_editor.connection.vendor]:
        schema_editor.execute(sql, params=None)
