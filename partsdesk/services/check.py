"""``partsdesk check``: prove the shop database is sound, and say where it is not.

Each check reads only (no transaction of its own is needed: every query is one statement, so
it sees one consistent snapshot) and returns a ``CheckResult`` whose details name the rows at
fault, at most ``MAX_DETAILS`` of them. A check that cannot run (for example a table missing
from a damaged file) fails with the reason instead of stopping the others.

Built for big shops: the stock ledger is compared with one GROUP BY and anti-joins in SQL,
never row by row in Python. ``integrity`` reads every page of a SQLite file, which takes a
while on a large one: call ``run_checks`` off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import Database

from partsdesk.i18n import N_, _
from partsdesk.models import database
from partsdesk.models.db import is_postgres
from partsdesk.models.migrations import latest_version
from partsdesk.services import audit

MAX_DETAILS = 20


@dataclass(frozen=True)
class CheckResult:
    name: str  # N_-marked English (tests and callers key on it), translated by describe()
    ok: bool
    summary: str
    details: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line "[ok] name: summary", then one indented line per detail."""
        head = _("[{status}] {name}: {summary}").format(status=_("ok") if self.ok else _("FAILED"),
                                                        name=_(self.name), summary=self.summary)
        return "\n".join([head, *(f"    {line}" for line in self.details)])


def _capped(lines: list[str], total: int) -> list[str]:
    if total > len(lines):
        return [*lines, _("… and {count} more").format(count=total - len(lines))]
    return lines


def _qty(milli: int) -> str:
    """Thousandths of a unit as a plain number: 4500 -> "4.5"."""
    return format(Decimal(milli).scaleb(-3).normalize(), "f")


# --- the checks -------------------------------------------------------------------------

def check_integrity(db: Database) -> CheckResult:
    if is_postgres(db):
        # PostgreSQL keeps its own pages consistent; what we can honestly say is that it answers.
        version = db.execute_sql("SELECT version()").fetchone()[0]
        return CheckResult(N_("connection"), True, _("the server answers ({version}); page-level "
                                                     "checks of PostgreSQL are the server's job (pg_amcheck)").format(
            version=version.split(",")[0]))
    rows = [row[0] for row in db.execute_sql(f"PRAGMA integrity_check({MAX_DETAILS})").fetchall()]
    if rows == ["ok"]:
        return CheckResult(N_("integrity"), True, _("the database file is sound"))
    return CheckResult(N_("integrity"), False, _("the database file is damaged; restore the newest good backup"),
                       rows)


def _pg_foreign_keys(db: Database) -> list[tuple[str, str, str, str]]:
    """(table, column, parent table, parent column) of every single-column foreign key."""
    return db.execute_sql(
        """SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, pa.attname
           FROM pg_constraint c
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
           JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
           JOIN pg_namespace n ON n.oid = c.connamespace
           WHERE c.contype = 'f' AND n.nspname = current_schema() AND array_length(c.conkey, 1) = 1
           ORDER BY 1, 2"""
    ).fetchall()


def check_foreign_keys(db: Database) -> CheckResult:
    name = N_("foreign keys")
    lines: list[str] = []
    total = 0
    if is_postgres(db):
        # The server enforces them, unless someone disabled the triggers; look for orphans anyway.
        for table, column, parent, parent_column in _pg_foreign_keys(db):
            rows = db.execute_sql(
                f'SELECT c."{column}" FROM "{table}" c WHERE c."{column}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM "{parent}" p WHERE p."{parent_column}" = c."{column}") LIMIT {MAX_DETAILS + 1}'
            ).fetchall()
            count = len(rows)
            if count > MAX_DETAILS:
                count = db.execute_sql(
                    f'SELECT COUNT(*) FROM "{table}" c WHERE c."{column}" IS NOT NULL AND NOT EXISTS '
                    f'(SELECT 1 FROM "{parent}" p WHERE p."{parent_column}" = c."{column}")'
                ).fetchone()[0]
            total += count
            lines.extend(_("{table}.{column} = {value}: no such {parent}").format(
                table=table, column=column, value=value, parent=parent) for (value,) in rows)
    else:
        rows = db.execute_sql("PRAGMA foreign_key_check").fetchall()
        total = len(rows)
        for table, rowid, parent, _fk in rows:
            lines.append(_("{table} row {rowid}: points to a missing {parent}").format(
                table=table, rowid=rowid, parent=parent))
    if total == 0:
        return CheckResult(name, True, _("every reference points to an existing row"))
    return CheckResult(name, False, _("{count} row(s) point to rows that do not exist").format(count=total),
                       _capped(lines[:MAX_DETAILS], total))


