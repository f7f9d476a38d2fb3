"""The catalogue's one search box, as pure rules: what a part's search document holds, and
what a typed or scanned query means.

A part's *search document* (stored in ``part.search_text`` and indexed by the database's
full-text index) is a line of plain words: lower-case, accents folded, every CJK character a
word of its own and every pair of neighbouring CJK characters too (so a Chinese word is found
whatever the word boundaries: one character or a pair as one word, longer as a phrase of
pairs), plus one token per fitted vehicle model (``vm12``) and per fitted model year
(``vm12y2015``) so "golf 2015 brake pad" is one full-text AND query.

A query is never handed to the database as syntax: ``parse_query`` reduces it to tokens made
of letters and digits only, and ``fts5_match`` / ``tsquery_text`` quote each token, so quotes,
``*``, ``OR``, ``NEAR``, brackets and colons are searched for (or ignored), never executed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from partsdesk.domain.gtin import barcode_lookup_key
from partsdesk.domain.part_numbers import normalize_number

QUERY_MAX = 200  # characters of a query that are looked at; a longer paste is cut
WORDS_MAX = 12  # query words used in the full-text query
NUMBER_QUERY_MAX = 64  # a longer "number" cannot be a part number: no number lookup
FRAGMENT_MIN = 3  # a number fragment needs at least this many letters/digits
YEAR_MIN = 1950
YEAR_MAX = 2100
YEAR_SPAN_MAX = 60  # fitments claiming more years than this are cut (a typing mistake)
# Characters a part number is typed with besides letters and digits.
NUMBER_SEPARATORS = frozenset(" -./\\_#")
# A CJK word after a year that only says "model year" ("2015款", "2015年").
YEAR_SUFFIXES = frozenset("款年")
# The part's own number is one document word with this mark ("pn0986494104"), so it is found
# whole ("bosch 0986494104") without its digits mixing with the words typed as prefixes.
OWN_NUMBER_MARK = "pn"
# Words this long are expanded into whole words (see ``fts5_match``); shorter prefixes are
# served by the FTS5 prefix index (prefix='2 3').
EXPAND_MIN = 4
EXPANSIONS_MAX = 32


@dataclass(frozen=True)
class FitmentDoc:
    model_id: int
    make: str
    make_zh: str
    model: str
    model_zh: str
    year_from: int
    year_to: int | None


# Han, kana, hangul and CJK symbols: scripts written without spaces between words.
_CJK_RANGES = ("\u3040-\u30ff"  # hiragana, katakana
               "\u3400-\u4dbf"  # CJK extension A
               "\u4e00-\u9fff"  # CJK unified ideographs
               "\uac00-\ud7af"  # hangul syllables
               "\uf900-\ufaff"  # CJK compatibility ideographs
               "\U00020000-\U0003ffff")  # CJK extensions B and later
_CJK_CHAR = re.compile(f"[{_CJK_RANGES}]")
# A run of CJK characters, or a word of letters/digits (``[^\W_]`` is ``str.isalnum``) without any.
_TOKEN_RUN = re.compile(f"([{_CJK_RANGES}]+)|[^\\W_{_CJK_RANGES}]+")
_ASCII_WORD = re.compile("[a-z0-9]+")


def is_cjk(ch: str) -> bool:
    """Han, kana, hangul and CJK symbols: scripts written without spaces between words."""
    return _CJK_CHAR.fullmatch(ch) is not None


def fold(text: str) -> str:
    """Lower-case, full-width to normal width, accents removed ("Émile" -> "emile")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


class Token(NamedTuple):
    text: str
    cjk: bool
    run: int  # tokens with the same run number were written without a gap (a CJK word)


def tokenize(text: str) -> list[Token]:
    """Words of letters/digits, and each CJK character as its own token; all else separates."""
    folded = fold(text)
    if folded.isascii():
        return [Token(word, False, run) for run, word in enumerate(_ASCII_WORD.findall(folded))]
    tokens: list[Token] = []
    for run, match in enumerate(_TOKEN_RUN.finditer(folded)):
        if match.group(1) is None:
            tokens.append(Token(match.group(), False, run))
        else:
            tokens.extend(Token(ch, True, run) for ch in match.group())
    return tokens


def cjk_bigrams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


