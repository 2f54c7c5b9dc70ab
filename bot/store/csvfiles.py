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
Line numbers in errors are the ones a text editor shows (header = line 1). Blank lines are skipped.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
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
# Big files are validated in worker processes: phone parsing is the costly part of an import.
PARALLEL_THRESHOLD = 20_000


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


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


def canonical_key(raw: str) -> str | None:
    """``raw`` itself when it is already a valid E.164 key, else None (then ask ``number_key``).

    ``number_key`` reads free text and costs ~150 µs; a file exported by the store holds keys already,
    and checking those with phonenumbers' validity test directly costs ~6 µs. It accepts exactly what
    ``number_key`` maps to itself (tests/store/test_csvfiles.py compares the two); anything else, including
    every error message, goes through ``number_key``.
    """
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
        raise ValueError(f"bad number prefix {raw!r}: use digits, e.g. +86170 or 170")
    if len(digits) < MIN_PREFIX_DIGITS or digits == "86":
        raise ValueError(f"number prefix {raw!r} is too short: it would cover a whole country")
    if len(digits) > 15:
        raise ValueError(f"number prefix {raw!r} is longer than any phone number")
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
        raise ValueError(f"bad date {text!r}: use YYYY-MM-DD (e.g. 2026-06-30)") from None
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
    """A file's text. ``str`` is CSV text already; ``bytes``/``Path`` must be UTF-8 (a BOM is allowed)."""
    if isinstance(source, str):
        return source.removeprefix("\ufeff")
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvError([LineError(line, "not UTF-8 text (save the file as UTF-8 CSV)")]) from None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, cells) for each non-blank record; quoted cells may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""))
    previous_end = 0
    for cells in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if not cells or all(not c.strip() for c in cells):
            continue
        yield start, cells


def _header(
    records: Iterator[tuple[int, list[str]]], known: Sequence[str], required: Sequence[str]
) -> tuple[list[str], list[LineError]]:
    expected = ",".join(known)
    first = next(records, None)
    if first is None:
        return [], [LineError(1, f"empty file: expected the header {expected}")]
    line, cells = first
    names = [c.strip().lower().removeprefix("\ufeff") for c in cells]
    unknown = [n for n in names if n not in known]
    if unknown:
        return [], [LineError(line, f"unknown column(s) {', '.join(map(repr, unknown))}: the header must be "
                                    f"{expected} (optional columns may be left out)")]
    missing = [n for n in required if n not in names]
    if missing or len(set(names)) != len(names):
        return [], [LineError(line, f"the header must name the columns {expected}; "
                                    f"missing or repeated: {', '.join(missing) or 'repeated column'}")]
    return names, []


def _cells(names: list[str], line: int, cells: list[str]) -> dict[str, str]:
    if len(cells) != len(names):
        raise ValueError(f"wrong column count: expected {len(names)} ({','.join(names)}), got {len(cells)}")
    return {n: c.strip() for n, c in zip(names, cells, strict=True)}


def _row_number_key(raw: str, *, allow_prefix: bool) -> tuple[str, str]:
    """(key, match) for a number cell; ``*`` at the end marks a prefix."""
    if not raw:
        raise ValueError("empty number")
    if allow_prefix and raw.endswith("*"):
        return prefix_key(raw), "prefix"
    try:
        return number_key(raw), "exact"
    except ValueError as exc:
        raise ValueError(f"bad number {raw!r}: {exc}") from None