def check_schema_version(db: Database) -> CheckResult:
    name = N_("schema version")
    if not db.table_exists("schema_version"):
        return CheckResult(name, False, _("no schema version: this is not a PartsDesk database (expected "
                                          "version {latest})").format(latest=latest_version()))
    version = int(db.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0)
    if version == latest_version():
        return CheckResult(name, True, _("version {version}, the newest this program knows").format(version=version))
    if version < latest_version():
        return CheckResult(name, False, _("version {version}, older than this program's {latest}; open the shop "
                                          "once in PartsDesk to upgrade it (a backup is made first)").format(
            version=version, latest=latest_version()))
    return CheckResult(name, False, _("version {version}, newer than this program's {latest}; "
                                      "install the newer PartsDesk").format(version=version, latest=latest_version()))


def check_audit_chain(db: Database) -> CheckResult:
    faults = audit.verify_chain()
    rows = db.execute_sql("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    if not faults:
        return CheckResult(N_("audit chain"), True, _("{rows:,} audit rows, every link and hash holds").format(
            rows=rows))
    lines = [_("audit row {audit_id}: {problem}").format(audit_id=fault.audit_id, problem=fault.problem)
             for fault in faults[:MAX_DETAILS]]
    ids = sorted({fault.audit_id for fault in faults})
    return CheckResult(N_("audit chain"), False,
                       _("{count} audit row(s) were changed, removed or inserted outside PartsDesk").format(
                           count=len(ids)),
                       _capped(lines, len(faults)))


# A missing balance row reads as 0 and moves that do not exist sum to 0: the two sides are
# compared as such, in both directions, in SQL.
_LEDGER_MISMATCHES = """
WITH ledger AS (
    SELECT part_id, location_id, SUM(qty) AS total FROM stock_move GROUP BY part_id, location_id
), mismatch AS (
    SELECT l.part_id, l.location_id, b.qty AS balance, l.total AS ledger
    FROM ledger l LEFT JOIN stock_balance b ON b.part_id = l.part_id AND b.location_id = l.location_id
    WHERE COALESCE(b.qty, 0) <> l.total
    UNION ALL
    SELECT b.part_id, b.location_id, b.qty, NULL
    FROM stock_balance b
    WHERE b.qty <> 0 AND NOT EXISTS (
        SELECT 1 FROM stock_move m WHERE m.part_id = b.part_id AND m.location_id = b.location_id)
)
SELECT x.part_id, p.number, br.name, lo.code, x.balance, x.ledger, COUNT(*) OVER () AS total
FROM mismatch x
LEFT JOIN part p ON p.id = x.part_id
LEFT JOIN brand br ON br.id = p.brand_id
LEFT JOIN location lo ON lo.id = x.location_id
ORDER BY x.part_id, x.location_id
LIMIT {limit}
"""


def check_stock_ledger(db: Database) -> CheckResult:
    name = N_("stock ledger")
    rows = db.execute_sql(_LEDGER_MISMATCHES.format(limit=MAX_DETAILS)).fetchall()
    if not rows:
        return CheckResult(name, True, _("every stock balance equals the sum of its moves"))
    total = rows[0][-1]
    lines = []
    for part_id, number, brand, location, balance, ledger, _total in rows:
        part = f"{number} ({brand})" if number else _("part id {part_id} (missing)").format(part_id=part_id)
        balance_text = _("no balance row") if balance is None else _("balance {qty}").format(qty=_qty(balance))
        ledger_text = _("no moves") if ledger is None else _("moves add up to {qty}").format(qty=_qty(ledger))
        lines.append(_("{part} at {location}: {balance}, {ledger}").format(
            part=part, location=location or "?", balance=balance_text, ledger=ledger_text))
    return CheckResult(name, False, _("{count} stock balance(s) disagree with the ledger").format(count=total),
                       _capped(lines, total))


# (what, the customer's cached column, the ledger table, its signed column)
_CUSTOMER_LEDGERS = (
    (N_("account balance"), "account_balance", "account_entry", "amount"),
    (N_("points"), "points_balance", "points_entry", "points"),
    (N_("prepaid balance"), "prepaid_balance", "prepaid_entry", "amount"),
)
# Allocations never settle more of a document than it holds: (side, the column naming it, sign of its amount)
_ALLOCATION_SIDES = ((N_("invoice"), "debit_entry_id", ""), (N_("payment or credit note"), "credit_entry_id", "-"))


def check_customer_ledgers(db: Database) -> CheckResult:
    name = N_("customer ledgers")
    lines: list[str] = []
    total = 0
    for what, cached, table, column in _CUSTOMER_LEDGERS:
        mismatch = (f"FROM customer c LEFT JOIN (SELECT customer_id, SUM({column}) AS total FROM {table} "
                    f"GROUP BY customer_id) l ON l.customer_id = c.id WHERE c.{cached} <> COALESCE(l.total, 0)")
        count = int(db.execute_sql(f"SELECT COUNT(*) {mismatch}").fetchone()[0])
        total += count
        for customer_id, customer, value, ledger in db.execute_sql(
                f"SELECT c.id, c.name, c.{cached}, COALESCE(l.total, 0) {mismatch} ORDER BY c.id "
                f"LIMIT {MAX_DETAILS}").fetchall():
            lines.append(_("customer #{customer_id} {name}: {what} {value}, its ledger adds up to {ledger}").format(
                customer_id=customer_id, name=customer, what=_(what), value=value, ledger=ledger))
    for side, column, sign in _ALLOCATION_SIDES:
        over = (f"FROM account_entry e JOIN account_allocation a ON a.{column} = e.id "
                f"GROUP BY e.id, e.document, e.amount HAVING SUM(a.amount) > {sign}e.amount")
        rows = db.execute_sql(f"SELECT e.id, e.document, {sign}e.amount, SUM(a.amount) {over}").fetchall()
        total += len(rows)
        lines += [_("{side} {document}: {amount} settled by {settled}").format(
            side=_(side), document=document, amount=amount, settled=settled)
            for _entry_id, document, amount, settled in rows]
    if not total:
        return CheckResult(name, True, _("every account, points and prepaid balance equals its ledger; no "
                                         "document is settled beyond its amount"))
    return CheckResult(name, False, _("{count} customer balance(s) or settlement(s) disagree with the "
                                      "ledgers").format(count=total),
                       _capped(lines[:MAX_DETAILS], total))


CHECKS: tuple[Callable[[Database], CheckResult], ...] = (
    check_integrity, check_foreign_keys, check_schema_version, check_audit_chain, check_stock_ledger,
    check_customer_ledgers,
)
_NAMES = {
    check_integrity: N_("integrity"), check_foreign_keys: N_("foreign keys"),
    check_schema_version: N_("schema version"), check_audit_chain: N_("audit chain"),
    check_stock_ledger: N_("stock ledger"), check_customer_ledgers: N_("customer ledgers"),
}


def run_checks(*, progress: Callable[[int, int], None] | None = None) -> list[CheckResult]:
    """Run every check on the bound database, in order; ``progress(done, total)`` after each."""
    db = database.obj
    results = []
    for done, check in enumerate(CHECKS, start=1):
        try:
            results.append(check(db))
        except Exception as error:  # a check that cannot run is a failed check, not a crash
            name = _NAMES[check]
            if name == "integrity" and is_postgres(db):
                name = N_("connection")
            results.append(CheckResult(name, False, _("could not run: {kind}: {error}").format(
                kind=type(error).__name__, error=error)))
        if progress:
            progress(done, len(CHECKS))
    return results
