"""The catalogue's search box and the barcode lookup, on SQLite and PostgreSQL.

One text finds parts in tiers, best first, each part once:

1. ``barcode``: the text is a barcode of a part (UPC-A and EAN-13 forms are one code);
2. exact part number, ignoring case, spaces, dashes, dots and slashes — the part's own number
   first, then OE, interchange and superseded numbers (each finds the current part);
3. number prefix ("0986494" finds 0 986 494 104);
4. number fragment of at least 3 letters/digits inside any number ("494104");
5. words of the description (English and Chinese), brand and category, each word a prefix,
   all words required; a vehicle named in the query ("golf 2015", "朗逸") narrows the words to
   parts that fit it (that model year).

At most ``SEARCH_CAP`` candidates are collected (``SearchResult.capped`` says "refine the
search"); they are then paged in relevance order or sorted in SQL. An empty text browses the
whole catalogue, paged and sorted in SQL. The text is data: it is reduced to letters and
digits before it reaches a query (see ``domain.search``).

Read-only functions here run outside any transaction; ``refresh_search_text`` runs inside the
caller's.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from partsdesk.domain.gtin import barcode_lookup_key
from partsdesk.domain.search import (
    EMPTY_VOCABULARY,
    EXPAND_MIN,
    EXPANSIONS_MAX,
    OWN_NUMBER_MARK,
    FitmentDoc,
    SearchQuery,
    VehicleName,
    VehicleVocabulary,
    clean_query_text,
    document_vocabulary,
    expandable,
    fts5_match,
    next_prefix,
    parse_query,
    search_document,
    trigram_match,
    tsquery_text,
    vocabulary_words,
)
from partsdesk.models import database, transaction
from partsdesk.models.db import is_postgres
from partsdesk.models.stock import MAIN_LOCATION_ID
from partsdesk.services.clock import now

SEARCH_CAP = 1000
PAGE_MAX = 500
SORT_KEYS: tuple[str, ...] = ("relevance", "number", "brand", "name", "category", "bin", "price", "on_hand")
MATCH_KINDS: tuple[str, ...] = ("barcode", "number", "interchange", "oe", "superseded", "fragment", "words",
                                "vehicle", "browse")
_KIND_MATCH = {"own": "number", "oe": "oe", "interchange": "interchange", "superseded": "superseded"}
_KIND_RANK = {"own": 0, "oe": 1, "interchange": 2}  # others 3, as in the exact tier
_BATCH = 500  # ids per IN (...) when refreshing documents


@dataclass(frozen=True)
class PartRow:
    """One line of the catalogue table. ``on_hand`` in thousandths at MAIN; ``price_retail``
    in minor units; ``match`` says why the part was found, ``matched_number`` which number or
    barcode matched (else "")."""

    id: int
    number: str
    brand: str
    name_en: str
    name_zh: str
    category: str
    grade: str
    unit: str
    bin: str
    price_retail: int
    on_hand: int
    active: bool
    match: str
    matched_number: str


@dataclass(frozen=True)
class SearchResult:
    rows: list[PartRow]
    total: int  # parts found (at most SEARCH_CAP for a search), or active parts when browsing
    capped: bool  # more parts match than were collected: the user should refine the search


_ROW_SELECT = (
    "SELECT p.id, p.number, b.name, p.name_en, p.name_zh, c.name_en, p.grade, p.unit, p.bin, p.price_retail, "
    "COALESCE(sb.qty, 0), p.active FROM part p "
    "JOIN brand b ON b.id = p.brand_id JOIN category c ON c.id = p.category_id "
    f"LEFT JOIN stock_balance sb ON sb.part_id = p.id AND sb.location_id = {MAIN_LOCATION_ID}"
)
# Each order ends on a unique key so pages never overlap; the browse orders follow indexes.
_ORDER = {
    "relevance": ("p.number_norm", "p.id"),
    "number": ("p.number_norm", "p.id"),
    "brand": ("b.name_key", "p.number_norm"),
    "name": ("p.name_en", "p.id"),
    "category": ("c.name_en", "c.id", "p.id"),
    "bin": ("p.bin", "p.id"),
    "price": ("p.price_retail", "p.id"),
    "on_hand": ("COALESCE(sb.qty, 0)", "p.id"),
}


_BROWSE_JOINS = {key: "" for key in _ORDER} | {
    "brand": " JOIN brand b ON b.id = p.brand_id",
    "category": " JOIN category c ON c.id = p.category_id",
    "on_hand": f" LEFT JOIN stock_balance sb ON sb.part_id = p.id AND sb.location_id = {MAIN_LOCATION_ID}",
}


def _rows_in_order(part_ids: Sequence[int], matches: dict[int, tuple[str, str]]) -> list[PartRow]:
    if not part_ids:
        return []
    by_id = {int(values[0]): values
             for values in _fetch(f"{_ROW_SELECT} WHERE p.id IN ({_placeholders(len(part_ids))})", part_ids)}
    return [_row(by_id[part_id], *matches[part_id]) for part_id in part_ids if part_id in by_id]


def _order_sql(sort: str, descending: bool) -> str:
    direction = " DESC" if descending else ""
    return ", ".join(f"{column}{direction}" for column in _ORDER[sort])


def _row(values: Sequence[object], match: str, matched_number: str = "") -> PartRow:
    (part_id, number, brand, name_en, name_zh, category, grade, unit, bin_, price, on_hand, active) = values
    return PartRow(int(part_id), number, brand, name_en, name_zh, category, grade, unit, bin_, int(price),
                   int(on_hand), bool(active), match, matched_number)


def _placeholders(count: int) -> str:
    return ", ".join([database.obj.param] * count)


def _fetch(sql: str, params: Sequence[object] = ()) -> list[tuple]:
    return list(database.obj.execute_sql(sql, tuple(params)).fetchall())


# --- vehicle vocabulary ------------------------------------------------------------------

_vocabulary_lock = threading.Lock()
_vocabulary_cache: tuple[object, tuple, VehicleVocabulary] | None = None


def vehicle_vocabulary() -> VehicleVocabulary:
    """Makes and models for reading queries; cached, and re-read when the vehicle_model table
    grew (another terminal may add a model) or after ``forget_vocabulary()``."""
    global _vocabulary_cache
    db = database.obj
    stamp = tuple(_fetch("SELECT COUNT(*), MAX(id) FROM vehicle_model")[0])
    with _vocabulary_lock:
        cached = _vocabulary_cache
        if cached is not None and cached[0] is db and cached[1] == stamp:
            return cached[2]
    if not stamp[0]:
        vocabulary = EMPTY_VOCABULARY
    else:
        vocabulary = VehicleVocabulary(
            VehicleName(int(row[0]), row[1], row[2], row[3], row[4])
            for row in _fetch("SELECT id, make, make_zh, model, model_zh FROM vehicle_model ORDER BY id")
        )
    with _vocabulary_lock:
        _vocabulary_cache = (db, stamp, vocabulary)
    return vocabulary


def forget_vocabulary() -> None:
    """Drop the cached vocabulary (after a vehicle model was added or renamed)."""
    global _vocabulary_cache
    with _vocabulary_lock:
        _vocabulary_cache = None


# --- candidate collection ----------------------------------------------------------------

class _Hits:
    """Part ids in relevance order with why each was found; at most ``cap``.

    ``found[id] = (match, matched text, part_number id)``: number tiers keep the row id of the
    matching number and its text is read only for the rows shown.
    """

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.found: dict[int, tuple[str, str, int | None]] = {}
        self.capped = False

    @property
    def full(self) -> bool:
        return len(self.found) >= self.cap

    def add(self, part_id: int, match: str, matched: str = "", number_id: int | None = None) -> None:
        part_id = int(part_id)
        if part_id in self.found:
            return
        if self.full:
            self.capped = True
            return
        self.found[part_id] = (match, matched, number_id)

    def matches(self, part_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """(match, matched number) for these parts, reading the numbers' text in one query."""
        number_ids = [self.found[i][2] for i in part_ids if self.found[i][2] is not None]
        texts: dict[int, str] = {}
        if number_ids:
            texts = {int(row[0]): row[1] for row in _fetch(
                f"SELECT id, number FROM part_number WHERE id IN ({_placeholders(len(number_ids))})", number_ids)}
        return {i: (self.found[i][0], texts.get(self.found[i][2], "") if self.found[i][2] is not None
                    else self.found[i][1]) for i in part_ids}

    def want(self) -> int:
        """Rows to ask a tier for: a tier may repeat every part found so far, and one more row
        tells whether the candidates overflow."""
        return self.cap + 1


