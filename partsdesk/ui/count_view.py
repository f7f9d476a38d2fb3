"""The count view: stock counts started, scanned at speed, finished, reviewed and posted.

A standalone widget the Stock tab hosts. Three pages:

* **Counts** — the open, finished and posted counts, newest first. Ctrl+N starts one (scope:
  everything, today's cycle list — the dialog says how many parts are due before it starts —,
  bins, categories, ABC class or chosen parts; blind by default); Enter counts the
  selected one (a finished count too: only the parts sent for a recount take scans); F9 reviews
  it; Ctrl+P prints its count sheet (Ctrl+Shift+P previews). Scanning a count sheet's CNT number
  here opens that count.
* **Scanning** — each scan counts one (``N*`` typed before a scan counts N, for packs); F4
  types the counted total of the selected line; Ctrl+Z takes back this counter's last scan; F2
  counts a part found by search; an unknown barcode becomes an "unknown" line that F6 links to a
  part in one step (or it stays unknown, for the review). Every scan flashes the status line
  and its row and plays its own tone: green +1, blue a new line, red unknown, orange a
  suspected double scan. On a blind count the book quantity is never shown here (nor in the
  part search). F10 finishes the count: what becomes of the parts in scope nobody counted
  (leave, or count as zero) is asked with their number and value.
* **Review** (stock.count_approve sees a blind count's book) — variance by quantity and value,
  lines out of their class's tolerance highlighted; F7 asks a recount of the selected lines (or
  of every line out of tolerance when none is selected); F10 approves and posts on the worker
  with a busy bar, then lists what sold while the count ran (it stays sold); Ctrl+P prints the
  variance report.

Scans come from the application's ``ScannerFilter`` while the view is shown. Scans, typed
totals, undos and links go into one queue and run on the worker one at a time, in the order
they were made: none is dropped, merged or split, and Ctrl+Z undoes the scan before it even
while scans still wait. Sounds are short tones in ``partsdesk/resources/sounds`` (written by
``write_sounds``) played with Qt Multimedia; without it (no audio library, offscreen) the view
works silently.
"""

from __future__ import annotations

import logging
import math
import struct
import wave
from collections import deque
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TR_NOOP, QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.money import CURRENCIES, format_money, format_quantity, parse_quantity
from partsdesk.domain.permissions import Actor
from partsdesk.domain.scanning import read_entry
from partsdesk.printing.count_sheet import write_count_sheet, write_variance_report
from partsdesk.services import abc, counts, search, settings
from partsdesk.services.clock import shop_today
from partsdesk.services.counts import ADDED, DOUBLE, NEW_LINE, UNKNOWN, CountScope, CountSummary
from partsdesk.services.search import PartRow
from partsdesk.ui import print_path, stepup
from partsdesk.ui.forms import (
    ERROR_COLOR,
    FORM_STYLE,
    FieldErrors,
    error_label,
    key_button,
    open_over,
    set_note,
)
from partsdesk.ui.scanner import ScannerFilter
from partsdesk.ui.search_dialog import SearchDialog
from partsdesk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

ONE = 1_000  # one unit, in thousandths
SOUNDS_DIR = Path(__file__).resolve().parent.parent / "resources" / "sounds"
SOUND_RATE = 16_000
# Each outcome's tone: (frequency Hz, ms) notes, 0 Hz a pause. Told apart by ear without looking:
# a short high blip (+1), a rising pair (new line), a low buzz (unknown), a double beep (double scan).
TONES: dict[str, tuple[tuple[int, int], ...]] = {
    ADDED: ((1760, 60),),
    NEW_LINE: ((880, 60), (1320, 80)),
    UNKNOWN: ((196, 260),),
    DOUBLE: ((988, 70), (0, 50), (988, 70)),
}
FLASH = {ADDED: "#b9e4bc", NEW_LINE: "#b3d4f5", UNKNOWN: "#f7b9b9", DOUBLE: "#ffcc80"}  # green, blue, red, orange
FLASH_MS = 600
OUT_OF_TOLERANCE = "#fdecee"
NOT_COUNTED_SHOWN = 2_000  # a bins or chosen-parts count lists its uncounted parts up to this many
STATUS_LABELS = {"open": QT_TR_NOOP("Open"), "finished": QT_TR_NOOP("Finished, to review"), "posted": QT_TR_NOOP("Posted"),
                 "cancelled": QT_TR_NOOP("Cancelled")}
VARIANCE_STATES = {"counted": QT_TR_NOOP("counted"), "zeroed": QT_TR_NOOP("not counted: zero"),
                   "recount": QT_TR_NOOP("RECOUNT asked"), "recounted": QT_TR_NOOP("recounted")}


# --- sounds -----------------------------------------------------------------------------------------

