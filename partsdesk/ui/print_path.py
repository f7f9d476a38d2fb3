"""The printing path of committed documents: print, preview, save as PDF, reprint marked COPY.

``print_document`` makes the document's PDF on the worker (the same PDF the services' readers
and ``partsdesk print`` write), then on the GUI thread:

- ``mode="print"``: renders the PDF's pages (Qt PDF) onto the printer set on this PC for that
  kind of document (terminal settings ``printer.receipt`` and ``printer.a4``; empty means the
  system's default printer), each page scaled to the paper;
- ``mode="preview"``: a print preview of those pages (its Print button prints them);
- ``mode="pdf"``: asks where to save and writes the PDF as is.

The document is committed before anything is printed, so printing can only fail *after* the
sale: a missing printer, a printer named in the settings that the system does not know, a
printer that refuses to start. Then the caller is told in words what went wrong, that the sale
is saved, and that Ctrl+P on the Counter tab reprints it. Nothing here raises for that, and
nothing here writes to the database.

``printer_for(kind)`` chooses the printer; tests replace it with a PDF printer (offscreen there
is no printer at all).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TR_NOOP,
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QMarginsF,
    QRectF,
    QSizeF,
    QStandardPaths,
    Qt,
)
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QWidget

from partsdesk.domain.errors import UserError
from partsdesk.printing.cash_up import write_roll as write_cash_up
from partsdesk.printing.pick_list import write_pick_list
from partsdesk.printing.quote import write_quote
from partsdesk.printing.sale_documents import write_invoice, write_receipt
from partsdesk.printing.workshop import write_workshop_document
from partsdesk.services import settings
from partsdesk.services.cashup import z_report
from partsdesk.services.orders import pick_list_document
from partsdesk.services.quotes import quote_document
from partsdesk.services.sale_documents import sale_document
from partsdesk.services.workshop_documents import DOCUMENT_KINDS as WORKSHOP_KINDS
from partsdesk.ui import tasks
from partsdesk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

MODES = ("print", "preview", "pdf")
PRINTER_SETTING = {"receipt": "printer.receipt", "invoice": "printer.a4", "picklist": "printer.a4",
                   "quote": "printer.a4", "zreport": "printer.receipt", "label": "printer.label",
                   "labelsheet": "printer.a4", **dict.fromkeys(WORKSHOP_KINDS, "printer.a4")}  # kind -> setting
# each kind as a sentence names it; translated where shown: tr()
KIND_WORDS = {"receipt": QT_TR_NOOP("receipt"), "invoice": QT_TR_NOOP("invoice"), "picklist": QT_TR_NOOP("pick list"),
              "quote": QT_TR_NOOP("quote"), "zreport": QT_TR_NOOP("Z report"), "label": QT_TR_NOOP("roll label"),
              "labelsheet": QT_TR_NOOP("label sheet"), "estimate": QT_TR_NOOP("estimate"),
              "checkin": QT_TR_NOOP("check-in sheet"), "jobcard": QT_TR_NOOP("job card"),
              "ro-picklist": QT_TR_NOOP("pick list"), "delivery": QT_TR_NOOP("delivery note")}
MAX_DPI = 300  # pages are rendered at the printer's resolution, at most this (a thermal head is 203 dpi)
# Every committed document is reprinted by its number with Ctrl+P on the Counter tab.
REPRINT_HINTS = {"receipt": QT_TR_NOOP("The sale is saved"), "invoice": QT_TR_NOOP("The sale is saved"),
                 "picklist": QT_TR_NOOP("The order is saved"), "quote": QT_TR_NOOP("The quote is saved"),
                 "zreport": QT_TR_NOOP("The day is closed and its Z report saved")}
REPRINT_HOW = QT_TR_NOOP("; press Ctrl+P on the Counter tab to print it again.")
WORKSHOP_REPRINT = QT_TR_NOOP("The repair order is saved; press Ctrl+P in the order's window to print it again.")


def reprint_hint(kind: str) -> str:
    if kind in WORKSHOP_KINDS:
        return tr(WORKSHOP_REPRINT)
    return tr(REPRINT_HINTS.get(kind, QT_TR_NOOP("The document is saved"))) + tr(REPRINT_HOW)

def tr(text: str) -> str:
    return QCoreApplication.translate("PrintPath", text)


class PrinterError(Exception):
    """The printer could not take the document; the text says why, in words."""


@dataclass(frozen=True)
class PrintOutcome:
    """What became of one ``print_document`` call (handed to ``on_done`` on the GUI thread).
    ``ok`` False with an empty ``message``: the user cancelled (the save dialog); ``path``: the
    PDF written (mode "pdf"); ``pages``: pages printed or previewed; ``preview``: the preview
    dialog, open (mode "preview")."""

    number: str
    kind: str
    mode: str
    copy: bool
    ok: bool
    message: str = ""
    path: str = ""
    pages: int = 0
    preview: Any = None


# --- on the worker ------------------------------------------------------------------------------

def receipt_roll(settings_file: Path | None = None) -> int:
    """This PC's receipt roll: 80 or 58 mm wide (setting printer.receipt_width)."""
    return int(settings.terminal("printer.receipt_width", settings_file))