def _active(column: str, include_inactive: bool) -> str:
    """" AND <column is an active part's id>", as a probe of the small part_inactive index
    (not a read of the part row, which is large: it holds the search document)."""
    if include_inactive:
        return ""
    hint = "" if is_postgres() else " INDEXED BY part_inactive"
    return f" AND NOT EXISTS (SELECT 1 FROM part q{hint} WHERE q.id = {column} AND NOT q.active)"


def _barcode_tier(hits: _Hits, code: str, include_inactive: bool) -> None:
    p = database.obj.param
    for part_id, matched in _fetch(
        f"SELECT pb.part_id, pb.code FROM part_barcode pb WHERE pb.code = {p}"
        f"{_active('pb.part_id', include_inactive)}", (code,)):
        hits.add(part_id, "barcode", matched)


def _number_tiers(hits: _Hits, query: SearchQuery, include_inactive: bool, *, exact_only: bool = False) -> None:
    p = database.obj.param
    active = _active("pn.part_id", include_inactive)
    select = "SELECT pn.part_id, pn.kind, pn.id FROM part_number pn "
    rows = _fetch(
        f"{select}WHERE pn.number_norm = {p}{active} ORDER BY CASE pn.kind WHEN 'own' THEN 0 WHEN 'oe' THEN 1 "
        f"WHEN 'interchange' THEN 2 ELSE 3 END, pn.part_id LIMIT {p}", (query.number, hits.want()))
    for part_id, kind, number_id in rows:
        hits.add(part_id, _KIND_MATCH.get(kind, "number"), number_id=number_id)
    if hits.full or exact_only or len(query.number) < 2:
        return
    # A number typed whole that exists is not also looked for inside other numbers.
    fragment = query.fragment and not rows
    prefix_select = "SELECT pn.part_id, pn.kind, pn.id, pn.number_norm FROM part_number pn "
    if is_postgres():
        rows = _fetch(f"{prefix_select}WHERE pn.number_norm LIKE {p}{active} ORDER BY pn.number_norm USING ~<~ "
                      f"LIMIT {p}", (query.number + "%", hits.want()))
    else:
        rows = _fetch(f"{prefix_select}WHERE pn.number_norm >= {p} AND pn.number_norm < {p}{active} "
                      f"ORDER BY pn.number_norm LIMIT {p}",
                      (query.number, next_prefix(query.number), hits.want()))
    # In number order; where numbers are equal, the part's own number before the parts that list
    # it as OE, interchange or superseded (sorted here: the index walk gives number order only).
    rows.sort(key=lambda row: (row[3], _KIND_RANK.get(row[1], 3)))
    for part_id, kind, number_id, _norm in rows:
        hits.add(part_id, _KIND_MATCH.get(kind, "number"), number_id=number_id)
    if hits.full or not fragment:
        return
    if is_postgres():
        rows = _fetch(f"{select}WHERE pn.number_norm LIKE {p}{active} LIMIT {p}",
                      ("%" + query.number + "%", hits.want()))
    else:
        rows = _fetch(
            "SELECT pn.part_id, pn.kind, pn.id FROM part_number_trgm t JOIN part_number pn ON pn.id = t.rowid "
            f"WHERE part_number_trgm MATCH {p} AND instr(pn.number_norm, {p}) > 0{active} LIMIT {p}",
            (trigram_match(query.number), query.number, hits.want()))
    for part_id, _kind, number_id in rows:
        hits.add(part_id, "fragment", number_id=number_id)