def tone_wav(notes: tuple[tuple[int, int], ...], *, rate: int = SOUND_RATE) -> bytes:
    """A mono 16-bit WAV of ``notes`` (Hz, ms), each note faded in and out (no click)."""
    samples: list[int] = []
    for frequency, ms in notes:
        count = rate * ms // 1000
        fade = max(1, min(count // 4, rate * 8 // 1000))
        for i in range(count):
            envelope = min(1.0, i / fade, (count - 1 - i) / fade)
            value = math.sin(2 * math.pi * frequency * i / rate) if frequency else 0.0
            samples.append(int(0.45 * 32767 * envelope * value))
    out = BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return out.getvalue()


def sound_path(outcome: str, folder: Path = SOUNDS_DIR) -> Path:
    return folder / f"count-{outcome.replace('_', '-')}.wav"


def write_sounds(folder: Path = SOUNDS_DIR) -> list[Path]:
    """Write the count view's tones as WAV files into ``folder`` (the shipped ones are made so)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for outcome, notes in TONES.items():
        path = sound_path(outcome, folder)
        path.write_bytes(tone_wav(notes))
        written.append(path)
    return written


class ScanSounds:
    """One short tone per scan outcome. ``available`` is False where Qt Multimedia cannot load
    (no audio library: the view stays silent); ``played`` keeps what was asked, for tests."""

    def __init__(self, parent: QObject, folder: Path = SOUNDS_DIR) -> None:
        self.effects: dict[str, Any] = {}
        self.played: list[str] = []
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError as error:  # e.g. libpulse missing: counting goes on without sound
            log.info("count view: no sound (%s)", error)
            return
        for outcome in TONES:
            path = sound_path(outcome, folder)
            if path.exists():
                effect = QSoundEffect(parent)
                effect.setSource(QUrl.fromLocalFile(str(path)))
                effect.setVolume(0.8)
                self.effects[outcome] = effect

    @property
    def available(self) -> bool:
        return bool(self.effects)

    def play(self, outcome: str) -> None:
        self.played.append(outcome)
        effect = self.effects.get(outcome)
        if effect is not None:
            effect.play()


# --- work on the worker -------------------------------------------------------------------------------

@dataclass
class CountLoad:
    """What the scanning page shows when a count is opened."""

    summary: CountSummary
    lines: list[counts.CounterLine]
    unknown: list[counts.UnknownCode]
    not_counted: list[counts.SheetLine]  # bins and chosen parts: the parts in scope not counted yet


def load_sessions(actor: Actor) -> list[CountSummary]:
    return counts.list_sessions(actor, statuses=("open", "finished", "posted"), limit=200)


def load_count(actor: Actor, number: str) -> CountLoad:
    summary = counts.session_summary(actor, number)
    lines = counts.counter_lines(actor, number, limit=5_000)
    unknown = counts.unknown_codes(actor, number)
    not_counted: list[counts.SheetLine] = []
    if summary.scope.kind in ("bins", "parts") and summary.status == "open":
        counted = {line.part_id for line in lines}
        sheet = counts.count_sheet(actor, number, with_book=False)
        not_counted = [line for line in sheet.lines if line.part_id not in counted][:NOT_COUNTED_SHOWN]
    return CountLoad(summary, lines, unknown, not_counted)


@dataclass(frozen=True)
class CycleDue:
    """Today's cycle list as the start dialog announces it: the day, and its parts per class."""

    day: date
    by_class: dict[str, int]

    @property
    def parts(self) -> int:
        return sum(self.by_class.values())


def load_cycle_due(actor: Actor) -> CycleDue:
    """On the worker: the parts due for their cycle count today, per class — the same list
    (``services.abc``, at most ``counts.SCOPE_VALUES_MAX``) that ``counts.start_session`` fixes
    as the count's parts when it starts."""
    day = shop_today()
    by_class: dict[str, int] = {}
    for item in abc.cycle_count_list(actor, day, limit=counts.SCOPE_VALUES_MAX):
        by_class[item.abc_class] = by_class.get(item.abc_class, 0) + 1
    return CycleDue(day, by_class)


def count_sheet_pdf(actor: Actor, number: str) -> bytes:
    out = BytesIO()
    write_count_sheet(counts.count_sheet(actor, number), out)
    return out.getvalue()


def variance_report_pdf(actor: Actor, number: str) -> bytes:
    out = BytesIO()
    write_variance_report(counts.review(actor, number), out)
    return out.getvalue()


def exponent() -> int:
    return CURRENCIES.get(settings.get("shop.currency"), (2, ""))[0]


# --- dialogs ------------------------------------------------------------------------------------------

class CountPartDialog(SearchDialog):
    """The catalogue search for counting: no stock column (a blind count shows no book).
    ``picked(PartRow)``, then the dialog closes."""

    picked = Signal(object)

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None, *, title: str = "") -> None:
        super().__init__(runner, [self.tr("Part number"), self.tr("Brand"), self.tr("Description"), self.tr("Bin")],
                         parent)
        self.setWindowTitle(title or self.tr("Count a part (F2)"))
        self.box.setPlaceholderText(self.tr("Part number, barcode, words or vehicle"))
        self.resize(680, 400)

    def _search(self, text: str) -> list[PartRow]:
        return search.search_parts(text, limit=50).rows if text.strip() else []

    def _cells(self, row: PartRow) -> list[str]:
        return [row.number, row.brand, row.name_en, row.bin]

    def _chosen(self, row: PartRow) -> None:
        self.accept()
        self.picked.emit(row)


class StartCountDialog(QDialog):
    """Ctrl+N: start a count. ``started(number)`` once the service opened it."""

    started = Signal(str)
    dialog_opened = Signal(object)

    KINDS = ("all", "cycle", "bins", "categories", "abc", "parts")
    cycle_shown = Signal(object)  # the CycleDue announced (tests wait on it)

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.dialog: Any = None
        self.parts: list[PartRow] = []
        self.cycle: CycleDue | None = None  # today's cycle list, read when the kind is first chosen
        self.setStyleSheet(FORM_STYLE)
        self.setWindowTitle(self.tr("Start a stock count (Ctrl+N)"))
        self.kind = QComboBox()
        for kind in self.KINDS:
            self.kind.addItem(self.tr(counts.SCOPE_KINDS[kind]), kind)
        self.values = QLineEdit()
        self.values_label = QLabel()
        self.cycle_label = QLabel()
        self.cycle_label.setTextFormat(Qt.TextFormat.PlainText)
        self.cycle_label.setWordWrap(True)
        self.part_list = QListWidget()
        self.part_list.setMaximumHeight(140)
        self.add_part_button = QPushButton(self.tr("F2 Add part…"))
        self.add_part_button.setAutoDefault(False)
        self.add_part_button.clicked.connect(self.add_part)
        add_key = QShortcut(QKeySequence("F2"), self)
        add_key.activated.connect(self.add_part)
        remove_key = QShortcut(QKeySequence("Del"), self.part_list)
        remove_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove_key.activated.connect(self.remove_part)
        self.blind = QCheckBox(self.tr("&Blind: counters do not see the book quantity"))
        self.blind.setChecked(True)
        self.note = QLineEdit()
        self.note.setMaxLength(counts.NOTE_MAX)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        form.addRow(self.tr("&Count"), self.kind)
        form.addRow(self.values_label, self.values)
        form.addRow("", self.cycle_label)
        form.addRow("", self.part_list)
        form.addRow("", self.add_part_button)
        form.addRow("", self.errors.add("scope", self.values))
        form.addRow("", self.blind)
        form.addRow(self.tr("&Note"), self.note)
        form.addRow("", self.errors.add("note", self.note))
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(self.tr("Start (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.setMinimumWidth(460)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.values.setVisible(kind in ("bins", "categories", "abc"))
        self.values_label.setVisible(kind in ("bins", "categories", "abc"))
        self.values_label.setText({"bins": self.tr("&Bins"), "categories": self.tr("C&ategories"),
                                   "abc": self.tr("&Classes")}.get(kind, ""))
        self.values.setPlaceholderText({"bins": self.tr("as on the shelves, comma between: A-01, A-02"),
                                        "categories": self.tr("category codes: brakes, filters.oil"),
                                        "abc": self.tr("A, B or C")}.get(kind, ""))
        self.part_list.setVisible(kind == "parts")
        self.add_part_button.setVisible(kind == "parts")
        self.cycle_label.setVisible(kind == "cycle")
        self.note.setPlaceholderText(self.tr("Cycle count of {day}").format(day=shop_today().isoformat())
                                     if kind == "cycle" else "")
        if kind == "cycle" and self.cycle is None:
            self.cycle_label.setText(self.tr("Reading today's cycle list…"))
            self.ok_button.setEnabled(False)
            self.runner.submit(load_cycle_due, self.actor, owner=self, name="count_cycle_due",
                               on_done=self._cycle_read, on_error=self._refused)
        else:
            self._enable_start()
        self.adjustSize()

    def _enable_start(self) -> None:
        """Start waits for today's cycle list to be read, and is off when no part is due."""
        if self.kind.currentData() == "cycle":
            self.ok_button.setEnabled(self.cycle is not None and self.cycle.parts > 0)
        else:
            self.ok_button.setEnabled(True)

    def _cycle_read(self, due: CycleDue) -> None:
        self.cycle = due
        if not due.parts:
            set_note(self.cycle_label, self.tr("No part is due for its cycle count today."), error=True)
        else:
            classes = ", ".join(f"{cls} {due.by_class[cls]}" for cls in sorted(due.by_class))
            text = (self.tr("1 part is due today ({classes}).") if due.parts == 1
                    else self.tr("{count} parts are due today ({classes}).")).format(
                count=f"{due.parts:,}", classes=classes)
            set_note(self.cycle_label, text + " " + self.tr("Once started, the count keeps this list."))
        self._enable_start()
        self.adjustSize()  # the wrapped line may need a row more
        self.cycle_shown.emit(due)

    def add_part(self) -> None:
        if self.kind.currentData() != "parts":
            self.kind.setCurrentIndex(self.KINDS.index("parts"))
        dialog = CountPartDialog(self.runner, self, title=self.tr("Add a part to the count (F2)"))
        dialog.picked.connect(self._part_picked)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        self.dialog_opened.emit(dialog)

    def _part_picked(self, row: PartRow) -> None:
        if any(part.id == row.id for part in self.parts):
            return
        self.parts.append(row)
        self.part_list.addItem(QListWidgetItem(f"{row.number}  {row.brand}  {row.name_en}"))

    def remove_part(self) -> None:
        index = self.part_list.currentRow()
        if 0 <= index < len(self.parts):
            self.parts.pop(index)
            self.part_list.takeItem(index)

    def scope(self) -> CountScope:
        kind = self.kind.currentData()
        if kind in ("all", "cycle"):  # today's list is fixed by the service as it starts
            return CountScope(kind)
        if kind == "parts":
            return CountScope("parts", tuple(part.id for part in self.parts))
        return CountScope(kind, tuple(v.strip() for v in self.values.text().split(",") if v.strip()))

    def save(self) -> None:
        self.errors.clear()
        self.ok_button.setEnabled(False)
        self.runner.submit(counts.start_session, self.actor, self.scope(), self.blind.isChecked(),
                           note=self.note.text(), owner=self, name="count_start", on_done=self._started,
                           on_error=self._refused)

    def _refused(self, error: UserError) -> None:
        self._enable_start()
        self.errors.show_refused(error)

    def _started(self, number: str) -> None:
        self.accept()
        self.started.emit(number)


class TotalDialog(QDialog):
    """F4: the counted total of one line, typed (a box counted by hand; 0: none there)."""

    chosen = Signal(int)

    def __init__(self, title: str, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(FORM_STYLE)
        self.setWindowTitle(self.tr("Counted total (F4): {part}").format(part=title))
        self.qty = QLineEdit()
        self.qty.setPlaceholderText(self.tr("what is on the shelf, all of it"))
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        form.addRow(self.tr("&Counted ({unit})").format(unit=unit or "pcs"), self.qty)
        form.addRow("", self.errors.add("qty", self.qty))
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("OK (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.setMinimumWidth(340)
        self.qty.setFocus()

    def save(self) -> None:
        try:
            qty = parse_quantity(self.qty.text(), field="qty", label=self.tr("Counted"))
        except ValidationError as error:
            self.errors.show(error.problems)
            return
        self.accept()
        self.chosen.emit(qty)


class FinishDialog(QDialog):
    """F10: finish the count, saying what becomes of the parts in scope nobody counted (their
    number and value shown first). ``done(UncountedPreview)`` once finished."""

    done = Signal(object)

    def __init__(self, runner: TaskRunner, actor: Actor, number: str, *, exponent: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.number = number
        self.exponent = exponent
        self.preview: counts.UncountedPreview | None = None
        self.setStyleSheet(FORM_STYLE)
        self.setWindowTitle(self.tr("Finish count {number} (F10)").format(number=number))
        self.summary = QLabel(self.tr("Looking for parts nobody counted…"))
        self.summary.setWordWrap(True)
        self.leave = QRadioButton(self.tr("&Leave them: their book quantity stays as it is"))
        self.zero = QRadioButton(self.tr("Count them as &zero: posting takes them off the book"))
        self.leave.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.leave)
        group.addButton(self.zero)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(self.tr("Finish (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.ok_button.setEnabled(False)
        self.buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.leave)
        layout.addWidget(self.zero)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        runner.submit(counts.uncounted_preview, actor, number, owner=self, name="count_preview",
                      on_done=self._previewed, on_error=self.errors.show_refused)

    def _previewed(self, preview: counts.UncountedPreview) -> None:
        self.preview = preview
        if preview.parts:
            self.summary.setText(self.tr("{parts} part(s) in the scope of {number} were not counted. They hold "
                                         "{qty} on the book, worth {value} at cost. What becomes of them?").format(
                parts=f"{preview.parts:,}", number=self.number, qty=format_quantity(preview.qty),
                value=format_money(preview.value, exponent=self.exponent)))
        else:
            self.summary.setText(self.tr("Every part in the scope of {number} with stock on the book was counted."
                                         ).format(number=self.number))
        self.ok_button.setEnabled(True)

    def choice(self) -> str:
        return "zero" if self.zero.isChecked() else "leave"

    def save(self) -> None:
        self.ok_button.setEnabled(False)
        self.runner.submit(counts.finish, self.actor, self.number, self.choice(), owner=self, name="count_finish",
                           on_done=self._finished, on_error=self._refused)

    def _refused(self, error: UserError) -> None:
        self.ok_button.setEnabled(True)
        self.errors.show_refused(error)

    def _finished(self, preview: counts.UncountedPreview) -> None:
        self.accept()
        self.done.emit(preview)


# --- the view ---------------------------------------------------------------------------------------

@dataclass
class _Line:
    """A row of the scanning page: a part (``part_id``) or an unknown barcode (``code``)."""

    part_id: int | None
    code: str
    number: str
    description: str
    bin: str
    unit: str
    qty: int | None  # this counter's count; None: not counted

    @property
    def key(self) -> tuple[str, object]:
        return ("part", self.part_id) if self.part_id is not None else ("code", self.code)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    return table


class CountView(QWidget):
    """Stock counts: ``start()`` once shown (the host calls it), ``set_actor`` when the user
    changes. ``scanner`` is the window's filter; the view owns its scans while shown."""

    dialog_opened = Signal(object)  # a dialog of the view, once shown (tests drive it)
    sessions_shown = Signal()  # the counts list was redrawn
    count_opened = Signal(str)  # the scanning page shows this count
    scan_handled = Signal(str)  # a scan was counted (or refused with a message), in scan order
    action_handled = Signal(str)  # a typed total, an undo or a link ran ("set", "undo", "link")
    review_shown = Signal(str)  # the review page shows this count
    posted = Signal(object)  # the PostResult, after it was shown
    printed = Signal(object)  # (document, ok, message) after a count sheet or report was printed or previewed

    COLUMNS = ("number", "description", "bin", "counted", "state")

    def __init__(self, runner: TaskRunner, actor: Actor, *, scanner: ScannerFilter | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.scanner = scanner
        self.dialog: Any = None
        self.exponent = 2
        self.sessions: list[CountSummary] = []
        self.number: str | None = None  # the count on the scanning page
        self.summary: CountSummary | None = None
        self.lines: list[_Line] = []
        self.review: counts.Review | None = None
        self.last_post: counts.PostResult | None = None
        self.sounds = ScanSounds(self)
        self._actions: deque[tuple] = deque()  # ("scan", number, code, qty), ("set", ...), ("undo", ...), ("link", ...)
        self._working = False
        self._finish_wanted = False
        self._sessions_message = ""
        self._reviewed_number = ""
        self.flash_outcome = ""
        self._flash_key: tuple[str, object] | None = None
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.setInterval(FLASH_MS)
        self._flash_timer.timeout.connect(self._unflash)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._sessions_page())
        self.pages.addWidget(self._scan_page())
        self.pages.addWidget(self._review_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.set_actor(actor)

    # --- pages ------------------------------------------------------------------------------------

    def _sessions_page(self) -> QWidget:
        page = QWidget()
        self.sessions_page = page
        self.sessions_table = _table([self.tr("Count"), self.tr("Status"), self.tr("Scope"), self.tr("Blind"),
                                      self.tr("Started"), self.tr("By"), self.tr("Note")])
        self.sessions_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.sessions_table.itemActivated.connect(lambda _item: self.open_selected())
        self.sessions_note = QLabel()
        self.sessions_note.setWordWrap(True)
        self.new_button = key_button(self, self.tr("Ctrl+N New count"), "Ctrl+N", self.new_count,
                                  self.tr("Start a count: everything, bins, categories or chosen parts"), page)
        self.open_button = key_button(self, self.tr("Enter Count"), "Return", self.open_selected,
                                   self.tr("Scan into the selected count (a finished one: its recounts)"), page)
        self.review_button = key_button(self, self.tr("F9 Review"), "F9", self.review_selected,
                                     self.tr("Variances, recounts, approve and post"), page)
        self.sheet_button = key_button(self, self.tr("Ctrl+P Count sheet"), "Ctrl+P",
                                    lambda: self.print_sheet(self._selected_number()),
                                    self.tr("Print the count sheet of the selected count (by bin)"), page)
        sheet_preview = QShortcut(QKeySequence("Ctrl+Shift+P"), page)
        sheet_preview.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sheet_preview.activated.connect(lambda: self.print_sheet(self._selected_number(), mode="preview"))
        self.refresh_button = key_button(self, self.tr("F5 Refresh"), "F5", self.load_sessions,
                                      self.tr("Read the list of counts again"), page)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.open_button, self.review_button, self.sheet_button,
                       self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        title = QLabel(self.tr("Stock counts — scan a count sheet's number to open its count"))
        layout.addWidget(title)
        layout.addWidget(self.sessions_table, 1)
        layout.addWidget(self.sessions_note)
        layout.addLayout(buttons)
        page.setFocusProxy(self.sessions_table)
        return page

    def _scan_page(self) -> QWidget:
        page = QWidget()
        self.scan_page = page
        self.count_label = QLabel()
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)
        self.count_label.setWordWrap(True)
        self.entry = QLineEdit()
        self.entry.setPlaceholderText(self.tr("N* before a scan counts N (a pack); or type a barcode and Enter"))
        self.entry.setAccessibleName(self.tr("Quantity for the next scan, or a barcode"))
        self.entry.returnPressed.connect(self._entry_entered)
        self.entry.textChanged.connect(self._entry_changed)
        self.entry.installEventFilter(self)
        self.pending_label = QLabel()
        self.status = QLabel(self.tr("Scan the parts on the shelf."))
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setMinimumHeight(44)
        self.status.setAutoFillBackground(True)
        status_font = self.status.font()
        status_font.setPointSizeF(status_font.pointSizeF() * 1.3)
        self.status.setFont(status_font)
        self.table = _table([self.tr("Part number"), self.tr("Description"), self.tr("Bin"), self.tr("Counted"),
                             self.tr("State")])
        for column, width in enumerate((150, 280, 80, 90, 130)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.type_total())
        self.print_label = QLabel()
        self.print_label.setWordWrap(True)
        self.search_button = key_button(self, self.tr("F2 Search"), "F2", self.search_part,
                                     self.tr("Count a part found by search (one, or N*)"), page)
        self.total_button = key_button(self, self.tr("F4 Counted total"), "F4", self.type_total,
                                    self.tr("Type the counted total of the selected line (0: none there)"), page)
        self.undo_button = key_button(self, self.tr("Ctrl+Z Undo scan"), "Ctrl+Z", self.undo,
                                   self.tr("Take back your last scan, typed total or link"), page)
        self.link_button = key_button(self, self.tr("F6 Link to part…"), "F6", self.link_selected,
                                   self.tr("Give the selected unknown barcode to a part, counting its scans"), page)
        self.finish_button = key_button(self, self.tr("F10 Finish"), "F10", self.finish_count,
                                     self.tr("End the counting; say what becomes of the parts nobody counted"), page)
        self.scan_sheet_button = key_button(self, self.tr("Ctrl+P Count sheet"), "Ctrl+P",
                                         lambda: self.print_sheet(self.number),
                                         self.tr("Print this count's sheet (Ctrl+Shift+P: preview)"), page)
        preview = QShortcut(QKeySequence("Ctrl+Shift+P"), page)
        preview.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        preview.activated.connect(lambda: self.print_sheet(self.number, mode="preview"))
        self.back_button = key_button(self, self.tr("Esc Counts"), "Esc", self.back_to_sessions,
                                   self.tr("Back to the list of counts (scans still waiting are counted first)"), page)
        entry_row = QHBoxLayout()
        entry_row.addWidget(self.entry, 1)
        entry_row.addWidget(self.pending_label)
        buttons = QVBoxLayout()  # two rows, so the view fits a small screen: the scan's keys, then the count's
        for group in ((self.search_button, self.total_button, self.undo_button, self.link_button),
                      (self.scan_sheet_button, self.finish_button, self.back_button)):
            row = QHBoxLayout()
            for button in group:
                row.addWidget(button)
            row.addStretch(1)
            buttons.addLayout(row)
        layout = QVBoxLayout(page)
        layout.addWidget(self.count_label)
        layout.addLayout(entry_row)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.print_label)
        layout.addLayout(buttons)
        page.setFocusProxy(self.entry)
        return page

    def _review_page(self) -> QWidget:
        page = QWidget()
        self.review_page = page
        self.review_label = QLabel()
        font = self.review_label.font()
        font.setBold(True)
        self.review_label.setFont(font)
        self.review_label.setWordWrap(True)
        self.review_table = _table([self.tr("Part number"), self.tr("Description"), self.tr("Bin"),
                                    self.tr("Counted"), self.tr("Book"), self.tr("Difference"), self.tr("Value"),
                                    self.tr("State"), self.tr("Counted by"), self.tr("Sold since")])
        self.review_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.review_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.totals_label = QLabel()
        self.totals_label.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # a busy bar: posting runs on the worker
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        self.post_label = QLabel()
        self.post_label.setWordWrap(True)
        self.post_label.setTextFormat(Qt.TextFormat.PlainText)
        self.recount_button = key_button(self, self.tr("F7 Request recount"), "F7", self.request_recount,
                                      self.tr("Send the selected lines for a recount (none selected: every line "
                                              "out of tolerance)"), page)
        self.approve_button = key_button(self, self.tr("F10 Approve and post"), "F10", self.approve_and_post,
                                      self.tr("Post counted − book at count for every line, in one transaction"),
                                      page)
        self.report_button = key_button(self, self.tr("Ctrl+P Variance report"), "Ctrl+P",
                                     lambda: self.print_report(self.review.session.number if self.review else None),
                                     self.tr("Print the variance report (Ctrl+Shift+P: preview)"), page)
        preview = QShortcut(QKeySequence("Ctrl+Shift+P"), page)
        preview.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        preview.activated.connect(lambda: self.print_report(self.review.session.number if self.review else None,
                                                            mode="preview"))
        self.review_back_button = key_button(self, self.tr("Esc Counts"), "Esc", self.back_to_sessions,
                                          self.tr("Back to the list of counts"), page)
        buttons = QHBoxLayout()
        for button in (self.recount_button, self.approve_button, self.report_button, self.review_back_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.review_label)
        layout.addWidget(self.review_table, 1)
        layout.addWidget(self.totals_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.post_label)
        layout.addLayout(buttons)
        page.setFocusProxy(self.review_table)
        return page

    # --- the host's hooks ------------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        """Another user: counting needs stock.count; their own lines are shown."""
        self.actor = actor
        self.setEnabled(actor.can("stock.count"))
        if self.pages.currentWidget() is self.scan_page and self.number:
            self.open_count(self.number)

    def start(self) -> None:
        """Read the counts and the shop's currency (the host calls it once the view is shown)."""
        self.runner.submit(exponent, owner=self, name="count_setup",
                           on_done=lambda value: setattr(self, "exponent", value))
        self.load_sessions()
        self.pages.currentWidget().setFocus()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.scanner is not None:
            self.scanner.set_owner(self.add_scan)

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        if self.scanner is not None and self.scanner.owner == self.add_scan:
            self.scanner.set_owner(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The entry would take Ctrl+Z for its own text: with it empty, Ctrl+Z undoes the scan.
        Up/Down move through the lines."""
        if watched is self.entry and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key == Qt.Key.Key_Z and event.modifiers() & Qt.KeyboardModifier.ControlModifier \
                    and not self.entry.text():
                self.undo()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.lines:
                row = self.table.currentRow() + (-1 if key == Qt.Key.Key_Up else 1)
                self.table.selectRow(max(0, min(row, len(self.lines) - 1)))
                return True
        return super().eventFilter(watched, event)

    def _open(self, dialog: QDialog) -> None:
        open_over(self, dialog, lambda: self.pages.currentWidget())

    # --- the counts list -------------------------------------------------------------------------

    def load_sessions(self) -> None:
        self.runner.submit(load_sessions, self.actor, owner=self, name="count_sessions", on_done=self._listed,
                           on_error=lambda error: set_note(self.sessions_note, str(error), error=True))

    def _listed(self, sessions: list[CountSummary]) -> None:
        chosen = self._selected_number()
        self.sessions = sessions
        self.sessions_table.setRowCount(len(sessions))
        for row, session in enumerate(sessions):
            cells = [session.number, self.tr(STATUS_LABELS.get(session.status, session.status)),
                     session.scope.describe(), self.tr("blind") if session.blind else self.tr("book shown"),
                     f"{session.started_at:%Y-%m-%d %H:%M}", session.started_by, session.note]
            for column, text in enumerate(cells):
                self.sessions_table.setItem(row, column, QTableWidgetItem(text))
        self.sessions_table.resizeColumnsToContents()
        self.sessions_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        numbers = [s.number for s in sessions]
        if sessions:
            self.sessions_table.selectRow(numbers.index(chosen) if chosen in numbers else 0)
            set_note(self.sessions_note, self._sessions_message)
            self._sessions_message = ""
        else:
            set_note(self.sessions_note, self.tr("No count yet: Ctrl+N starts one."))
        self.sessions_shown.emit()

    def _selected_number(self) -> str | None:
        row = self.sessions_table.currentRow()
        return self.sessions[row].number if 0 <= row < len(self.sessions) else None

    def new_count(self) -> None:
        """Ctrl+N: start a count; its scanning page opens."""
        if not self.actor.can("stock.count"):
            set_note(self.sessions_note, self.tr("Counting stock needs the stock.count permission."), error=True)
            return
        dialog = StartCountDialog(self.runner, self.actor, self)
        dialog.started.connect(self.open_count)
        dialog.dialog_opened.connect(self.dialog_opened.emit)
        self._open(dialog)

    def open_selected(self) -> None:
        number = self._selected_number()
        if number is None:
            set_note(self.sessions_note, self.tr("Select a count first (Ctrl+N starts one)."), error=True)
            return
        session = self.sessions[self.sessions_table.currentRow()]
        if session.status == "posted":
            self.show_review(number)
            return
        self.open_count(number)

    def review_selected(self) -> None:
        number = self._selected_number()
        if number is None:
            set_note(self.sessions_note, self.tr("Select a count to review."), error=True)
            return
        self.show_review(number)

    def back_to_sessions(self, note: str = "") -> None:
        """Back to the list of counts, read again; ``note`` is shown under it."""
        self._sessions_message = note
        self.pages.setCurrentWidget(self.sessions_page)
        self.sessions_table.setFocus()
        self.load_sessions()

    # --- the scanning page -----------------------------------------------------------------------

    def open_count(self, number: str) -> None:
        """Show count ``number``'s scanning page with this counter's lines."""
        self.runner.submit(load_count, self.actor, number, owner=self, name="count_open",
                           on_done=self._count_loaded,
                           on_error=lambda error: set_note(self.sessions_note, str(error), error=True))

    def _count_loaded(self, load: CountLoad) -> None:
        self.number = load.summary.number
        self.summary = load.summary
        self.lines = [_Line(line.part_id, "", line.part_number, line.description, line.bin, line.unit, line.qty)
                      for line in load.lines]
        self.lines += [_Line(None, u.code, u.code, self.tr("unknown barcode"), "", "", u.qty) for u in load.unknown]
        self.lines += [_Line(s.part_id, "", s.part_number, s.description, s.bin, s.unit, None)
                       for s in load.not_counted]
        session = load.summary
        recount = self.tr("  ·  finished: only the parts sent for a recount take scans") \
            if session.status == "finished" else ""
        self.count_label.setText(self.tr("{number} · {scope} · {blind}{recount}").format(
            number=session.number, scope=session.scope.describe(),
            blind=self.tr("blind count") if session.blind else self.tr("book shown on the sheet"), recount=recount))
        self.table.setRowCount(0)
        self.table.setRowCount(len(self.lines))
        for index in range(len(self.lines)):
            self._fill(index)
        self._say(self.tr("Scan the parts on the shelf."))
        self.pages.setCurrentWidget(self.scan_page)
        self.entry.setFocus()
        self.count_opened.emit(self.number)

    def add_scan(self, code: str) -> None:
        """A scanned code: counted in the open count (with the pending ``N*``), after those
        before it. On the counts list a count sheet's number opens its count."""
        if self.pages.currentWidget() is self.scan_page and self.number:
            self._actions.append(("scan", self.number, code, self._take_pending_qty()))
            self._next_action()
            return
        wanted = counts.normalize_number(code)
        found = next((s for s in self.sessions if s.number == wanted), None)
        if self.pages.currentWidget() is self.sessions_page and found is not None:
            self.open_count(found.number)
        else:
            note = self.sessions_note if self.pages.currentWidget() is self.sessions_page else self.post_label
            set_note(note, self.tr("Scan {code} was not counted: open a count first (Enter on the list).").format(
                code=code), error=True)
        self.scan_handled.emit(code)

    def idle(self) -> bool:
        """No scan, typed total, undo or link is waiting or running."""
        return not self._working and not self._actions

    def _next_action(self) -> None:
        if self._working or not self._actions:
            return
        action = self._actions.popleft()
        self._working = True
        kind, number = action[0], action[1]
        if kind == "scan":
            code, qty = action[2], action[3]
            self.runner.submit(counts.scan, self.actor, number, code, qty=qty or ONE, owner=self, name="count_scan",
                               on_done=lambda result: self._scanned(number, result),
                               on_error=lambda error: self._refused(error, code),
                               on_finally=lambda: self._action_finished(self.scan_handled, code))
        elif kind == "pick":  # a part found by search: counted like a scan of it
            part_id, qty = action[2], action[3]
            self.runner.submit(counts.scan, self.actor, number, part_id=part_id, qty=qty or ONE, owner=self,
                               name="count_scan", on_done=lambda result: self._scanned(number, result),
                               on_error=self._refused,
                               on_finally=lambda: self._action_finished(self.action_handled, "pick"))
        elif kind == "set":
            part_id, qty = action[2], action[3]
            self.runner.submit(counts.set_qty, self.actor, number, part_id, qty, owner=self, name="count_set",
                               on_done=lambda line_qty: self._set_done(number, part_id, line_qty),
                               on_error=self._refused,
                               on_finally=lambda: self._action_finished(self.action_handled, "set"))
        elif kind == "undo":
            self.runner.submit(counts.undo_last, self.actor, number, owner=self, name="count_undo",
                               on_done=lambda result: self._undone(number, result), on_error=self._refused,
                               on_finally=lambda: self._action_finished(self.action_handled, "undo"))
        else:  # link
            code, part = action[2], action[3]
            self.runner.submit(counts.link_unknown, self.actor, number, code, part.id, owner=self, name="count_link",
                               on_done=lambda total: self._linked(number, code, part, total),
                               on_error=self._refused,
                               on_finally=lambda: self._action_finished(self.action_handled, "link"))

    def _action_finished(self, signal: Any, what: str) -> None:
        self._working = False
        signal.emit(what)
        if self._actions:
            self._next_action()
        elif self._finish_wanted:
            self._finish_wanted = False
            self.finish_count()

    def _shown(self, number: str) -> bool:
        return number == self.number

    def _scanned(self, number: str, result: counts.ScanResult) -> None:
        if not self._shown(number):
            return
        if result.part_id is None:
            line = self._line(("code", result.code)) or _Line(None, result.code, result.code,
                                                               self.tr("unknown barcode"), "", "", 0)
            line.qty = (line.qty or 0) + result.delta
            text = self.tr("Unknown barcode {code}: kept in the count as unknown. F6 links it to a part, or go "
                           "on.").format(code=result.code)
        else:
            line = self._line(("part", result.part_id)) or _Line(result.part_id, "", result.part_number,
                                                                  result.description, result.bin, result.unit, 0)
            line.qty = result.line_qty
            plus = format_quantity(result.delta, result.unit)
            text = {NEW_LINE: self.tr("New line: {number} {name}, +{plus}"),
                    ADDED: self.tr("{number}: +{plus} → {qty}")}.get(result.outcome, self.tr(
                        "{number}: +{plus} → {qty}. The same code again a moment ago: undo (Ctrl+Z) if the scanner "
                        "read it twice.")).format(number=result.part_number, name=result.description, plus=plus,
                                                  qty=format_quantity(result.line_qty, result.unit))
        if result.outcome == DOUBLE and result.part_id is None:
            text += " " + self.tr("(The same code again a moment ago: Ctrl+Z if it was read twice.)")
        self._put(line)
        self._feedback(result.outcome, text, line.key)

    def _refused(self, error: UserError, code: str = "") -> None:
        text = str(error)
        problems = getattr(error, "problems", None)
        if problems:
            text = " ".join(problems.values())
        if code:
            text = self.tr("Scan {code} not counted: {why}").format(code=code, why=text)
        self._feedback(UNKNOWN, text, None)

    def _set_done(self, number: str, part_id: int, line_qty: int) -> None:
        if not self._shown(number):
            return
        line = self._line(("part", part_id))
        if line is None:
            return
        line.qty = line_qty
        self._put(line)
        self._feedback(ADDED, self.tr("{number}: counted {qty} (typed).").format(
            number=line.number, qty=format_quantity(line_qty, line.unit)), line.key)

    def _undone(self, number: str, result: counts.UndoResult) -> None:
        if not self._shown(number):
            return
        if result.part_id is not None and result.kind != "link":
            line = self._line(("part", result.part_id))
            if line is not None:
                line.qty = result.line_qty
                self._put(line, to_top=False)
        elif result.kind in ("unknown",):
            line = self._line(("code", result.code))
            if line is not None:
                line.qty = (line.qty or 0) - result.delta
                if line.qty <= 0:
                    self._drop(line)
                else:
                    self._put(line, to_top=False)
        else:  # a link taken back: the lines it made and the unknown code come back as they were
            self.open_count(number)
        self._say(result.message)
        self.sounds.play(ADDED)

    def _linked(self, number: str, code: str, part: PartRow, total: int) -> None:
        if self._shown(number):
            self._say(self.tr("Barcode {code} is now {number}'s: {qty} counted on it.").format(
                code=code, number=part.number, qty=format_quantity(total, part.unit)))
            self.open_count(number)

    # --- lines ------------------------------------------------------------------------------------

    def _line(self, key: tuple[str, object]) -> _Line | None:
        return next((line for line in self.lines if line.key == key), None)

    def _put(self, line: _Line, *, to_top: bool = True) -> None:
        """Show ``line``: a new or changed one at the top (the row the counter looks at)."""
        index = next((i for i, other in enumerate(self.lines) if other is line), None)
        if index is None:
            self.lines.insert(0, line)
            self.table.insertRow(0)
            index = 0
        elif index and to_top:
            self.lines.insert(0, self.lines.pop(index))
            self.table.removeRow(index)
            self.table.insertRow(0)
            index = 0
        self._fill(index)
        self.table.selectRow(index)

    def _drop(self, line: _Line) -> None:
        index = self.lines.index(line)
        self.lines.pop(index)
        self.table.removeRow(index)

    def _state(self, line: _Line) -> str:
        if line.part_id is None:
            return self.tr("unknown")
        if line.qty is None:
            return self.tr("not counted")
        if line.qty == 0:
            return self.tr("counted 0")
        return self.tr("counted {qty}").format(qty=format_quantity(line.qty, line.unit))

    def _fill(self, index: int) -> None:
        line = self.lines[index]
        cells = [line.number, line.description, line.bin,
                 "" if line.qty is None else format_quantity(line.qty, line.unit), self._state(line)]
        grey = QBrush(QColor("#777777")) if line.qty is None else QBrush()
        red = QBrush(QColor(ERROR_COLOR))
        for column, text in enumerate(cells):
            item = self.table.item(index, column)
            if item is None:
                item = QTableWidgetItem()
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(index, column, item)
            item.setText(text)
            item.setForeground(red if line.part_id is None else grey)

    def row_texts(self) -> list[list[str]]:
        return [[self.table.item(r, c).text() for c in range(len(self.COLUMNS))] for r in range(self.table.rowCount())]

    def selected_line(self) -> _Line | None:
        row = self.table.currentRow()
        return self.lines[row] if 0 <= row < len(self.lines) else None

    # --- feedback ---------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _feedback(self, outcome: str, text: str, key: tuple[str, object] | None) -> None:
        """The status line and the row flash the outcome's colour; its tone plays."""
        self._unflash()
        colour = FLASH[outcome]
        self.status.setStyleSheet(f"background-color: {colour}; padding: 4px;")
        self.status.setText(text)
        self.flash_outcome = outcome
        if key is not None:
            index = next((i for i, line in enumerate(self.lines) if line.key == key), None)
            if index is not None:
                for column in range(self.table.columnCount()):
                    self.table.item(index, column).setBackground(QBrush(QColor(colour)))
                self._flash_key = key
        self._flash_timer.start()
        self.sounds.play(outcome)

    def _unflash(self) -> None:
        self.status.setStyleSheet("padding: 4px;")
        self.flash_outcome = ""
        key, self._flash_key = self._flash_key, None
        if key is None:
            return
        index = next((i for i, line in enumerate(self.lines) if line.key == key), None)
        if index is not None:
            for column in range(self.table.columnCount()):
                item = self.table.item(index, column)
                if item is not None:
                    item.setBackground(QBrush())

    # --- the N* entry -------------------------------------------------------------------------------

    def pending_qty(self) -> int | None:
        entry = read_entry(self.entry.text())
        return entry.qty if entry.waiting else None

    def _take_pending_qty(self) -> int | None:
        qty = self.pending_qty()
        if qty is not None:
            self.entry.clear()
        return qty

    def _entry_changed(self, _text: str) -> None:
        qty = self.pending_qty()
        self.pending_label.setText(self.tr("Next scan counts {qty}").format(qty=format_quantity(qty)) if qty else "")

    def _entry_entered(self) -> None:
        """Enter: ``N*`` waits for the scan; ``N*code`` or a code is counted like a scan."""
        text = self.entry.text().strip()
        if not text or not self.number:
            return
        entry = read_entry(text)
        if entry.waiting:
            return  # the quantity waits for its scan
        self.entry.clear()
        if entry.prefixed:
            self._actions.append(("scan", self.number, entry.code, entry.qty))
            self._next_action()
            return
        self.add_scan(text)

    # --- keys on the scanning page -------------------------------------------------------------------

    def undo(self) -> None:
        """Ctrl+Z: take back this counter's last scan (after the scans still waiting)."""
        if self.number:
            self._actions.append(("undo", self.number))
            self._next_action()

    def search_part(self) -> None:
        """F2: count a part found by search (the pending N*, else one)."""
        if not self.number:
            return
        dialog = CountPartDialog(self.runner, self)
        dialog.picked.connect(self._search_picked)
        self._open(dialog)

    def _search_picked(self, row: PartRow) -> None:
        if self.number:
            self._actions.append(("pick", self.number, row.id, self._take_pending_qty()))
            self._next_action()

    def type_total(self) -> None:
        """F4: type the counted total of the selected part's line."""
        line = self.selected_line()
        if line is None or line.part_id is None or not self.number:
            self._feedback(UNKNOWN, self.tr("Select a part's line first (an unknown barcode: F6 links it)."), None)
            return
        dialog = TotalDialog(line.number, line.unit, self)
        number, part_id = self.number, line.part_id
        dialog.chosen.connect(lambda qty: self._queue_total(number, part_id, qty))
        self._open(dialog)

    def _queue_total(self, number: str, part_id: int, qty: int) -> None:
        self._actions.append(("set", number, part_id, qty))
        self._next_action()

    def link_selected(self) -> None:
        """F6: link the selected unknown barcode to a part found by search, in one step."""
        line = self.selected_line()
        if line is None or line.part_id is not None or not self.number:
            self._feedback(UNKNOWN, self.tr("Select an unknown barcode's line to link it to a part."), None)
            return
        number, code = self.number, line.code
        dialog = CountPartDialog(self.runner, self, title=self.tr("Link barcode {code} to a part").format(code=code))
        dialog.pick_button.setText(self.tr("Link (Enter)"))
        dialog.picked.connect(lambda part: self._queue_link(number, code, part))
        self._open(dialog)

    def _queue_link(self, number: str, code: str, part: PartRow) -> None:
        self._actions.append(("link", number, code, part))
        self._next_action()

    def finish_count(self) -> None:
        """F10: finish the count once the scans still waiting are counted."""
        if not self.number:
            return
        if not self.idle():
            self._finish_wanted = True
            self._say(self.tr("Finishing once the scans still waiting are counted…"))
            return
        dialog = FinishDialog(self.runner, self.actor, self.number, exponent=self.exponent, parent=self)
        dialog.done.connect(self._count_finished)
        self._open(dialog)

    def _count_finished(self, preview: counts.UncountedPreview) -> None:
        number = self.number
        self.number = None
        if number and self.actor.can("stock.count_approve"):
            self.show_review(number)
        else:
            self.back_to_sessions(self.tr("{number} is finished: a manager reviews and posts it.").format(
                number=number))

    # --- review -------------------------------------------------------------------------------------

    def show_review(self, number: str) -> None:
        self.runner.submit(counts.review, self.actor, number, owner=self, name="count_review",
                           on_done=self._reviewed, on_error=self._review_refused)

    def _review_refused(self, error: UserError) -> None:
        note = self.post_label if self.pages.currentWidget() is self.review_page else self.sessions_note
        set_note(note, str(error), error=True)

    def _reviewed(self, review: counts.Review) -> None:
        self.review = review
        session = review.session
        self.review_label.setText(self.tr("Review of {number} · {scope} · {status}").format(
            number=session.number, scope=session.scope.describe(),
            status=self.tr(STATUS_LABELS.get(session.status, session.status))))
        table = self.review_table
        table.setRowCount(len(review.lines))
        out_fill = QBrush(QColor(OUT_OF_TOLERANCE))
        for row, line in enumerate(review.lines):
            cells = [line.part_number, line.description, line.bin, format_quantity(line.counted, line.unit),
                     format_quantity(line.book, line.unit), f"{line.difference / ONE:+g}" if line.difference else "0",
                     self._money(line.value), self.tr(VARIANCE_STATES.get(line.state, line.state)),
                     ", ".join(line.counters), format_quantity(line.sold_since, line.unit) if line.sold_since else ""]
            flagged = not line.within_tolerance or line.state == "recount"
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 3 <= column <= 6 or column == 9:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if flagged:
                    item.setBackground(out_fill)
                    item.setToolTip(self.tr("Out of the class {abc} tolerance").format(abc=line.abc_class)
                                    if line.state != "recount" else self.tr("Waiting for its recount"))
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        totals = [self.tr("{lines} line(s); plus {plus}, minus {minus}, net {net} at cost").format(
            lines=len(review.lines), plus=self._money(review.plus_value), minus=self._money(review.minus_value),
            net=self._money(review.net_value))]
        if review.out_of_tolerance:
            totals.append(self.tr("{count} out of tolerance (highlighted)").format(count=len(review.out_of_tolerance)))
        if review.pending_recounts:
            totals.append(self.tr("{count} wait for a recount").format(count=len(review.pending_recounts)))
        if review.unknown:
            totals.append(self.tr("unknown barcodes kept: {codes}").format(
                codes=", ".join(f"{u.code} ×{format_quantity(u.qty)}" for u in review.unknown[:5])))
        self.totals_label.setText("; ".join(totals) + ".")
        finished = session.status == "finished"
        self.recount_button.setEnabled(finished)
        self.approve_button.setEnabled(finished)
        if self._reviewed_number != session.number:  # another count: the last one's notes go
            set_note(self.post_label, "")
        self._reviewed_number = session.number
        self.pages.setCurrentWidget(self.review_page)
        self.review_table.setFocus()
        self.review_shown.emit(session.number)

    def _money(self, minor: int) -> str:
        return format_money(minor, exponent=self.exponent)

    def selected_review_parts(self) -> list[int]:
        if self.review is None:
            return []
        rows = sorted({index.row() for index in self.review_table.selectionModel().selectedRows()})
        return [self.review.lines[row].part_id for row in rows if row < len(self.review.lines)]

    def request_recount(self) -> None:
        """F7: the selected lines (none selected: every line out of tolerance) go for a recount."""
        if self.review is None or self.review.session.status != "finished":
            set_note(self.post_label, self.tr("Recounts are asked for while reviewing a finished count."), error=True)
            return
        number = self.review.session.number
        parts = self.selected_review_parts() or None
        self.runner.submit(counts.request_recount, self.actor, number, parts, owner=self, name="count_recount",
                           on_done=lambda sent: self._recount_sent(number, sent),
                           on_error=lambda error: set_note(self.post_label, str(error), error=True))

    def _recount_sent(self, number: str, sent: int) -> None:
        if sent:
            set_note(self.post_label, self.tr("{sent} part(s) of {number} sent for a recount: open the count "
                                              "(Enter on the list) and scan them again.").format(sent=sent,
                                                                                                number=number))
        else:
            set_note(self.post_label, self.tr("Nothing to recount: no line was out of tolerance."), error=True)
        self.show_review(number)

    def approve_and_post(self) -> None:
        """F10: approve and post the count on the worker (a manager approves a storekeeper's)."""
        if self.review is None or self.review.session.status != "finished":
            set_note(self.post_label, self.tr("Only a finished count is approved and posted."), error=True)
            return
        number = self.review.session.number
        approval = None
        if not self.actor.can("stock.count_approve"):
            approval = stepup.ask_approval(self, self.actor, "stock.count_approve",
                                           self.tr("approve and post stock count {number}").format(number=number),
                                           runner=self.runner)
            if approval is None:
                return
        self.busy.setVisible(True)
        self.approve_button.setEnabled(False)
        self.recount_button.setEnabled(False)
        set_note(self.post_label, self.tr("Posting {number}…").format(number=number))
        self.runner.submit(counts.approve_and_post, self.actor, number, approval=approval, owner=self,
                           name="count_post", on_done=self._posted, on_error=self._post_refused,
                           on_finally=lambda: self.busy.setVisible(False))

    def _post_refused(self, error: UserError) -> None:
        set_note(self.post_label, str(error), error=True)
        self.approve_button.setEnabled(True)
        self.recount_button.setEnabled(True)

    def _posted(self, result: counts.PostResult) -> None:
        self.last_post = result
        text = [self.tr("{number} posted: {moves} stock move(s) for {lines} line(s); plus {plus}, minus {minus} at "
                        "cost.").format(number=result.number, moves=result.moves, lines=result.lines,
                                        plus=self._money(result.plus_value), minus=self._money(result.minus_value))]
        if result.sold_lines:
            text.append(self.tr("Moved while the count ran (kept, never lost):"))
            for line in result.sold_lines[:8]:
                text.append(self.tr("  {number}: {sold} sold, {moved} moved in all since it was counted; book now "
                                    "{after}").format(number=line.part_number,
                                                      sold=format_quantity(line.sold_since, line.unit),
                                                      moved=format_quantity(line.moves_since, line.unit),
                                                      after=format_quantity(line.after_posting, line.unit)))
            if len(result.sold_lines) > 8:
                text.append(self.tr("  … and {count} more (see the variance report)").format(
                    count=len(result.sold_lines) - 8))
        else:
            text.append(self.tr("Nothing moved while the count ran."))
        set_note(self.post_label, "\n".join(text))
        self.post_label.setMinimumHeight(self.post_label.fontMetrics().lineSpacing() * (len(text) + 1))
        self.show_review(result.number)
        self.posted.emit(result)

    # --- printing -----------------------------------------------------------------------------------

    def print_sheet(self, number: str | None, *, mode: str = "print") -> None:
        """Ctrl+P: the count sheet (by bin; blind unless the count shows the book) on the A4 printer."""
        if number:
            self._print(count_sheet_pdf, number, self.tr("count sheet"), mode)

    def print_report(self, number: str | None, *, mode: str = "print") -> None:
        """Ctrl+P on the review: the variance report on the A4 printer."""
        if number:
            self._print(variance_report_pdf, number, self.tr("variance report"), mode)

    def _note_label(self) -> QLabel:
        page = self.pages.currentWidget()
        return {self.scan_page: self.print_label, self.review_page: self.post_label}.get(page, self.sessions_note)

    def _print(self, make: Any, number: str, word: str, mode: str) -> None:
        label = self._note_label()
        set_note(label, self.tr("Making the {word} of {number}…").format(word=word, number=number))

        def made(pdf: bytes) -> None:
            try:
                if mode == "preview":
                    try:
                        printer = print_path.printer_for("invoice")  # the A4 printer
                    except print_path.PrinterError:
                        printer = None
                    dialog = print_path.preview_pdf(self, pdf, printer, title=self.tr("Preview of the {word} of "
                                                                                     "{number}").format(
                        word=word, number=number))
                    self.dialog_opened.emit(dialog)
                    message = self.tr("Preview of the {word} of {number} shown.").format(word=word, number=number)
                else:
                    pages = print_path.print_pdf(pdf, print_path.printer_for("invoice"))
                    message = self.tr("Printed the {word} of {number} ({pages} page(s)).").format(
                        word=word, number=number, pages=pages)
            except print_path.PrinterError as error:
                message = self.tr("The {word} of {number} was not printed: {error}").format(
                    word=word, number=number, error=error)
                set_note(label, message, error=True)
                self.printed.emit((word, False, message))
                return
            set_note(label, message)
            self.printed.emit((word, True, message))

        def failed(error: UserError) -> None:
            set_note(label, str(error), error=True)
            self.printed.emit((word, False, str(error)))

        self.runner.submit(make, self.actor, number, owner=self, name="count_print", on_done=made, on_error=failed)


__all__ = ["CountView", "FinishDialog", "ScanSounds", "StartCountDialog", "TotalDialog", "tone_wav", "write_sounds"]