def label_layout(settings_file: Path | None = None) -> str:
    """The label layout this PC prints on first (setting labels.layout)."""
    return str(settings.terminal("labels.layout", settings_file))


def _sale_pdf(number: str, kind: str, copy: bool, out: BytesIO) -> None:
    if kind == "invoice":
        write_invoice(sale_document(number, copy=copy), out, copy=copy)
    else:
        write_receipt(sale_document(number, copy=copy), out, copy=copy, roll_mm=receipt_roll())


# kind -> how its PDF is written (number, kind, copy, out)
WRITERS = {
    "receipt": _sale_pdf,
    "invoice": _sale_pdf,
    "picklist": lambda number, _kind, _copy, out: write_pick_list(pick_list_document(number), out),
    "quote": lambda number, _kind, copy, out: write_quote(quote_document(number, copy=copy), out, copy=copy),
    "zreport": lambda number, _kind, copy, out: write_cash_up(z_report(number), out, copy=copy,  # as stored
                                                              roll_mm=receipt_roll()),
    **{kind: (lambda number, kind, _copy, out: write_workshop_document(kind, number, out)) for kind in WORKSHOP_KINDS},
}


def document_pdf(number: str, kind: str, copy: bool = False) -> bytes:
    """On the worker: the PDF of document ``number`` of ``kind`` (WRITERS): a receipt on this PC's
    roll, an invoice, a quote or a pick list on A4, a closed day's Z report as stored on the roll;
    marked COPY when ``copy`` (a pick list has no copies). Raises ``UserError`` (no such document,
    or the PDF could not be made), never anything else."""
    try:
        out = BytesIO()
        WRITERS[kind](number, kind, copy, out)
        return out.getvalue()
    except UserError:
        raise
    except Exception as error:  # a bug in a layout must not look like a lost sale
        log.error("could not make the PDF of %s", number, exc_info=error)
        raise UserError(tr("The {kind} {number} could not be made ready to print ({error}). {hint}").format(
            kind=tr(KIND_WORDS.get(kind, kind)), number=number, error=f"{type(error).__name__}: {error}",
            hint=reprint_hint(kind))) from error


# --- this PC's printers -----------------------------------------------------------------------

def printer_name(kind: str, settings_file: Path | None = None) -> str:
    """The printer set on this PC for ``kind`` ("receipt" or "invoice"); "" means the default."""
    return str(settings.terminal(PRINTER_SETTING.get(kind, "printer.a4"), settings_file))


def printer_for(kind: str) -> QPrinter:
    """The printer for ``kind`` as this PC's settings say. Raises ``PrinterError`` when there is
    no such printer (or no printer at all). Tests replace this with a PDF printer."""
    name = printer_name(kind)
    setting = PRINTER_SETTING.get(kind, "printer.a4")
    if name:
        info = QPrinterInfo.printerInfo(name)
        if info.isNull():
            known = QPrinterInfo.availablePrinterNames()
            listed = (tr("Printers on this PC: {names}.").format(names=", ".join(known)) if known
                      else tr("No printer is installed on this PC."))
            raise PrinterError(tr("The printer \u201c{name}\u201d set for {kind}s on this PC ({setting}) was not "
                                   "found. {listed}").format(name=name, kind=tr(KIND_WORDS.get(kind, kind)),
                                                             setting=setting, listed=listed))
    else:
        info = QPrinterInfo.defaultPrinter()
        if info.isNull():
            if not QPrinterInfo.availablePrinterNames():
                raise PrinterError(tr("No printer is installed on this PC."))
            raise PrinterError(tr("No printer is set for {kind}s on this PC ({setting}) and the system has no "
                                   "default printer.").format(kind=tr(KIND_WORDS.get(kind, kind)), setting=setting))
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


# --- rendering ------------------------------------------------------------------------------------