def _expansions(words: Sequence[str]) -> dict[str, list[str]] | None:
    """Whole words for each typed word long enough to expand (SQLite; see fts5_match).

    A word with more than EXPANSIONS_MAX completions stays a prefix query. None when the
    word list is empty (a database loaded without ``rebuild_search_index``)."""
    p = database.obj.param
    wanted = [word for word in words if expandable(word)]
    if not wanted or not _fetch("SELECT 1 FROM search_word LIMIT 1"):
        return None
    expansions: dict[str, list[str]] = {}
    for word in wanted:
        found = [row[0] for row in _fetch(
            f"SELECT word FROM search_word WHERE word >= {p} AND word < {p} ORDER BY word LIMIT {p}",
            (word, next_prefix(word), EXPANSIONS_MAX + 1))]
        # None found: the list may have missed a word written without refresh_search_text or
        # remember_search_words; the plain prefix query is slower but always right.
        if found and len(found) <= EXPANSIONS_MAX:
            expansions[word] = found
    return expansions


def _text_tier(hits: _Hits, query: SearchQuery, include_inactive: bool) -> int:
    """Add parts whose document holds every word (and fit the vehicle); returns rows seen."""
    p = database.obj.param
    if is_postgres():
        expression = tsquery_text(query)
        if not expression:
            return 0
        rows = _fetch(f"SELECT p.id FROM part p WHERE to_tsvector('simple', p.search_text) @@ "
                      f"to_tsquery('simple', {p}){' AND p.active' if not include_inactive else ''} LIMIT {p}",
                      (expression, hits.want()))
    else:
        expression = fts5_match(query, _expansions(query.words))
        if not expression:
            return 0
        # No ORDER BY: the first matches in id order, never a rank over every match.
        rows = _fetch(f"SELECT f.rowid FROM part_fts f WHERE part_fts MATCH {p}"
                      f"{_active('f.rowid', include_inactive)} LIMIT {p}", (expression, hits.want()))
    match = "vehicle" if query.has_vehicle else "words"
    for (part_id,) in rows:
        hits.add(part_id, match)
    return len(rows)


