"""The ``partsdesk`` command: no subcommand opens the window; subcommands serve scripting,
support and tests. Each returns 0 only on success and writes errors to stderr.

Service modules are imported inside each command so ``partsdesk --help`` and the window's
cold start stay fast.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from partsdesk import __version__, i18n
from partsdesk.config import Paths
from partsdesk.domain.errors import UserError
from partsdesk.i18n import N_, _


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="URL",
        help="SQLite file or postgresql://user:password@host:port/dbname "
             "(default: the shop database in your user data folder)",
    )


def _open(args: argparse.Namespace, *, upgrade: bool = True):
    from partsdesk.services.shop import open_shop, resolve_url

    url = resolve_url(args.db, Paths.for_user())
    db, backup = open_shop(url, upgrade=upgrade)
    if not getattr(args, "lang", None):  # the shop's language (or this PC's), as the window speaks
        from partsdesk.services import settings as shop_settings

        i18n.set_language(shop_settings.terminal("ui.language") or shop_settings.get("shop.language"))
    if backup:
        print(_("Backed up the database before upgrading it: {backup}").format(backup=backup), file=sys.stderr)
    return url, db


def _receipt_roll() -> int:
    """This PC's receipt roll, 80 or 58 mm (setting printer.receipt_width)."""
    from partsdesk.services import settings as shop_settings

    return int(shop_settings.terminal("printer.receipt_width"))