class _Pages:
    """A PDF held by Qt PDF, its pages rendered to images on demand."""

    def __init__(self, pdf: bytes) -> None:
        try:
            from PySide6.QtPdf import QPdfDocument
        except ImportError as error:  # PySide6-Addons missing
            raise PrinterError(tr("Qt PDF (PySide6-Addons) is not installed, so documents cannot be printed or "
                                   "previewed; save them as PDF instead.")) from error
        self._buffer = QBuffer()
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self._buffer)
        if self.document.status() != QPdfDocument.Status.Ready or self.document.pageCount() < 1:
            raise PrinterError(tr("The document could not be read for printing ({error}).").format(
                error=self.document.error().name))

    @property
    def count(self) -> int:
        return self.document.pageCount()

    def size(self, page: int) -> QSizeF:
        """The page's size in points."""
        return self.document.pagePointSize(page)

    def image(self, page: int, dpi: float) -> QImage:
        size = self.size(page)
        image = self.document.render(page, QSizeF(size.width() * dpi / 72, size.height() * dpi / 72).toSize())
        if image.isNull():
            raise PrinterError(tr("Page {page} could not be drawn.").format(page=page + 1))
        return image


def _fit_paper(printer: QPrinter, size_pt: QSizeF) -> None:
    """Paper of the document's size (an 80 mm roll as long as the receipt, or A4), no margins:
    the PDF carries its own."""
    page_size = QPageSize(size_pt, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(page_size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
                                      QPageLayout.Unit.Point))