def _collect(text: str, include_inactive: bool, cap: int) -> _Hits:
    hits = _Hits(cap)
    query = parse_query(text, vocabulary=vehicle_vocabulary())
    if query.barcode:
        _barcode_tier(hits, query.barcode, include_inactive)
    scanned = bool(hits.found)  # a scan that found its part is not also a fragment or word search
    if query.number:
        _number_tiers(hits, query, include_inactive, exact_only=scanned)
    if hits.full or scanned:
        return hits
    seen = _text_tier(hits, query, include_inactive)
    if query.has_vehicle and not seen:
        # The "vehicle" may have been an ordinary word ("fit", "note"): try the words alone.
        _text_tier(hits, parse_query(text, vocabulary=None), include_inactive)
    return hits


# --- public API --------------------------------------------------------------------------

def search_parts(query: str, *, limit: int = 50, offset: int = 0, sort: str = "relevance",
                 descending: bool = False, include_inactive: bool = False) -> SearchResult:
    """One page of the catalogue for the search box (see the module doc for what matches).

    ``sort`` is one of SORT_KEYS; "relevance" keeps the tier order (browsing: part number).
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    limit = max(1, min(int(limit), PAGE_MAX))
    offset = max(0, int(offset))
    p = database.obj.param
    text = clean_query_text(query)
    if not text:
        total = int(_fetch("SELECT COUNT(*) FROM part")[0][0])
        if not include_inactive:  # counting the few inactive parts reads a small index only
            total -= int(_fetch("SELECT COUNT(*) FROM part WHERE NOT active")[0][0])
        # The page's ids first, walking a sort index (or sorting ids only), then its rows.
        page = [int(row[0]) for row in _fetch(
            f"SELECT p.id FROM part p{_BROWSE_JOINS[sort]} WHERE TRUE{_active('p.id', include_inactive)} "
            f"ORDER BY {_order_sql(sort, descending)} LIMIT {p} OFFSET {p}", (limit, offset))]
        return SearchResult(_rows_in_order(page, {part_id: ("browse", "") for part_id in page}), total, False)

    hits = _collect(text, include_inactive, SEARCH_CAP)
    ids = list(hits.found)
    if sort == "relevance":
        page = ids[::-1][offset:offset + limit] if descending else ids[offset:offset + limit]
        if not page:
            return SearchResult([], len(ids), hits.capped)
        return SearchResult(_rows_in_order(page, hits.matches(page)), len(ids), hits.capped)
    if not ids:
        return SearchResult([], 0, hits.capped)
    fetched = _fetch(f"{_ROW_SELECT} WHERE p.id IN ({_placeholders(len(ids))}) "
                     f"ORDER BY {_order_sql(sort, descending)} LIMIT {p} OFFSET {p}", [*ids, limit, offset])
    matches = hits.matches([int(values[0]) for values in fetched])
    rows = [_row(values, *matches[int(values[0])]) for values in fetched]
    return SearchResult(rows, len(ids), hits.capped)


def matching_part_ids(query: str, *, include_inactive: bool = False) -> tuple[list[int], bool]:
    """The ids of the parts the search box finds for ``query``, best first, at most
    ``SEARCH_CAP`` (and whether more matched): for other lists that search the catalogue the
    same way and then filter or sort the candidates themselves (the Stock tab). An empty text
    finds nothing here: such lists browse in their own SQL."""
    text = clean_query_text(query)
    if not text:
        return [], False
    hits = _collect(text, include_inactive, SEARCH_CAP)
    return list(hits.found), hits.capped


def find_by_barcode(text: str) -> PartRow | None:
    """The part a scanned code belongs to (exact; UPC-A finds its EAN-13), or None.

    Inactive parts are returned too (``active`` False) so the screen can say the part is no
    longer sold rather than "unknown barcode".
    """
    code = barcode_lookup_key(text)
    if code is None:
        return None
    p = database.obj.param
    rows = _fetch(f"{_ROW_SELECT} WHERE p.id = (SELECT part_id FROM part_barcode WHERE code = {p})", (code,))
    return _row(rows[0], "barcode", code) if rows else None


# --- the search documents ----------------------------------------------------------------

def _documents(part_ids: Sequence[int], current_year: int, words: set[str]) -> dict[int, str]:
    """Changed documents by part id; adds the parts' expandable words to ``words``."""
    marks = _placeholders(len(part_ids))
    fitments: dict[int, list[FitmentDoc]] = {}
    for part_id, model_id, make, make_zh, model, model_zh, year_from, year_to in _fetch(
        "SELECT f.part_id, vm.id, vm.make, vm.make_zh, vm.model, vm.model_zh, f.year_from, f.year_to "
        f"FROM fitment f JOIN vehicle_model vm ON vm.id = f.vehicle_model_id WHERE f.part_id IN ({marks}) "
        "ORDER BY f.part_id, f.id", part_ids):
        fitments.setdefault(int(part_id), []).append(
            FitmentDoc(int(model_id), make, make_zh, model, model_zh, int(year_from),
                       None if year_to is None else int(year_to)))
    documents: dict[int, str] = {}
    for (part_id, number, name_en, name_zh, brand, brand_zh, cat_en, cat_zh, parent_en, parent_zh,
         old) in _fetch(
            "SELECT p.id, p.number, p.name_en, p.name_zh, b.name, b.name_zh, c.name_en, c.name_zh, "
            "pc.name_en, pc.name_zh, p.search_text FROM part p JOIN brand b ON b.id = p.brand_id "
            "JOIN category c ON c.id = p.category_id LEFT JOIN category pc ON pc.id = c.parent_id "
            f"WHERE p.id IN ({marks})", part_ids):
        category_names = [name for name in (cat_en, cat_zh, parent_en, parent_zh) if name]
        document = search_document(
            number=number, name_en=name_en, name_zh=name_zh, brand=brand, brand_zh=brand_zh,
            category_names=category_names, fitments=fitments.get(int(part_id), ()), current_year=current_year)
        words |= vocabulary_words([name_en, name_zh, brand, brand_zh, *category_names])
        if document != old:
            documents[int(part_id)] = document
    return documents