def document_words(text: str) -> list[str]:
    """The document words of one field: its tokens, then after each CJK run of 2+ characters
    the run's overlapping character pairs ("刹车片" -> 刹 车 片 刹车 车片). A two-character
    Chinese word is then one indexed word, a longer one a phrase of pairs (short lists to
    walk), and a single character is still found on its own."""
    folded = fold(text)
    if folded.isascii():
        return _ASCII_WORD.findall(folded)
    words: list[str] = []
    for match in _TOKEN_RUN.finditer(folded):
        run = match.group(1)
        if run is None:
            words.append(match.group())
        else:
            words.extend(run)
            if len(run) > 1:
                words.extend(cjk_bigrams(run))
    return words


def vehicle_tokens(fitment: FitmentDoc, *, current_year: int) -> list[str]:
    """``vm<id>`` and one ``vm<id>y<year>`` per year the part fits (open end: next year)."""
    first = max(fitment.year_from, YEAR_MIN)
    last = fitment.year_to if fitment.year_to is not None else current_year + 1
    last = min(last, first + YEAR_SPAN_MAX, YEAR_MAX)
    base = f"vm{fitment.model_id}"
    return [base, *(f"{base}y{year}" for year in range(first, last + 1))]


def search_document(*, number: str, name_en: str, name_zh: str, brand: str, brand_zh: str,
                    category_names: Sequence[str], fitments: Sequence[FitmentDoc], current_year: int) -> str:
    """The text stored in ``part.search_text`` for the full-text index (see the module doc).

    The part's own number goes in whole and marked (``OWN_NUMBER_MARK``); interchange and other
    numbers are searched in the part_number table, not here. The document is three pieces
    joined, which bulk writers may make apart (the shared one once per brand and category).
    """
    return join_document(own_text(number, name_en, name_zh), shared_text(brand, brand_zh, category_names),
                         vehicle_text(fitments, current_year=current_year))


def own_text(number: str, name_en: str, name_zh: str) -> str:
    """The piece of a document from the part's own number and names."""
    own = own_number_token(number)
    words = [own] if own else []
    return " ".join(words + document_words(name_en) + document_words(name_zh))


def shared_text(brand: str, brand_zh: str, category_names: Sequence[str]) -> str:
    """The piece of a document every part of one brand and category has."""
    return " ".join(word for text in (brand, brand_zh, *category_names) for word in document_words(text))


def vehicle_text(fitments: Sequence[FitmentDoc], *, current_year: int) -> str:
    seen: set[str] = set()
    vehicle: list[str] = []
    for fitment in fitments:
        for token in vehicle_tokens(fitment, current_year=current_year):
            if token not in seen:
                seen.add(token)
                vehicle.append(token)
    return " ".join(vehicle)


def join_document(*pieces: str) -> str:
    return " ".join(piece for piece in pieces if piece)


def own_number_token(number: str) -> str:
    """The document word of a part's own number ("0 986-494.104/a" -> "pn0986494104a"; "" if none)."""
    norm = normalize_number(number).casefold()
    return OWN_NUMBER_MARK + norm if norm else ""


def vocabulary_words(texts: Iterable[str]) -> set[str]:
    """The words of ``texts`` that a typed prefix may be expanded into (latin, EXPAND_MIN+)."""
    return {token.text for text in texts for token in tokenize(text)
            if not token.cjk and len(token.text) >= EXPAND_MIN}


def document_vocabulary(documents: Iterable[str]) -> set[str]:
    """The expandable words of finished search documents (without vehicle and number tokens)."""
    return {word for document in documents for word in document.split()
            if len(word) >= EXPAND_MIN and not _is_marked_token(word)}


def _is_marked_token(word: str) -> bool:
    if word.startswith("vm") and word[2:3].isdigit():
        return True
    return word.startswith(OWN_NUMBER_MARK) and any(ch.isdigit() for ch in word)


# --- the vehicle vocabulary --------------------------------------------------------------

@dataclass(frozen=True)
class VehicleName:
    """One vehicle_model row, as the query parser needs it."""

    model_id: int
    make: str
    make_zh: str
    model: str
    model_zh: str


