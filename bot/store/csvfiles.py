"""Reading and writing the blocklist and allowlist CSV files, with every row validated.

Blocklist file (UTF-8, header on line 1)::

    number,category,evidence,expires
    +8613800138000,冒充公检法,"自称公安局, 要求转账到安全账户",2026-06-30
    +86170*,card_trafficking,虚拟运营商号段,

- ``number``: any written form (``138-0013-8000``, ``+86 138 0013 8000``, ``95588``), normalized by
  ``bot.phones.number_key``. A trailing ``*`` makes the row a prefix covering a whole segment: ``+86170*``;
  a prefix without ``+`` is a mainland-China national prefix (``170*`` and ``0755*`` become ``+86170``,
  ``+86755``).
- ``category``: a key or Chinese name from ``bot.categories`` (``card_trafficking`` or ``断卡``).
- ``evidence``: free text (optional column).
- ``expires``: optional; ``YYYY-MM-DD`` means the entry counts through that day, Beijing time (UTC+8);
  an ISO date-time (``2026-06-30T18:00`` or with an offset) is also accepted. Empty: never expires.

Allowlist file::

    number,owner,aliases,category_of_owner
    95588,中国工商银行,工行|工商银行|ICBC,bank

- ``aliases``: names used in texts for the owner, separated by ``|``; ``category_of_owner``: bank, operator,
  courier, payment, government, … (free word, optional column).

Columns after the required ones may be left out of the header; then the store keeps what it has for them.
Line numbers in errors are the ones a text editor shows (header = line 1). Blank lines, and rows of only
commas that spreadsheets write, are skipped; so are unnamed empty columns at the end.

What moderators' tools write is read as it comes: the encoding (UTF-8 with or without a BOM, GBK/GB18030
as Excel and WPS save "CSV" on Chinese Windows, UTF-16 with a BOM) is detected by charset-normalizer, and
a tab-separated header (Excel's "Unicode text", which is UTF-16) makes the file tab-separated.

Exports are safe to open in a spreadsheet: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return would be run as a formula, so it is written with a leading ``'`` (the OWASP rule) — the
number column too (``'+8613800138000``): a spreadsheet then keeps it as text instead of turning it into
``8.6138E+12``. The reader takes that quote off again, so an export imports back unchanged.

Problems are ``LineError`` (a line and a key under ``csv.error.`` in ``bot.locales`` with its values), so
the bot says them in the moderator's language; ``str()`` gives the English sentence for the command line.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneNumber

BLOCKLIST_COLUMNS = ("number", "category", "evidence", "expires")
BLOCKLIST_REQUIRED = ("number", "category")
ALLOWLIST_COLUMNS = ("number", "owner", "aliases", "category_of_owner")
ALLOWLIST_REQUIRED = ("number", "owner")
ALIAS_SEPARATOR = "|"

BEIJING = timezone(timedelta(hours=8), "UTC+8")
MAX_REPORTED_ERRORS = 50
MIN_PREFIX_DIGITS = 3  # "+86" alone would block a country
# Numbers not in canonical form cost ~60 µs each to parse. Worker processes pay off only for many of
# them: starting them costs ~1-2 s (measured: 20,000 cells took 2.4 s inline, 4.6 s in workers on a busy
# 2-core machine).
PARALLEL_THRESHOLD = 100_000
# The encodings a moderator's tools write. Only these are tried: left free, the detector reads a short
# GBK file as Korean cp949 or Big5.
ENCODINGS = ("utf_8", "gb18030", "utf_16")
# What a spreadsheet runs as a formula when a cell starts with it (OWASP "CSV injection"); a cell that
# starts with quotes and then one of these gets one more quote, so the reader can take exactly one off.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


class BadValue(ValueError):
    """A value that cannot be used: ``key`` names its sentence under ``csv.error.`` in ``bot.locales``.

    A ``ValueError`` whose ``str()`` is the English sentence, so callers that print ``ValueError`` (the
    command line, ``/block``) keep working, and the CSV importer can word it in the moderator's language.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return _words("en", self.key, self.params)

    def __reduce__(self) -> tuple[Callable[..., BadValue], tuple[()]]:
        # Pickled (a process pool, a queue) with its key and params, not rebuilt from its message.
        return functools.partial(BadValue, self.key, **self.params), ()