def refresh_search_text(part_ids: Iterable[int]) -> None:
    """Recompute ``part.search_text`` (and so the full-text index) for these parts from the
    database. Call inside the writer's transaction, after its changes to the part, its brand,
    category or fitments."""
    ids = sorted({int(part_id) for part_id in part_ids})
    db = database.obj
    p = db.param
    year = now().year
    for start in range(0, len(ids), _BATCH):
        words: set[str] = set()
        for part_id, document in _documents(ids[start:start + _BATCH], year, words).items():
            db.execute_sql(f"UPDATE part SET search_text = {p} WHERE id = {p}", (document, part_id))
        _remember(words)


def _remember(words: set[str]) -> None:
    if not words or is_postgres():  # the word list serves SQLite's prefix expansion only
        return
    db = database.obj
    ordered = sorted(words)
    for start in range(0, len(ordered), _BATCH):
        chunk = ordered[start:start + _BATCH]
        db.execute_sql(f"INSERT INTO search_word (word) VALUES {', '.join([f'({db.param})'] * len(chunk))} "
                       "ON CONFLICT DO NOTHING", chunk)


def remember_search_words(documents: Iterable[str]) -> None:
    """For writers that store ``search_document`` text themselves (bulk import): add the
    documents' words to the list typed prefixes are expanded from. Call in the writer's
    transaction. (``refresh_search_text`` and ``rebuild_search_index`` do this already.)"""
    _remember(document_vocabulary(documents))