class VehicleVocabulary:
    """Makes and models by the words they are written with, in English and Chinese.

    A name is matched as a sequence of tokens, so "Land Cruiser" needs both words and
    "朗逸" is recognised inside "朗逸刹车片". Single CJK characters are never taken as a
    vehicle name (too easily part of another word).
    """

    def __init__(self, names: Iterable[VehicleName]) -> None:
        self.names = tuple(names)
        self._makes: dict[tuple[str, ...], set[int]] = {}
        self._models: dict[tuple[str, ...], set[int]] = {}
        for name in self.names:
            for text, table in ((name.make, self._makes), (name.make_zh, self._makes),
                                (name.model, self._models), (name.model_zh, self._models)):
                key = tuple(token.text for token in tokenize(text))
                if not key or (len(key) == 1 and is_cjk(key[0][0])):
                    continue
                table.setdefault(key, set()).add(name.model_id)
        self.longest = max((len(key) for key in (*self._makes, *self._models)), default=0)

    def match(self, tokens: Sequence[str], start: int) -> tuple[int, str, set[int]] | None:
        """The longest make or model name at ``tokens[start:]``: (length, "make"/"model", ids)."""
        for length in range(min(self.longest, len(tokens) - start), 0, -1):
            key = tuple(tokens[start:start + length])
            if key in self._models:
                return length, "model", self._models[key]
            if key in self._makes:
                return length, "make", self._makes[key]
        return None


EMPTY_VOCABULARY = VehicleVocabulary(())


# --- queries -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchQuery:
    """What one search-box text asks for. Every field is clean data, never query syntax."""

    text: str
    barcode: str | None = None  # normalized barcode to look up exactly
    number: str = ""  # normalized part number (exact and prefix lookups)
    fragment: bool = False  # also look for ``number`` inside other numbers
    words: tuple[str, ...] = ()  # latin words, matched as word prefixes (1 letter: whole word)
    phrases: tuple[str, ...] = ()  # CJK runs, matched as phrases of single characters
    model_ids: tuple[int, ...] = ()  # vehicle models named in the query (any of them)
    year: int | None = None  # model year, with model_ids
    vehicle_words: tuple[str, ...] = field(default=(), compare=False)  # what was read as a vehicle

    @property
    def has_text_terms(self) -> bool:
        return bool(self.words or self.phrases or self.model_ids)

    @property
    def has_vehicle(self) -> bool:
        return bool(self.model_ids)