def _keys_in_parallel(raws: list[str]) -> list[str | Exception]:
    """The key of every number cell (or its error), in worker processes when there are many."""
    import os

    workers = max(1, min(os.cpu_count() or 1, 8))
    if len(raws) < PARALLEL_THRESHOLD or workers == 1:
        return _keys_or_errors(raws)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    size = -(-len(raws) // (workers * 4))
    chunks = [raws[i : i + size] for i in range(0, len(raws), size)]
    out: list[str | Exception] = []
    # "spawn": forking a process that runs threads (the bot) is unsafe.
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for part in pool.map(_keys_or_errors, chunks):
                out.extend(part)
    except (BrokenProcessPool, OSError):  # no worker processes here (sandbox, odd __main__): do it inline
        return _keys_or_errors(raws)
    return out


def _keys_or_errors(raws: list[str]) -> list[str | Exception]:
    out: list[str | Exception] = []
    for raw in raws:
        try:
            out.append(canonical_key(raw) or number_key(raw))
        except ValueError as exc:
            out.append(ValueError(f"bad number {raw!r}: {exc}"))
    return out


def _parse(
    source: str | bytes | Path,
    known: Sequence[str],
    required: Sequence[str],
    build: Callable[[int, dict[str, str], str, str], object],
    allow_prefix: bool,
) -> ParsedFile:
    parsed = ParsedFile()
    try:
        text = read_text(source)
    except CsvError as exc:
        parsed.errors = exc.errors
        return parsed
    records = _records(text)
    try:
        names, errors = _header(records, known, required)
        if errors:
            parsed.errors = errors
            return parsed
        pending: list[tuple[int, dict[str, str]]] = []
        for line, cells in records:
            try:
                pending.append((line, _cells(names, line, cells)))
            except ValueError as exc:
                parsed.errors.append(LineError(line, str(exc)))
    except csv.Error as exc:
        parsed.errors.append(LineError(getattr(exc, "line", 0) or 0, f"not valid CSV: {exc}"))
        return parsed

    # Numbers first, all at once (the slow part); prefixes are cheap and done inline.
    exact = [(i, v["number"]) for i, (_, v) in enumerate(pending)
             if v["number"] and not (allow_prefix and v["number"].endswith("*"))]
    keys: dict[int, str | Exception] = dict(
        zip((i for i, _ in exact), _keys_in_parallel([raw for _, raw in exact]), strict=True)
    )
    first_line: dict[tuple[str, str], int] = {}
    for i, (line, values) in enumerate(pending):
        try:
            if i in keys:
                key = keys[i]
                if isinstance(key, Exception):
                    raise key
                match = "exact"
            else:
                key, match = _row_number_key(values["number"], allow_prefix=allow_prefix)
            seen = first_line.setdefault((key, match), line)
            if seen != line:
                raise ValueError(f"number {values['number']!r} is already on line {seen}")
            parsed.rows.append(build(line, values, key, match))
        except ValueError as exc:
            parsed.errors.append(LineError(line, str(exc)))
    parsed.errors.sort(key=lambda e: e.line)
    del parsed.errors[MAX_REPORTED_ERRORS:]
    return parsed


@functools.lru_cache(maxsize=256)
def _category_key(name: str) -> str:
    from bot.categories import resolve_category

    if not name:
        raise ValueError("empty category")
    return resolve_category(name).key


def _blocklist_row(line: int, values: dict[str, str], key: str, match: str) -> BlocklistRow:
    expires = values.get("expires")
    return BlocklistRow(line, key, match, _category_key(values["category"]), values.get("evidence"),
                        parse_expiry(expires) if expires else None, expires is not None)


def _allowlist_row(line: int, values: dict[str, str], key: str, match: str) -> AllowlistRow:
    if not values["owner"]:
        raise ValueError("empty owner")
    aliases = split_aliases(values["aliases"]) if "aliases" in values else None
    return AllowlistRow(line=line, number_key=key, owner=values["owner"], aliases=aliases,
                        owner_category=values.get("category_of_owner"))


def parse_blocklist_csv(source: str | bytes | Path) -> ParsedFile:
    """Validate a blocklist file; ``rows`` are ``BlocklistRow`` and ``errors`` every bad line."""
    return _parse(source, BLOCKLIST_COLUMNS, BLOCKLIST_REQUIRED, _blocklist_row, allow_prefix=True)


def parse_allowlist_csv(source: str | bytes | Path) -> ParsedFile:
    """Validate an allowlist file; ``rows`` are ``AllowlistRow`` and ``errors`` every bad line."""
    return _parse(source, ALLOWLIST_COLUMNS, ALLOWLIST_REQUIRED, _allowlist_row, allow_prefix=False)


# --- writing files -------------------------------------------------------------------------------------


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]], out: io.TextIOBase | None = None) -> str:
    """CSV text with a header (``\\n`` line ends); also written to ``out`` when given."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if out is not None:
        out.write(text)
    return text