def rebuild_search_index(*, refresh_text: bool = False) -> None:
    """After a bulk load: optionally recompute every part's document (``refresh_text``, e.g.
    once a year so open-ended fitments reach the new model year), rebuild and compact the
    search indexes, and refresh the planner's statistics."""
    db = database.obj
    if refresh_text:
        last = 0
        while True:
            with transaction():
                batch = [int(row[0]) for row in _fetch(
                    f"SELECT id FROM part WHERE id > {db.param} ORDER BY id LIMIT {db.param}", (last, 10 * _BATCH))]
                if not batch:
                    break
                refresh_search_text(batch)
            last = batch[-1]
    if is_postgres():
        for table in ("part", "part_number", "part_barcode", "fitment", "vehicle_model"):
            db.execute_sql(f"ANALYZE {table}")
        return
    with transaction():
        for table in ("part_fts", "part_number_trgm"):
            db.execute_sql(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
            db.execute_sql(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        # The words of every document, for prefix expansion (not vehicle or own-number tokens).
        db.execute_sql("CREATE VIRTUAL TABLE IF NOT EXISTS temp.part_fts_terms USING fts5vocab(main, part_fts, row)")
        db.execute_sql(f"INSERT INTO search_word (word) SELECT term FROM temp.part_fts_terms "
                       f"WHERE length(term) >= {EXPAND_MIN} AND term NOT GLOB 'vm[0-9]*' "
                       f"AND term NOT GLOB '{OWN_NUMBER_MARK}*[0-9]*' ON CONFLICT DO NOTHING")
    db.execute_sql("ANALYZE")