def _paint(pages: _Pages, printer: QPrinter) -> int:
    """Draw every page onto ``printer``, each scaled to the paper (keeping its shape, centred
    across, from the top). Returns the number of pages. Raises ``PrinterError``."""
    _fit_paper(printer, pages.size(0))
    painter = QPainter()
    if not painter.begin(printer):
        name = printer.printerName()
        raise PrinterError(tr("The printer {name} could not be started (is it switched on, connected and "
                               "ready?).").format(name=f"\u201c{name}\u201d" if name else ""))
    try:
        dpi = min(max(printer.resolution(), 72), MAX_DPI)
        for page in range(pages.count):
            if page and not printer.newPage():
                raise PrinterError(tr("The printer stopped after page {page}.").format(page=page))
            area = QRectF(painter.viewport())
            size = pages.size(page)
            scale = min(area.width() / size.width(), area.height() / size.height())
            target = QRectF(area.x() + (area.width() - size.width() * scale) / 2, area.y(),
                            size.width() * scale, size.height() * scale)
            painter.fillRect(target, QColor("white"))
            painter.drawImage(target, pages.image(page, dpi))
    finally:
        if not painter.end():
            raise PrinterError(tr("The printer did not finish the job."))
    return pages.count


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print the PDF ``pdf`` on ``printer`` (GUI thread). Returns the pages printed; raises
    ``PrinterError``."""
    return _paint(_Pages(pdf), printer)


def _fallback_printer() -> QPrinter:
    return QPrinter(QPrinter.PrinterMode.HighResolution)


def preview_pdf(parent: QWidget | None, pdf: bytes, printer: QPrinter | None, *, title: str,
                hint: str = "") -> QPrintPreviewDialog:
    """A window-modal print preview of ``pdf`` over ``parent``, shown and returned; its Print
    button prints on ``printer`` (or the system's choice); a printer problem there is shown with
    ``hint`` (how to print the document again). Raises ``PrinterError`` when the PDF cannot be read."""
    pages = _Pages(pdf)
    printer = printer or _fallback_printer()
    _fit_paper(printer, pages.size(0))
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog._pages = pages  # kept alive with the dialog
    dialog._printer = printer

    def paint(target: QPrinter) -> None:
        try:
            _paint(pages, target)
        except PrinterError as error:
            tasks.show_user_error(dialog, UserError(f"{error} {hint}".strip()))

    dialog.paintRequested.connect(paint)
    dialog.finished.connect(lambda _result: dialog.deleteLater())
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.resize(720, 900)
    dialog.show()
    return dialog


def _documents_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder else Path.home()


# --- the path ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportOutput:
    """What became of a report's PDF (``output_report``): the line to show (``error`` when it
    failed), the open preview dialog, the pages printed, the file written."""

    message: str
    error: bool = False
    preview: Any = None
    pages: int = 0
    path: str = ""


def output_report(parent: QWidget, pdf: bytes, mode: str, path: str, *, title: str, what: str,
                  hint: str) -> ReportOutput:
    """A report's PDF (made on the worker) previewed (``mode`` "preview"), printed on this PC's A4
    printer ("print") or written to ``path`` (else) — the stock and workshop reports share it.
    ``what`` names the report in the message ("stock report"); ``hint`` says how to print it again."""
    try:
        if mode == "preview":
            try:
                printer = printer_for("invoice")
            except PrinterError:
                printer = None  # a preview needs no printer; its Print button asks the system
            return ReportOutput("", preview=preview_pdf(parent, pdf, printer, title=title, hint=hint))
        if mode == "print":
            pages = print_pdf(pdf, printer_for("invoice"))
            return ReportOutput(tr("The {what} was printed ({pages} pages).").format(what=what, pages=pages),
                                pages=pages)
        try:
            Path(path).write_bytes(pdf)
        except OSError as error:
            return ReportOutput(tr("The {what} was not saved to {path}: {error}.").format(
                what=what, path=path, error=error.strerror or error), error=True)
        return ReportOutput(tr("The {what} was saved to {path}.").format(what=what, path=path), path=path)
    except PrinterError as error:
        return ReportOutput(tr("The {what} was not printed: {error}").format(what=what, error=error), error=True)


def print_document(parent: QWidget, runner: TaskRunner, *, number: str, kind: str, copy: bool = False, mode: str,
                   on_done: Callable[[PrintOutcome], None] | None = None) -> None:
    """Print, preview or save as PDF (``mode``) the committed invoice or receipt ``number``
    (``kind`` "receipt" or "invoice"), marked COPY when ``copy``. The PDF is made on the worker;
    the printer, the preview and the save dialog are on the GUI thread. ``on_done(outcome)``
    follows on the GUI thread; without it a failure is shown in a message box over ``parent``.
    Never raises for a printer or a document problem: the outcome's message says what went
    wrong and that the sale is saved and can be reprinted (Ctrl+P)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    word = tr(KIND_WORDS.get(kind, kind))
    hint = reprint_hint(kind)

    def finish(outcome: PrintOutcome) -> None:
        if on_done is not None:
            on_done(outcome)
        elif not outcome.ok and outcome.message:
            tasks.show_user_error(parent, UserError(outcome.message))

    def failed(what: str) -> None:
        finish(PrintOutcome(number, kind, mode, copy, False, what))

    def made(pdf: bytes) -> None:
        try:
            if mode == "print":
                try:
                    printer = printer_for(kind)
                    pages = print_pdf(pdf, printer)
                except PrinterError as error:
                    failed(tr("The {kind} {number} was not printed: {error} {hint}").format(
                        kind=word, number=number, error=error, hint=hint))
                    return
                finish(PrintOutcome(number, kind, mode, copy, True, pages=pages))
            elif mode == "preview":
                try:
                    printer = printer_for(kind)
                except PrinterError:
                    printer = None  # a preview needs no printer; its Print button asks the system
                try:
                    dialog = preview_pdf(parent, pdf, printer, title=tr("Preview of {kind} {number}").format(
                        kind=word, number=number), hint=hint)
                except PrinterError as error:
                    failed(tr("The {kind} {number} cannot be previewed: {error} {hint}").format(
                        kind=word, number=number, error=error, hint=hint))
                    return
                finish(PrintOutcome(number, kind, mode, copy, True, pages=dialog._pages.count, preview=dialog))
            else:
                suggested = str(_documents_folder() / f"{number}{'-COPY' if copy else ''}.pdf")
                path, _filter = QFileDialog.getSaveFileName(parent, tr("Save {kind} {number} as PDF").format(
                    kind=word, number=number), suggested, tr("PDF files (*.pdf)"))
                if not path:
                    finish(PrintOutcome(number, kind, mode, copy, False))
                    return
                if not path.lower().endswith(".pdf"):
                    path += ".pdf"
                try:
                    Path(path).write_bytes(pdf)
                except OSError as error:
                    failed(tr("The {kind} {number} was not saved to {path}: {error}. {hint}").format(
                        kind=word, number=number, path=path, error=error.strerror or error, hint=hint))
                    return
                finish(PrintOutcome(number, kind, mode, copy, True, path=path))
        except Exception as error:  # never lose the sale's print to a surprise: say it, log it
            log.error("printing %s failed", number, exc_info=error)
            failed(tr("The {kind} {number} was not printed ({error}). {hint}").format(
                kind=word, number=number, error=f"{type(error).__name__}: {error}", hint=hint))

    runner.submit(document_pdf, number, kind, copy, owner=parent, name="print_document", on_done=made,
                  on_error=lambda error: failed(str(error)))


__all__ = ["MODES", "PRINTER_SETTING", "PrintOutcome", "PrinterError", "document_pdf", "preview_pdf", "print_document",
           "print_pdf", "printer_for", "printer_name"]