def clean_query_text(text: str) -> str:
    """Control characters become spaces; surrounding space goes; at most QUERY_MAX characters."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text[: QUERY_MAX * 2])
    return " ".join(cleaned.split())[:QUERY_MAX]


def _is_number_like(text: str) -> bool:
    """Typed like a part number: letters/digits with the usual separators, and either one
    chunk or chunks that each hold a digit or are short ("WK 842/23", "0 986 494 104")."""
    if not all(ch.isalnum() or ch in NUMBER_SEPARATORS for ch in text):
        return False
    chunks = text.split()
    if len(chunks) == 1:
        return True
    return all(any(ch.isdigit() for ch in chunk) or len(chunk) <= 3 for chunk in chunks)


def _year(token: Token) -> int | None:
    if token.cjk or len(token.text) != 4 or not token.text.isdigit():
        return None
    year = int(token.text)
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def parse_query(text: str, *, vocabulary: VehicleVocabulary | None = None) -> SearchQuery:
    """Read one search-box text. ``vocabulary`` None: no vehicle recognition (plain words)."""
    text = clean_query_text(text)
    if not text:
        return SearchQuery(text="")
    barcode = barcode_lookup_key(text)
    number = normalize_number(text)
    if len(number) > NUMBER_QUERY_MAX or not number.isascii():  # part numbers are ASCII
        number = ""
    fragment = len(number) >= FRAGMENT_MIN and _is_number_like(text)

    tokens = tokenize(text)
    strings = [token.text for token in tokens]
    consumed = [False] * len(tokens)
    makes: list[set[int]] = []
    models: list[set[int]] = []
    vehicle_words: list[str] = []
    if vocabulary is not None and vocabulary.longest:
        i = 0
        while i < len(tokens):
            found = vocabulary.match(strings, i)  # whole tokens: "golfball" is not "golf"
            if found is None:
                i += 1
                continue
            length, kind, ids = found
            (makes if kind == "make" else models).append(ids)
            vehicle_words.append(("" if tokens[i].cjk else " ").join(strings[i:i + length]).strip())
            for j in range(i, i + length):
                consumed[j] = True
            i += length
    model_ids: set[int] = set()
    if models:
        model_ids = set().union(*models)
        if makes:
            narrowed = model_ids & set().union(*makes)
            model_ids = narrowed or model_ids
    elif makes:
        model_ids = set().union(*makes)
    year = None
    if model_ids:
        for index, token in enumerate(tokens):
            if not consumed[index] and (year := _year(token)) is not None:
                consumed[index] = True
                vehicle_words.append(token.text)
                after = index + 1
                if after < len(tokens) and tokens[after].cjk and tokens[after].text in YEAR_SUFFIXES:
                    consumed[after] = True
                break

    words: list[str] = []
    phrases: list[str] = []
    current: list[str] = []
    current_run = None
    for index, token in enumerate(tokens):
        if consumed[index] or not token.cjk or token.run != current_run:
            if current:
                phrases.append("".join(current))
                current = []
            current_run = None
        if consumed[index]:
            continue
        if token.cjk:
            current.append(token.text)
            current_run = token.run
        elif token.text not in words:
            words.append(token.text)
    if current:
        phrases.append("".join(current))
    unique_phrases = list(dict.fromkeys(phrases))
    return SearchQuery(
        text=text, barcode=barcode, number=number, fragment=fragment,
        words=tuple(words[:WORDS_MAX]), phrases=tuple(unique_phrases[:WORDS_MAX]),
        model_ids=tuple(sorted(model_ids)), year=year if model_ids else None,
        vehicle_words=tuple(vehicle_words),
    )


def _phrase_words(phrase: str) -> str:
    """A CJK run as document words: one character or pair as itself, longer as its pairs."""
    return phrase if len(phrase) <= 2 else " ".join(cjk_bigrams(phrase))


def _vehicle_terms(query: SearchQuery) -> list[str]:
    if query.year is not None:
        return [f"vm{model_id}y{query.year}" for model_id in query.model_ids]
    return [f"vm{model_id}" for model_id in query.model_ids]


def _joined(terms: Sequence[str], operator: str) -> str:
    """One term as itself, several joined by ``operator`` in brackets."""
    return terms[0] if len(terms) == 1 else "(" + f" {operator} ".join(terms) + ")"


def expandable(word: str) -> bool:
    return len(word) >= EXPAND_MIN


def fts5_match(query: SearchQuery, expansions: Mapping[str, Sequence[str]] | None = None) -> str:
    """The SQLite FTS5 MATCH expression for the text terms ('' when there are none).

    Each token is a quoted string (tokens hold letters and digits only; quotes are doubled
    anyway), so nothing the user typed is FTS5 syntax. A word is a prefix; ``expansions``
    maps a word to the whole words it is the prefix of, which are then ORed instead of a
    prefix query (FTS5 reads every posting of a prefix query before the first result).
    """
    def quoted(token: str) -> str:
        return '"' + token.replace('"', '""') + '"'

    terms = []
    for word in query.words:
        if len(word) == 1:
            alternatives = [quoted(word)]
        elif expansions is not None and word in expansions:
            alternatives = [quoted(w) for w in dict.fromkeys([word, *expansions[word]])]
        else:
            alternatives = [quoted(word) + "*"]
        if any(ch.isdigit() for ch in word):
            alternatives.append(quoted(OWN_NUMBER_MARK + word))
        terms.append(_joined(alternatives, "OR"))
    terms += [quoted(_phrase_words(phrase)) for phrase in query.phrases]
    vehicle = [quoted(token) for token in _vehicle_terms(query)]
    if vehicle:
        terms.append(_joined(vehicle, "OR"))
    return " AND ".join(terms)


def tsquery_text(query: SearchQuery) -> str:
    """The PostgreSQL to_tsquery('simple', ...) text for the text terms ('' when none)."""
    def quoted(token: str) -> str:
        return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"

    terms = []
    for word in query.words:
        term = quoted(word) + (":*" if len(word) > 1 else "")
        if any(ch.isdigit() for ch in word):
            term = f"({term} | {quoted(OWN_NUMBER_MARK + word)})"
        terms.append(term)
    for phrase in query.phrases:
        terms.append(_joined([quoted(word) for word in _phrase_words(phrase).split()], "<->"))
    vehicle = [quoted(token) for token in _vehicle_terms(query)]
    if vehicle:
        terms.append(_joined(vehicle, "|"))
    return " & ".join(terms)


def trigram_match(fragment: str) -> str:
    """The FTS5 MATCH text that finds numbers containing ``fragment`` (letters/digits, 3+).

    Up to 5 characters: the phrase of its trigrams. Longer: only its first and last trigram
    (every trigram of a long fragment is a long list to walk); the caller checks the whole
    fragment on the few numbers that have both.
    """
    clean = "".join(ch for ch in fragment if ch.isalnum())
    if len(clean) <= 5:
        return '"' + clean + '"'
    return f'"{clean[:3]}" AND "{clean[-3:]}"'


def next_prefix(prefix: str) -> str:
    """The smallest string above every string starting with ``prefix`` (for a range scan)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