def _words(lang: str, key: str, params: Mapping[str, object]) -> str:
    from bot.locales import t

    return t(lang, f"csv.error.{key}", **params)


@dataclass(frozen=True, slots=True)
class LineError:
    """One problem in a file: its line as an editor numbers it, and what is wrong as a locale key."""

    line: int
    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def reason_in(self, lang: str) -> str:
        """What is wrong, in ``lang``."""
        return _words(lang, self.key, self.params)

    @property
    def reason(self) -> str:
        return self.reason_in("en")

    def text(self, lang: str) -> str:
        """``line 3: …`` in ``lang``."""
        from bot.locales import t

        return t(lang, "mod.import.error_line", line=self.line, reason=self.reason_in(lang))

    def __str__(self) -> str:
        return self.text("en")


class CsvError(ValueError):
    """A file that cannot be imported; ``errors`` holds every problem found (line, reason)."""

    def __init__(self, errors: Sequence[LineError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(slots=True)
class BlocklistRow:
    line: int
    number_key: str
    match: str                       # "exact" | "prefix"
    category: str                    # category key
    evidence: str | None             # None: column absent from the file
    expires_at: datetime | None
    has_expires: bool                # False: column absent from the file


@dataclass(slots=True)
class AllowlistRow:
    line: int
    number_key: str
    owner: str
    aliases: tuple[str, ...] | None  # None: column absent
    owner_category: str | None       # None: column absent


@dataclass
class ParsedFile:
    """Rows that passed validation and the errors of those that did not."""

    rows: list = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise CsvError(self.errors)


# --- single values -------------------------------------------------------------------------------------


def number_key(raw: str) -> str:
    """The canonical key of a number (delegates to ``bot.phones``; imported lazily)."""
    from bot.phones import number_key as phones_number_key

    return phones_number_key(raw)


_CANONICAL_E164 = re.compile(r"\+[1-9]\d{6,14}")
_CN_MOBILE_E164 = re.compile(r"\+861[3-9]\d{9}")


def _cn_mobile_check() -> Callable[[str], bool]:
    """A test of "+86" + national number against phonenumbers' own CN metadata, compiled once.

    A national number that matches the general pattern and the mobile pattern (with their possible
    lengths) has a type, so ``is_valid_number`` holds for it: exactly the library's rule, without
    building a ``PhoneNumber`` and trying each number type (~1 µs instead of ~10 µs). Numbers that do not
    match are not rejected here, they go the full way.
    """
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    if metadata is None or tuple(COUNTRY_CODE_TO_REGION_CODE.get(86, ())) != ("CN",):
        return lambda _raw: False
    general, mobile = metadata.general_desc, metadata.mobile
    general_match = re.compile(general.national_number_pattern).fullmatch
    mobile_match = re.compile(mobile.national_number_pattern).fullmatch
    # An empty possible_length means "as the general description" (phonenumbers' own rule).
    lengths = frozenset(general.possible_length).intersection(mobile.possible_length or general.possible_length)

    def check(raw: str) -> bool:
        return (len(raw) - 3 in lengths and mobile_match(raw, 3) is not None
                and general_match(raw, 3) is not None)

    return check


_is_cn_mobile_national = _cn_mobile_check()


def canonical_key(raw: str) -> str | None:
    """``raw`` itself when it is already a valid E.164 key, else None (then ask ``number_key``).

    ``number_key`` reads free text and costs ~150 µs; a file exported by the store holds keys already.
    A mainland mobile in E.164 (most of any blocklist) is checked against phonenumbers' CN mobile
    metadata pattern (~1 µs); other E.164 strings with phonenumbers' validity test directly (~10 µs).
    It accepts exactly what ``number_key`` maps to itself (tests/store/test_csvfiles.py compares the two);
    anything else, including every error message, goes through ``number_key``.
    """
    if _CN_MOBILE_E164.fullmatch(raw) and _is_cn_mobile_national(raw):
        return raw
    if not _CANONICAL_E164.fullmatch(raw):
        return None
    digits = raw[1:]
    for size in (1, 2, 3):  # country codes are prefix-free
        code = int(digits[:size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            national = digits[size:]
            if not national or national[0] == "0":  # leading zeros (Italy…) need the full parser
                return None
            number = PhoneNumber(country_code=code, national_number=int(national))
            return raw if phonenumbers.is_valid_number(number) else None
    return None


_PREFIX_STRIP = re.compile(r"[\s\-.()（）]")


def prefix_key(raw: str) -> str:
    """Normalize a number prefix: ``+86 170``, ``0086170``, ``170`` → ``+86170``; ``0755`` → ``+86755``."""
    text = _PREFIX_STRIP.sub("", unicodedata.normalize("NFKC", raw or "")).rstrip("*")
    if text.startswith("+"):
        digits = text[1:]
        if digits.startswith("00"):
            digits = digits[2:]
    elif text.startswith("00"):
        digits = text[2:]
    else:
        digits = "86" + text.lstrip("0")
    if not digits.isdigit() or not digits.isascii():
        raise BadValue("bad_prefix", prefix=raw)
    if len(digits) < MIN_PREFIX_DIGITS:  # "+86" and "+1" fall short too
        raise BadValue("short_prefix", prefix=raw)
    if len(digits) > 15:
        raise BadValue("long_prefix", prefix=raw)
    return "+" + digits


def parse_expiry(text: str) -> datetime | None:
    """``YYYY-MM-DD`` → the end of that day in Beijing time; ISO date-times as given (naive = Beijing)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1), time(0), BEIJING).astimezone(UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadValue("bad_date", date=text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment.astimezone(UTC)


def format_expiry(moment: datetime | None) -> str:
    """The inverse of ``parse_expiry``: a plain date when the expiry is a Beijing midnight."""
    if moment is None:
        return ""
    local = moment.astimezone(BEIJING)
    if local.time() == time(0):
        return (local.date() - timedelta(days=1)).isoformat()
    return local.isoformat(timespec="seconds")


def split_aliases(text: str) -> tuple[str, ...]:
    """``工行|工商银行| ICBC`` → ("工行", "工商银行", "ICBC"), blanks and repeats dropped, order kept."""
    seen: dict[str, None] = {}
    for part in (text or "").split(ALIAS_SEPARATOR):
        alias = part.strip()
        if alias:
            seen.setdefault(alias, None)
    return tuple(seen)


# --- reading files -------------------------------------------------------------------------------------


def read_text(source: str | bytes | Path) -> str:
    """A file's text. ``str`` is CSV text already; ``bytes``/``Path`` are decoded as detected.

    charset-normalizer picks among ``ENCODINGS`` (a BOM settles it at once). A file in none of them is
    refused at the first line that is not UTF-8, the encoding a moderator is asked to save in.
    """
    if isinstance(source, str):
        return source.removeprefix("\ufeff")
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not data:
        return ""
    from charset_normalizer import from_bytes  # ~20 ms to import: only when a file is read

    best = from_bytes(data, cp_isolation=list(ENCODINGS)).best()  # without the BOM, if there was one
    if best is not None:
        return str(best)
    # charset-normalizer falls back to UTF-8 for any bytes that decode as UTF-8: these do not, and the line
    # of the first byte that does not is where the moderator should look.
    try:
        data.decode()
    except UnicodeDecodeError as exc:
        data = data[: exc.start]
    raise CsvError([LineError(data.count(b"\n") + 1, "encoding")])


def restore_cell(cell: str) -> str:
    """A cell as it was before ``neutralise_cell``: the one ``'`` an export put before a formula start."""
    return cell[1:] if cell[:1] == "'" and _FORMULA_START.match(cell, 1) else cell


def neutralise_cell(cell: str) -> str:
    """A cell a spreadsheet shows as text: ``'`` before one that would start a formula (see the module)."""
    return "'" + cell if _FORMULA_START.match(cell) else cell


# The header line: the first with something on it (possessive, so a long blank line costs one pass).
_FIRST_LINE = re.compile(r"^[^\S\r\n]*+\S[^\r\n]*", re.MULTILINE)


def _delimiter(text: str) -> str:
    """``,``, or a tab when the header line (the first not blank) has more tabs than commas: Excel's "Unicode
    text" export is tab-separated. A line of only commas says comma. With no header the header check speaks."""
    header = _FIRST_LINE.search(text)
    if header is None:
        return ","
    return "\t" if header.group().count("\t") > header.group().count(",") else ","


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, cells) for each non-blank record; quoted cells may span lines.

    A record the csv module cannot read (a cell longer than its limit: mostly a quote never closed)
    raises ``CsvError`` naming the line where that record starts.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    previous_end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = previous_end + 1
            if "field larger than field limit" in str(exc):
                raise CsvError([LineError(line, "cell_too_long", {"limit": csv.field_size_limit()})]) from None
            raise CsvError([LineError(line, "not_csv")]) from None
        start = previous_end + 1
        previous_end = reader.line_num
        if not "".join(cells).strip():  # blank line, or only commas and spaces
            continue
        yield start, cells


def header_names(text: str) -> list[str]:
    """The column names on a file's first non-blank line, as the importer reads them (lower case)."""
    try:
        first = next(_records(text), None)
    except CsvError:
        return []
    return _names(first[1]) if first else []


def _names(cells: list[str]) -> list[str]:
    names = [c.strip().lower().removeprefix("\ufeff") for c in cells]
    while names and not names[-1]:  # a spreadsheet's empty columns at the end
        names.pop()
    return names


def _header(
    records: Iterator[tuple[int, list[str]]], known: Sequence[str], required: Sequence[str]
) -> tuple[list[str], list[LineError]]:
    expected = ",".join(known)
    first = next(records, None)
    if first is None:
        return [], [LineError(1, "empty_file", {"header": expected})]
    line, cells = first
    names = _names(cells)
    unknown = [n for n in names if n not in known]
    if unknown:
        return [], [LineError(line, "unknown_columns", {"columns": ", ".join(map(repr, unknown)),
                                                         "header": expected})]
    missing = [n for n in required if n not in names]
    if missing:
        return [], [LineError(line, "missing_columns", {"columns": ", ".join(missing), "header": expected})]
    repeated = [n for n in known if names.count(n) > 1]
    if repeated:
        return [], [LineError(line, "repeated_columns", {"columns": ", ".join(repeated), "header": expected})]
    return names, []


def _keys_in_parallel(raws: list[str]) -> list[str | None]:
    """The key of every number cell (None: not a number), in worker processes when there are many.

    Only cells the canonical fast path did not settle come here (numbers written by hand), so in a
    typical file this is a small share of the rows. The workers run ``bot.phones.number_keys``: they
    import the number parser, not the store.
    """
    import os

    from bot.phones import number_keys

    workers = max(1, min(os.cpu_count() or 1, 8))
    if len(raws) < PARALLEL_THRESHOLD or workers == 1:
        return number_keys(raws)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    size = -(-len(raws) // (workers * 4))
    chunks = [raws[i : i + size] for i in range(0, len(raws), size)]
    out: list[str | None] = []
    # "spawn": forking a process that runs threads (the bot) is unsafe.
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for part in pool.map(number_keys, chunks):
                out.extend(part)
    except (BrokenProcessPool, OSError):  # no worker processes here (sandbox, odd __main__): do it inline
        return number_keys(raws)
    return out


RowBuilder = Callable[[int, list[str], str, str], object]


def _parse(
    source: str | bytes | Path,
    known: Sequence[str],
    required: Sequence[str],
    builder: Callable[[dict[str, int]], RowBuilder],
    allow_prefix: bool,
) -> ParsedFile:
    """Validate every record; ``builder(columns)`` makes the row builder for this file's header.

    Cells stay lists (no dict per row) and number cells already in canonical form skip the parser:
    at a million rows the per-row overhead is what an import costs.
    """
    parsed = ParsedFile()
    pending: list[tuple[int, list[str]]] = []
    try:
        records = _records(read_text(source))
        names, errors = _header(records, known, required)
        if errors:
            parsed.errors = errors
            return parsed
        width = len(names)
        for line, cells in records:
            if len(cells) > width and not "".join(cells[width:]).strip():
                del cells[width:]  # the empty columns a spreadsheet adds at the end
            if len(cells) == width:
                pending.append((line, [restore_cell(c.strip()) for c in cells]))
            else:
                parsed.errors.append(LineError(line, "column_count", {
                    "expected": width, "header": ",".join(names), "got": len(cells)}))
    except CsvError as exc:  # not text, or a record the csv module cannot read: nothing after it is read
        parsed.errors += exc.errors  # its line comes after every line read before it
        return parsed

    columns = {name: i for i, name in enumerate(names)}
    at = columns["number"]
    build = builder(columns)
    # Numbers first: the canonical fast path inline, the rest all at once (the slow part).
    keys: list[str | Exception | None] = [None] * len(pending)
    slow: list[int] = []
    for i, (_, cells) in enumerate(pending):
        raw = cells[at]
        if not raw or (allow_prefix and raw.endswith("*")):
            continue  # errors and prefixes are done below
        key = canonical_key(raw)
        if key is None:
            slow.append(i)
        else:
            keys[i] = key
    for i, key in zip(slow, _keys_in_parallel([pending[i][1][at] for i in slow]), strict=True):
        keys[i] = key if key is not None else BadValue("bad_number", number=pending[i][1][at])

    first_line: dict[tuple[str, str], int] = {}
    rows = parsed.rows
    for (line, cells), found in zip(pending, keys, strict=True):
        try:
            if found is None:  # the cells the key pass left open: empty ones, and prefixes (``*`` at the end)
                if not cells[at]:
                    raise BadValue("empty_number")
                key, match = prefix_key(cells[at]), "prefix"
            elif isinstance(found, Exception):
                raise found
            else:
                key, match = found, "exact"
            seen = first_line.setdefault((key, match), line)
            if seen != line:
                raise BadValue("duplicate", number=cells[at], first=seen)
            rows.append(build(line, cells, key, match))
        except BadValue as exc:
            parsed.errors.append(LineError(line, exc.key, exc.params))
    parsed.errors.sort(key=lambda e: e.line)
    del parsed.errors[MAX_REPORTED_ERRORS:]
    return parsed


@functools.lru_cache(maxsize=256)
def _category_key(name: str) -> str:
    from bot.categories import CATEGORIES, UnknownCategory, resolve_category

    if not name:
        raise BadValue("empty_category")
    try:
        return resolve_category(name).key
    except UnknownCategory:
        raise BadValue("unknown_category", name=name,
                       choices="、".join(f"{c.zh}({c.key})" for c in CATEGORIES)) from None


_cached_expiry = functools.lru_cache(maxsize=4096)(parse_expiry)  # files repeat a few dates many times


def _blocklist_builder(columns: dict[str, int]) -> RowBuilder:
    category_at, evidence_at, expires_at = columns["category"], columns.get("evidence"), columns.get("expires")

    def build(line: int, cells: list[str], key: str, match: str) -> BlocklistRow:
        expires = None if expires_at is None else cells[expires_at]
        return BlocklistRow(line, key, match, _category_key(cells[category_at]),
                            None if evidence_at is None else cells[evidence_at],
                            _cached_expiry(expires) if expires else None, expires is not None)

    return build


def _allowlist_builder(columns: dict[str, int]) -> RowBuilder:
    owner_at, aliases_at, category_at = columns["owner"], columns.get("aliases"), columns.get("category_of_owner")

    def build(line: int, cells: list[str], key: str, match: str) -> AllowlistRow:
        if not cells[owner_at]:
            raise BadValue("empty_owner")
        aliases = None if aliases_at is None else split_aliases(cells[aliases_at])
        return AllowlistRow(line=line, number_key=key, owner=cells[owner_at], aliases=aliases,
                            owner_category=None if category_at is None else cells[category_at])

    return build


def parse_blocklist_csv(source: str | bytes | Path) -> ParsedFile:
    """Validate a blocklist file; ``rows`` are ``BlocklistRow`` and ``errors`` every bad line."""
    return _parse(source, BLOCKLIST_COLUMNS, BLOCKLIST_REQUIRED, _blocklist_builder, allow_prefix=True)


def parse_allowlist_csv(source: str | bytes | Path) -> ParsedFile:
    """Validate an allowlist file; ``rows`` are ``AllowlistRow`` and ``errors`` every bad line."""
    return _parse(source, ALLOWLIST_COLUMNS, ALLOWLIST_REQUIRED, _allowlist_builder, allow_prefix=False)


# --- writing files -------------------------------------------------------------------------------------


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str | None]],
              out: io.TextIOBase | None = None) -> str:
    """CSV text with a header (``\\n`` line ends), every cell neutralised; also written to ``out`` when given."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([neutralise_cell(c) if c else c for c in row] for row in rows)
    text = buffer.getvalue()
    if out is not None:
        out.write(text)
    return text