def _progress_printer(label: str) -> Callable[[int, int], None]:
    """A progress callback that redraws one line on a terminal, and says nothing elsewhere."""
    if not sys.stderr.isatty():
        return lambda done, total: None

    def show(done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        print("\r" + _("{label}: {done:,}/{total:,} ({percent} %)").format(label=label, done=done, total=total,
                                                                           percent=percent),
              end="" if done < total else "\n", file=sys.stderr)

    return show


# --- demo -------------------------------------------------------------------------------

def cmd_demo(args: argparse.Namespace) -> int:
    from partsdesk.services import demo
    from partsdesk.services.shop import resolve_url

    url = resolve_url(args.db, Paths.for_user())
    summary = demo.build_demo_shop(url, parts=args.parts, seed=args.seed, progress=_progress_printer(_("Building")))
    print(summary.describe())
    return 0


# --- check ------------------------------------------------------------------------------

def cmd_check(args: argparse.Namespace) -> int:
    from partsdesk.services import check

    _open(args, upgrade=False)
    results = check.run_checks()
    for result in results:
        print(result.describe())
    failed = [r for r in results if not r.ok]
    if failed:
        print(_("{count} check(s) failed.").format(count=len(failed)), file=sys.stderr)
        return 1
    print(_("All checks passed."))
    return 0


# --- backup and restore -----------------------------------------------------------------

def cmd_backup(args: argparse.Namespace) -> int:
    from partsdesk.services import backup

    url, _db = _open(args)
    made = backup.make_backup(url, folder=Path(args.to) if args.to else None, kind="manual",
                              progress=_progress_printer(_("Backing up")))
    print(_("Backup written and verified: {file}").format(file=made))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from partsdesk.services import backup
    from partsdesk.services.shop import resolve_url

    url = resolve_url(args.db, Paths.for_user())
    if not args.yes:
        if not sys.stdin.isatty():
            print(_("Restoring replaces the shop database; add --yes to confirm."), file=sys.stderr)
            return 2
        answer = input(_("Replace {url} with {file}? The current file is kept as a copy. [y/N] ").format(
            url=url, file=args.file))
        if answer.strip().lower() not in ("y", "yes"):
            print(_("Nothing was changed."), file=sys.stderr)
            return 1
    kept = backup.restore_backup(url, Path(args.file), progress=_progress_printer(_("Checking the backup")))
    if kept:
        print(_("Restored {file}. The replaced database was kept as {kept}.").format(file=args.file, kept=kept))
    else:
        print(_("Restored {file}.").format(file=args.file))
    return 0


# --- import and export ------------------------------------------------------------------

def cmd_import(args: argparse.Namespace) -> int:
    from partsdesk.domain.permissions import SYSTEM
    from partsdesk.services import catalog_io

    _open(args)
    report = catalog_io.import_parts(
        SYSTEM, Path(args.file), mapping_file=Path(args.mapping) if args.mapping else None,
        dry_run=args.dry_run, skip_invalid=args.skip_invalid, progress=_progress_printer(_("Importing")),
    )
    for problem in report.problems:
        print(problem.describe(), file=sys.stderr)
    print(report.describe())
    return 0 if report.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    from partsdesk.domain.permissions import SYSTEM
    from partsdesk.services import catalog_io

    _open(args)
    count = catalog_io.export_parts(SYSTEM, Path(args.file), include_inactive=args.include_inactive,
                                    progress=_progress_printer(_("Exporting")))
    print(_("Exported {count:,} parts to {file}").format(count=count, file=args.file))
    return 0


# --- users ------------------------------------------------------------------------------

def _secret(value: str | None, prompt: str, *, required: bool) -> str | None:
    if value == "-":
        return sys.stdin.readline().rstrip("\n")
    if value is not None:
        return value
    if not required:
        return None
    if not sys.stdin.isatty():
        raise UserError(_("{what} is required (give it as an option, or '-' to read it from standard "
                          "input).").format(what=_(prompt)))
    first = getpass.getpass(_("{what}: ").format(what=_(prompt)))
    if getpass.getpass(_("{what} again: ").format(what=_(prompt))) != first:
        raise UserError(_("The two entries of the {what} differ; nothing was changed.").format(
            what=_(prompt).lower()))
    return first


def cmd_user(args: argparse.Namespace) -> int:
    from partsdesk.domain.permissions import PASSWORD_ROLES, SYSTEM
    from partsdesk.services import users

    _open(args)
    if args.user_command == "list":
        rows = users.list_users(include_inactive=True)
        print(f"{_('user'):<16} {_('name'):<24} {_('role'):<16} {_('password'):<8} {_('state')}")
        for u in rows:
            state = _("active") if u.active else _("disabled")
            if u.locked_until:
                state = _("{state}, locked until {until} UTC").format(state=state,
                                                                      until=f"{u.locked_until:%Y-%m-%d %H:%M}")
            print(f"{u.username:<16} {u.display_name:<24} {u.role_label:<16} "
                  f"{_('yes') if u.has_password else _('no'):<8} {state}")
        return 0
    if args.user_command == "add":
        pin = _secret(args.pin, N_("PIN"), required=True)
        password = _secret(args.password, N_("Password"), required=args.role in PASSWORD_ROLES)
        row = users.add_user(SYSTEM, username=args.username, display_name=args.name or args.username,
                             role=args.role, pin=pin, password=password)
        print(_("Added {user} ({role}).").format(user=row.username, role=row.role_label))
        return 0
    if args.user_command == "passwd":
        if args.pin is None and args.password is None:
            raise UserError(_("Give --pin and/or --password (a value, or '-' to read it from standard input)."))
        users.set_secret(SYSTEM, args.username, pin=_secret(args.pin, N_("PIN"), required=False),
                         password=_secret(args.password, N_("Password"), required=False))
        print(_("Changed the secret of {user}; any lock-out is cleared.").format(user=args.username))
        return 0
    if args.user_command in ("disable", "enable"):
        users.set_active(SYSTEM, args.username, args.user_command == "enable", reason=args.reason)
        if args.user_command == "enable":
            print(_("{user} is now enabled.").format(user=args.username))
        else:
            print(_("{user} is now disabled.").format(user=args.username))
        return 0
    raise AssertionError(args.user_command)


# --- print ------------------------------------------------------------------------------

def _as_of(text: str | None):
    from datetime import date

    from partsdesk.services.clock import now

    if not text:
        return now().date()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(_("--as-of {text!r} is not a date; write it as 2026-11-30.").format(text=text)) from None


def _write_aside(out: Path, write: Callable[[Path], None]) -> None:
    """Written aside and moved into place: a failure never leaves half a PDF under the name asked for."""
    partial = out.with_name(f".{out.name}.partial")
    try:
        write(partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


def cmd_print(args: argparse.Namespace) -> int:
    from partsdesk.domain.permissions import SYSTEM
    from partsdesk.printing.statement import write_statement
    from partsdesk.services import accounts

    out = Path(args.out).expanduser()
    if not out.parent.is_dir():
        raise UserError(_("The folder {folder} does not exist; nothing was written.").format(folder=out.parent))
    if args.print_command == "scanner-test":  # the same for every shop: no database
        from partsdesk.printing.scanner_test_sheet import write_scanner_test_sheet

        _write_aside(out, write_scanner_test_sheet)
        print(_("Scanner test sheet (A4): written to {out}. Scan it in File > Scanner set-up… of the PC the "
                "scanner is connected to.").format(out=out))
        return 0
    as_of = _as_of(getattr(args, "as_of", None))
    _open(args)
    if args.print_command == "statement":
        customer_id = accounts.find_customer(args.customer)
        data = accounts.statement_data(SYSTEM, customer_id, as_of=as_of)
        _write_aside(out, lambda path: write_statement(data, path))
        print(_("Statement of {customer} (#{id}) on {day}: "
                "{count} open item(s), total due {amount} {currency}; "
                "written to {out}").format(customer=data.customer_name, id=customer_id, day=as_of.isoformat(),
                                           count=len(data.lines), amount=accounts.format_amount(data.total_due),
                                           currency=data.currency, out=out))
        return 0
    if args.print_command in ("invoice", "receipt"):
        from partsdesk.printing.sale_documents import write_invoice, write_receipt
        from partsdesk.services.sale_documents import sale_document

        # The word typed chooses the layout (invoice: A4, receipt: this PC's roll, 80 or 58 mm); the
        # sale's own kind its title, so any invoice or receipt prints on either paper.
        doc = sale_document(args.number, copy=args.copy)
        roll = _receipt_roll()
        if args.print_command == "invoice":
            _write_aside(out, lambda path: write_invoice(doc, path))
        else:
            _write_aside(out, lambda path: write_receipt(doc, path, roll_mm=roll))
        paper = "A4" if args.print_command == "invoice" else _("{width} mm roll").format(width=roll)
        print(_("{title} {number} of {at}, total {amount} "
                "{currency}{copy} ({paper}): written to {out}").format(
            title=doc.title, number=doc.number, at=f"{doc.at:%Y-%m-%d %H:%M}", amount=accounts.format_amount(doc.total),
            currency=doc.currency, copy=_(", marked COPY") if doc.copy else "", paper=paper, out=out))
        return 0
    if args.print_command == "creditnote":
        from partsdesk.printing.sale_documents import write_invoice
        from partsdesk.services.sale_documents import sale_document

        doc = sale_document(args.number, copy=args.copy, credit_note=True)
        _write_aside(out, lambda path: write_invoice(doc, path))
        print(_("{title} {number} of {at} against {reference}, total refunded "
                "{amount} {currency}{copy} (A4): written to {out}").format(
            title=doc.title, number=doc.number, at=f"{doc.at:%Y-%m-%d %H:%M}", reference=doc.reference,
            amount=accounts.format_amount(doc.total), currency=doc.currency,
            copy=_(", marked COPY") if doc.copy else "", out=out))
        return 0
    if args.print_command == "quote":
        from partsdesk.printing.quote import write_quote
        from partsdesk.services.quotes import quote_document

        doc = quote_document(args.number, copy=args.copy)
        _write_aside(out, lambda path: write_quote(doc, path))
        print(_("Quote {number} of {at}, valid until {until}, total "
                "{amount} {currency}{copy} (A4): written to {out}").format(
            number=doc.number, at=f"{doc.at:%Y-%m-%d %H:%M}", until=doc.valid_until.isoformat(),
            amount=accounts.format_amount(doc.total), currency=doc.currency,
            copy=_(", marked COPY") if doc.copy else "", out=out))
        return 0
    if args.print_command == "picklist":
        from partsdesk.printing.pick_list import write_pick_list
        from partsdesk.services.orders import pick_list

        doc = pick_list(SYSTEM, args.number)
        _write_aside(out, lambda path: write_pick_list(doc, path))
        short = _(", {count} short").format(count=doc.short_lines) if doc.short_lines else ""
        print(_("Pick list of order {number} for {customer}: "
                "{count} line(s){short} (A4): written to {out}").format(
            number=doc.number, customer=doc.customer_name or _("no customer on file"), count=len(doc.lines),
            short=short, out=out))
        return 0
    if args.print_command == "zreport":
        from partsdesk.printing.cash_up import write_report
        from partsdesk.services.cashup import z_report

        report = z_report(args.number)  # exactly as it was closed: a reprint never recomputes a day
        roll = _receipt_roll()
        _write_aside(out, lambda path: write_report(report, path, a4=args.a4, copy=args.copy, roll_mm=roll))
        print(_("Z report {number} of terminal {terminal}: expected "
                "{expected}, counted {counted} "
                "{currency} ({over_short}){copy} "
                "({paper}): written to {out}").format(
            number=report.number, terminal=report.terminal, expected=report.money(report.expected_cash),
            counted=report.money(report.counted_cash or 0), currency=report.currency,
            over_short=report.over_short_message, copy=_(", marked COPY") if args.copy else "",
            paper="A4" if args.a4 else _("{width} mm roll").format(width=roll), out=out))
        return 0
    if args.print_command in ("estimate", "checkin", "jobcard", "ro-picklist", "delivery"):
        from partsdesk.printing.workshop import write_workshop_document
        from partsdesk.services.workshop_documents import DOCUMENT_KINDS

        made: list[object] = []
        _write_aside(out, lambda path: made.append(write_workshop_document(args.print_command, args.number, path)))
        doc = made[0]
        number = getattr(doc, "head", doc).number
        print(_("{document} of repair order {number} (A4): written to {out}").format(
            document=_(DOCUMENT_KINDS[args.print_command]), number=number, out=out))
        return 0
    raise AssertionError(args.print_command)


# --- labels -----------------------------------------------------------------------------

def _label_layout(args: argparse.Namespace):
    """The layout the options describe; --grid, --margins, --gaps and --size only with a custom one."""
    from partsdesk.domain import labels

    name = args.layout.strip().lower()
    custom = {"--grid": args.grid, "--margins": args.margins, "--gaps": args.gaps, "--size": args.size}
    allowed = {labels.CUSTOM_SHEET: {"--grid", "--margins", "--gaps"}, labels.CUSTOM_ROLL: {"--size"}}.get(name, set())
    stray = [option for option, value in custom.items() if value is not None and option not in allowed]
    if stray:
        raise UserError(_("{options} only go with layout {layout}; {name} has its own "
                          "measurements (see --list-layouts).").format(
            options=", ".join(stray), layout=labels.CUSTOM_ROLL if stray == ["--size"] else labels.CUSTOM_SHEET,
            name=name))
    if name == labels.CUSTOM_SHEET:
        if args.grid is None or args.margins is None:
            raise UserError(_("Layout {name} needs --grid COLSxROWS and --margins TOP,RIGHT,BOTTOM,LEFT (mm).").format(
                name=name))
        columns, rows = labels.parse_numbers(args.grid, "grid", 2)
        if columns != int(columns) or rows != int(rows):
            raise UserError(_("--grid {grid!r}: whole numbers of columns and rows, e.g. 3x8.").format(grid=args.grid))
        top, right, bottom, left = labels.parse_numbers(args.margins, "margins", 4)
        gap_x, gap_y = labels.parse_numbers(args.gaps, "gaps", 2) if args.gaps else (0.0, 0.0)
        return labels.custom_sheet(int(columns), int(rows), top=top, right=right, bottom=bottom, left=left,
                                   gap_x=gap_x, gap_y=gap_y)
    if name == labels.CUSTOM_ROLL:
        if args.size is None:
            raise UserError(_("Layout {name} needs --size WIDTHxHEIGHT (mm), e.g. 60x40.").format(name=name))
        width, height = labels.parse_numbers(args.size, "size", 2)
        return labels.custom_roll(width, height)
    return labels.layout_named(name)


def cmd_labels(args: argparse.Namespace) -> int:
    from partsdesk.domain import labels

    if args.list_layouts:
        for layout in labels.LAYOUTS.values():
            print(layout.describe())
        for name, description in labels.CUSTOM_LAYOUTS.items():
            print(f"{name:<12} {_(description)}")
        return 0
    sources = [option for option, value in (("--parts", args.parts), ("--receipt", args.receipt),
                                             ("--count", args.count)) if value]
    if len(sources) > 1:
        raise UserError(_("partsdesk labels takes one of --parts, --receipt and --count, not {options}.").format(
            options=_(" and ").join(sources)))
    if not args.layout:  # this PC's label layout (setting labels.layout)
        from partsdesk.services import settings as shop_settings

        args.layout = shop_settings.terminal("labels.layout")
    missing = [option for option, value in (("--parts, --receipt or --count", sources), ("--out", args.out))
               if not value]
    if missing:
        raise UserError(_("partsdesk labels needs {options} (or --list-layouts); see partsdesk labels --help.").format(
            options=", ".join(missing)))
    entries = labels.parse_part_quantities(args.parts) if args.parts else []
    layout = _label_layout(args)
    layout.check_start(args.start)
    out = Path(args.out).expanduser()
    if not out.parent.is_dir():
        raise UserError(_("The folder {folder} does not exist; nothing was written.").format(folder=out.parent))
    _open(args)
    from partsdesk.printing.labels import write_labels
    from partsdesk.services.labels import count_quantities, label_data, labels_for_parts, receipt_quantities

    if args.receipt:
        quantities = receipt_quantities(args.receipt)
        rows, parts = labels_for_parts(quantities), len(quantities)
    elif args.count:
        quantities = count_quantities(args.count)
        rows, parts = labels_for_parts(quantities), len(quantities)
    else:
        rows, parts = label_data(entries), len(entries)
    pages: list[int] = []
    _write_aside(out, lambda path: pages.append(write_labels(rows, layout, path, start=args.start,
                                                             outline=args.outline)))
    if args.start != 1:
        print(_("{labels} label(s) of {parts} part(s) on {layout}, starting at position {start}: {pages} page(s) "
                "written to {out}").format(labels=len(rows), parts=parts, layout=layout.name, start=args.start,
                                           pages=pages[0], out=out))
    else:
        print(_("{labels} label(s) of {parts} part(s) on {layout}: {pages} page(s) written to {out}").format(
            labels=len(rows), parts=parts, layout=layout.name, pages=pages[0], out=out))
    return 0


# --- bench ------------------------------------------------------------------------------

def cmd_bench(args: argparse.Namespace) -> int:
    from partsdesk import bench

    only = [name.strip() for names in args.only for name in names.split(",") if name.strip()] if args.only else None
    result = bench.run(parts=args.parts, workdir=Path(args.workdir) if args.workdir else Paths.for_user().bench_dir,
                       rebuild=args.rebuild, only=only,
                       customers=bench.CUSTOMERS if args.customers is None else args.customers)
    print(json.dumps(result) if args.json else bench.format_table(result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from partsdesk.domain.permissions import ROLES

    parser = argparse.ArgumentParser(
        prog="partsdesk",
        description="PartsDesk: point of sale and workshop for an auto-parts shop. "
                    "Without a subcommand, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"PartsDesk {__version__}")
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES),
                        help="messages and printed documents in this language (default: the shop's)")
    _db_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", help="build a realistic demo shop (refuses to overwrite a real shop)")
    _db_option(p)
    p.add_argument("--parts", type=int, default=5000, help="how many parts (default 5000)")
    p.add_argument("--seed", type=int, default=1, help="random seed, for a repeatable shop (default 1)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("check", help="check integrity: database, foreign keys, audit chain, stock ledger")
    _db_option(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", help="write a verified backup of the shop database")
    _db_option(p)
    p.add_argument("--to", metavar="FOLDER", help="folder for the backup (default: beside the database)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace the shop database with a backup (the old file is kept)")
    _db_option(p)
    p.add_argument("file", help="backup file to restore")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("import", help="import parts from CSV or XLSX")
    _db_option(p)
    p.add_argument("what", choices=["parts"], help="what to import")
    p.add_argument("file", help="CSV (UTF-8, UTF-8 with BOM, or GBK) or XLSX file")
    p.add_argument("--mapping", metavar="FILE", help="JSON file mapping our column names to the file's headers")
    p.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    p.add_argument("--skip-invalid", action="store_true", help="write the valid rows, report the others")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="export parts to CSV (safe to open in a spreadsheet)")
    _db_option(p)
    p.add_argument("what", choices=["parts"], help="what to export")
    p.add_argument("file", help="CSV file to write")
    p.add_argument("--include-inactive", action="store_true", help="export inactive parts too")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("user", help="add, list, change or disable users")
    _db_option(p)
    user_sub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    u = user_sub.add_parser("list", help="list users")
    _db_option(u)
    u = user_sub.add_parser("add", help="add a user")
    _db_option(u)
    u.add_argument("username")
    u.add_argument("--name", help="name shown on screen")
    u.add_argument("--role", choices=ROLES, required=True)
    u.add_argument("--pin", help="PIN (4 to 8 digits; '-' reads it from standard input; asked if missing)")
    u.add_argument("--password", help="password (managers and admins; '-' reads it from standard input)")
    u = user_sub.add_parser("passwd", help="set a user's PIN and/or password (clears a lock-out)")
    _db_option(u)
    u.add_argument("username")
    u.add_argument("--pin")
    u.add_argument("--password")
    for action in ("disable", "enable"):
        u = user_sub.add_parser(action, help=f"{action} a user")
        _db_option(u)
        u.add_argument("username")
        u.add_argument("--reason", default="", help="why (goes into the audit log)")
    p.set_defaults(func=cmd_user)

    p = sub.add_parser("print", help="print a document to PDF (a statement, an invoice, a receipt, a credit note, "
                                     "a quote, a pick list, a Z report, or a repair order's estimate, check-in "
                                     "sheet, job card, pick list or delivery note)")
    _db_option(p)
    print_sub = p.add_subparsers(dest="print_command", metavar="DOCUMENT", required=True)
    d = print_sub.add_parser("statement", help="a customer's statement of account: open items with ageing")
    _db_option(d)
    d.add_argument("customer", metavar="CUSTOMER", help="record number (12 or #12) or member card number")
    d.add_argument("--out", metavar="FILE.pdf", required=True, help="PDF file to write")
    d.add_argument("--as-of", metavar="YYYY-MM-DD", help="the statement's date (default: today)")
    for document, layout in (("invoice", "an A4 invoice"), ("receipt", "this PC's receipt roll (80 or 58 mm)")):
        d = print_sub.add_parser(
            document, help=f"a committed sale as {layout}",
            description=f"Print a committed sale as {layout}. The word you type chooses the paper; any invoice "
                        "or receipt number prints on either (an INV- number printed as a receipt keeps the title "
                        "Invoice, and an RC- number printed as an invoice the title Receipt).")
        _db_option(d)
        d.add_argument("number", metavar="NUMBER", help="the invoice or receipt number, e.g. INV-000042 or RC-000042")
        d.add_argument("--out", metavar="FILE.pdf", required=True, help="PDF file to write")
        d.add_argument("--copy", action="store_true", help="mark the document COPY (a reprint)")
    d = print_sub.add_parser("creditnote", help="a return's credit note on A4",
                             description="Print the credit note of a return on A4: the sale it credits, the "
                                         "reason, the lines taken back, the total refunded and the refunds.")
    _db_option(d)
    d.add_argument("number", metavar="NUMBER", help="the credit note's number, e.g. CN-000042")
    d.add_argument("--out", metavar="FILE.pdf", required=True, help="PDF file to write")
    d.add_argument("--copy", action="store_true", help="mark the document COPY (a reprint)")
    d = print_sub.add_parser("quote", help="a quote on A4",
                             description="Print a quote on A4: the customer and vehicle, the parts and the labour "
                                         "itemised apart, the totals, the last valid day and the number as a "
                                         "barcode.")
    _db_option(d)
    d.add_argument("number", metavar="NUMBER", help="the quote's number, e.g. QT-000042")
    d.add_argument("--out", metavar="FILE.pdf", required=True, help="PDF file to write")
    d.add_argument("--copy", action="store_true", help="mark the document COPY (a reprint)")
    d = print_sub.add_parser("picklist", help="a phone or trade order's pick list on A4",
                             description="Print the pick list of a phone or trade order on A4: its lines sorted "
                                         "by bin with what the shelves hold now (short lines flagged), and the "
                                         "order's number as a barcode.")
    _db_option(d)
    d.add_argument("number", metavar="NUMBER", help="the order's number, e.g. SO-000042")
    d.add_argument("--out", metavar="FILE.pdf", required=True, help="PDF file to write")
    d = print_sub.add_parser("scanner-test", help="the scanner test sheet (A4) for File > Scanner set-up…",
                             description="Print the barcodes the scanner set-up asks for (digits, letters, dashes "
                                         "and dots, an EAN-13) on one A4 page. Needs no shop database.")
    d.add_argument("--out", metavar="FILE.pdf", required=True, help="PDF file to write")
    d = print_sub.add_parser("zreport", help="a closed day's Z report (receipt roll, or A4)",
                             description="Print a terminal's closed day (its Z report) exactly as it was closed: "
                                         "sales and refunds by payment method, payments on account, the cash "
                                         "drawer with expected and counted cash, discounts and voids per cashier, "
                                         "the documents, tax by rate, and the anomalies flagged.")
    _db_option(d)
    d.add_argument("number", metavar="NUMBER", help="the Z report's number, e.g. Z-000001")
    d.add_argument("--out", metavar="FILE.pdf", required=True, help="PDF file to write")
    d.add_argument("--a4", action="store_true", help="on A4 (default: this PC's receipt roll)")
    d.add_argument("--copy", action="store_true", help="mark the report COPY (a reprint)")
    for document, name, what in (
            ("estimate", "estimate", "its lines by section with each line's authorization and the totals"),
            ("checkin", "check-in sheet", "the checklist, the damage marks on the car outline, the fuel level"),
            ("jobcard", "job card", "the jobs, the parts with their bins, the quality checklist, no prices"),
            ("ro-picklist", "pick list", "its authorized parts still to issue, by bin"),
            ("delivery", "delivery note", "the work done, the lines with their warranty terms, the odometer out")):
        d = print_sub.add_parser(document, help=f"a repair order's {name} on A4",
                                 description=f"Print a repair order's {name} on A4 ({what}), its number as a "
                                             "barcode.")
        _db_option(d)
        d.add_argument("number", metavar="NUMBER", help="the repair order's number, e.g. RO-000042")
        d.add_argument("--out", metavar="FILE.pdf", required=True, help="PDF file to write")
    p.set_defaults(func=cmd_print)

    p = sub.add_parser("labels", help="print barcode labels for parts to PDF (A4 label sheets or roll labels)",
                       description="Print shelf labels: each part's name, number, brand, bin, retail price and "
                                   "barcode (EAN-13 for a GTIN, else Code 128 of its shop code or part number).")
    _db_option(p)
    p.add_argument("--parts", metavar="NUMBER[:QTY][,NUMBER[:QTY]...]",
                   help="part numbers with how many labels each (default 1); NUMBER@BRAND when two brands share a "
                        "number, e.g. 0986494104:3,W712/75@MANN-FILTER:2")
    p.add_argument("--receipt", metavar="GR-NUMBER",
                   help="instead of --parts: labels for the goods accepted on a goods receipt, e.g. GR-000001 (one "
                        "per piece, set or pair accepted, rounded up; one per line for parts sold by measure; none "
                        "for goods rejected to quarantine)")
    p.add_argument("--count", metavar="CNT-NUMBER",
                   help="instead of --parts: one shelf label per part counted in a posted stock count, e.g. "
                        "CNT-000001 (not its counted quantities; parts nobody counted get none)")
    p.add_argument("--layout", metavar="NAME", help="label layout (see --list-layouts), e.g. a4-3x8 or roll-50x30 "
                                                    "(default: this PC's, setting labels.layout)")
    p.add_argument("--start", type=int, default=1, metavar="N",
                   help="on a part-used sheet, the position of the first free label (1 = top left, counting "
                        "along the rows; default 1)")
    p.add_argument("--grid", metavar="COLSxROWS", help="layout a4-custom: columns and rows of labels, e.g. 3x7")
    p.add_argument("--margins", metavar="TOP,RIGHT,BOTTOM,LEFT", help="layout a4-custom: the sheet's margins in mm")
    p.add_argument("--gaps", metavar="ACROSS,DOWN", help="layout a4-custom: gaps between labels in mm (default 0,0)")
    p.add_argument("--size", metavar="WIDTHxHEIGHT", help="layout roll-custom: the label's size in mm, e.g. 60x40")
    p.add_argument("--outline", action="store_true", help="draw each label's edge (a test print on plain paper)")
    p.add_argument("--out", metavar="FILE.pdf", help="PDF file to write")
    p.add_argument("--list-layouts", action="store_true", help="list the label layouts and exit")
    p.set_defaults(func=cmd_labels)

    p = sub.add_parser("bench", help="measure search, start-up, memory and import on generated data")
    p.add_argument("--parts", type=int, default=200_000, help="catalogue size (default 200000)")
    p.add_argument("--customers", type=int, help="customers in the shop (default 200000)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--workdir", help="where generated shops are cached (default: the user data folder)")
    p.add_argument("--rebuild", action="store_true", help="generate the shop again even if cached")
    p.add_argument("--only", action="append", metavar="METRIC[,METRIC]",
                   help="measure only these metrics, e.g. search.vehicle or search.words,import.rows_per_s")
    p.set_defaults(func=cmd_bench)
    return parser


def _merge_db(args: argparse.Namespace, argv: list[str]) -> None:
    """``--db`` may stand before or after the subcommand; the subparser's default must not
    overwrite a value given before it."""
    if getattr(args, "db", None) is None:
        for i, word in enumerate(argv):
            if word == "--db" and i + 1 < len(argv):
                args.db = argv[i + 1]
            elif word.startswith("--db="):
                args.db = word.split("=", 1)[1]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    _merge_db(args, argv)
    if args.lang:
        i18n.set_language(args.lang)
    try:
        if args.command is None:
            from partsdesk.app import run_gui

            return run_gui(args.db)
        return args.func(args)
    except UserError as error:
        print(f"partsdesk: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("partsdesk: " + _("interrupted; nothing half-done was kept."), file=sys.stderr)
        return 130
    except Exception as error:  # the last line of defence: never a traceback for the user
        if os.environ.get("PARTSDESK_DEBUG"):
            raise
        print("partsdesk: " + _("unexpected error: {kind}: {error}. "
                                "Run again with PARTSDESK_DEBUG=1 for details, and tell support.").format(
            kind=type(error).__name__, error=error), file=sys.stderr)
        return 2
