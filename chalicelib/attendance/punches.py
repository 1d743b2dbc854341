"""Fingerprint-machine punches: reading the files machines write, and which punch of a day counts as what.

Pure rules, no storage. A ZKTeco attendance log (``ATTLOG.dat``) has one punch a line,
``PIN<TAB>YYYY-MM-DD HH:MM:SS<TAB>verify<TAB>in-out<TAB>workcode...`` in the regency's local time; the vendor
software exports the same as CSV (``pin,timestamp``; a timestamp may also be ISO 8601 with an offset, the API's
form of an instant, and is then read as that instant in the regency's zone). Real files carry a UTF-8 BOM, CRLF
endings, blank lines, padded PINs, extra columns and the same punch twice; every line is judged on its own, and
a bad line is reported with its number while the good ones are kept.

A day's punches are not typed by the machine (its in/out column is whatever button was pressed, usually none):
recaps type them within the working day they fall in (`attendance.classify`); `punch_kinds` gives the stored
events a type by local date, a hint for listings. Every distinct punch is kept, a button pressed twice too:
which press of a burst counts (the first of an arrival, the last of a departure) is for the day to say.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TypeVar

from chalicelib.domain.calendar import FIRST_DAY, LAST_DAY
from chalicelib.domain.files import csv_cells
from chalicelib.domain.people import NIP_PATTERN
from chalicelib.errors import PayloadTooLargeError, ValidationError

T = TypeVar("T")

FINGERPRINT = "fingerprint"  # the `source` of an event imported from a machine
PIN = re.compile(r"^[0-9A-Za-z]{1,24}$")
GZIP_MAGIC = b"\x1f\x8b"
# Punches of one employee each this close after the one before are one press repeated (a burst): the day
# counts its first as an arrival and its last as a departure (`attendance.classify`).
REPEAT_WINDOW = timedelta(minutes=5)
# A day's punches from first to last within this are one visit to the machine, pressed again when unsure it took
# (07:20 and 07:26): the day counts them as one press, its arrival or its departure, not a departure minutes after
# the arrival (`attendance.classify`). Nobody works a shift shorter than an hour.
ONE_VISIT = timedelta(hours=1)
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %I:%M:%S %p",
)
# Day/month/year as vendor software writes it in its Windows locale: day first in Indonesian, month first in
# English (11/03/2026 is 3 November there). A file says which by a number above 12 (`_slash_order`); with seconds
# or without (a sheet saved again by Excel drops them). A file whose numbers show both has each date read in the
# only order its own numbers allow, and a date they leave open refused (AMBIGUOUS_DATE).
# An English Windows writes 12-hour times too ("4:05:00 PM").
_DAY_FIRST = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %I:%M:%S %p", "%d/%m/%Y %I:%M %p")
_MONTH_FIRST = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p")
_FAR = 1 << 30  # days: an order that cannot be the file's (`_closeness`)
# A year of a 300-person machine is some 156,000 lines (bench/rollout_RESULTS.md), and a machine's line is under
# 100 characters. Counted before the file is split: 48 MB inflated from a 12 KB gzip of "x\n" took 2.5 GB as
# lines and their problems (a Lambda's 2 GB ends in a 502), and one line of 10 million tabs as many cells.
MAX_LINES = 200_000
MAX_LINE_CHARS = 1_000
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # where str.splitlines ends a line
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\b")
_CSV_HEADER = ("pin", "timestamp")

LINE_MESSAGES = {
    "INVALID_LINE": "Baris tidak dapat dibaca (harus PIN dan waktu; di berkas PIN: PIN dan NIP).",
    "INVALID_PIN": "PIN harus 1-24 huruf atau angka.",
    "INVALID_TIME": "Waktu harus berformat YYYY-MM-DD HH:MM:SS.",
    "FUTURE_PUNCH": "Waktu absen berada di masa depan (jam mesin salah?); baris diabaikan.",
    "OUT_OF_RANGE": "Tanggal di luar 2000-01-01..2100-12-31.",
    "CLOCK_RESET": "Tanggal absen sebelum 2010: jam mesin kembali ke setelan pabrik (baterai jam habis?). "
    "Atur jam mesin; absen bertanggal itu tidak dapat dihitung.",
    "AFTER_CUTOVER": "Unit sudah beralih ke aplikasi pada tanggal ini; absen mesin tidak dihitung.",
    "OUT_OF_SCOPE": "Pegawai ini bukan anggota unit Anda.",
    "OWN_RECORD": "Ini data Anda sendiri; baris ini harus diunggah oleh admin lain.",
    "UNKNOWN_EMPLOYEE": "NIP tidak terdaftar sebagai pegawai.",
    "INVALID_NIP": "NIP harus 18 digit angka.",
    "DUPLICATE_PIN": "PIN yang sama dipetakan ke NIP berbeda dalam satu kiriman.",
    "AMBIGUOUS_PIN": "PIN ini dipakai di lebih dari satu unit; kirim ulang dengan unor_id.",
    "OFFSET_CONFLICT": "Absen ini sudah diimpor dengan koreksi jam mesin yang lain; tidak ditambahkan lagi.",
    "AMBIGUOUS_DATE": "Tanggal ini bisa dibaca hari/bulan atau bulan/hari, dan berkas memuat kedua urutan; "
    "baris diabaikan. Tulis tanggal sebagai YYYY-MM-DD lalu impor lagi.",
    "INACTIVE_EMPLOYEE": "Pegawai ini sudah nonaktif pada tanggal ini (PIN dipakai pegawai lain? petakan ulang).",
    "MOVED_EMPLOYEE": "Pada tanggal ini pegawai dengan PIN ini tercatat di unit lain, bukan unit mesin ini "
    "(PIN pegawai yang sudah pindah dipakai orang lain? petakan ulang).",
}
# A machine whose clock battery ran down starts again at its factory date (2000-01-01 on most models) and dates
# every punch from there: days long before SMART, where a punch would be stored without a word, counting for no day
# the recap reads, while the real days went absent (TK) and cost pay. No real punch SMART imports is that old.
CLOCK_RESET_BEFORE = date(2010, 1, 1)


class PunchFileError(ValidationError):
    """The file as a whole cannot be read (a broken gzip, a CSV without its header): 400, nothing imported."""


@dataclass(frozen=True)
class RawPunch:
    line: int
    pin: str
    local_time: datetime  # naive: the machine's local clock


@dataclass(frozen=True)
class LineProblem:
    line: int
    code: str
    pin: str | None = None

    @property
    def message(self) -> str:
        return LINE_MESSAGES[self.code]


@dataclass(frozen=True)
class PunchFile:
    punches: list[RawPunch]
    problems: list[LineProblem]


def unpack(raw: bytes, max_bytes: int) -> bytes:
    """The body itself, or its content when it is gzip-compressed (at most `max_bytes` once inflated)."""
    if not raw.startswith(GZIP_MAGIC):
        return raw
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            data = stream.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise PunchFileError("Berkas gzip rusak.", {"body": "broken gzip"}) from exc
    if len(data) > max_bytes:
        raise PayloadTooLargeError(details={"max_inflated_bytes": max_bytes})
    return data


def parse_punch_file(raw: bytes, csv_format: bool, tz: tzinfo, *, today: date) -> PunchFile:
    """Read an ATTLOG (tab-separated; `csv_format` False) or a `pin,timestamp` CSV export; `tz`: the regency's
    zone, in which a timestamp given with an offset is read; `today`: the regency's date it is read on."""
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    _check_line_count(text)
    rows = list(_csv_rows(text) if csv_format else _attlog_rows(text))
    order = _slash_order((cells[1].strip() for _, cells in rows if len(cells) >= 2), today)
    layouts = (*_TIME_FORMATS, *(order or (*_DAY_FIRST, *_MONTH_FIRST)))
    punches: list[RawPunch] = []
    problems: list[LineProblem] = []
    for number, cells in rows:
        parsed = _punch(number, cells, tz, layouts, mixed=order is None)
        if isinstance(parsed, RawPunch):
            punches.append(parsed)
        else:
            problems.append(parsed)
    return PunchFile(punches, problems)


def _check_line_count(text: str) -> None:
    """PAYLOAD_TOO_LARGE for a file of more than MAX_LINES lines, counted without splitting it."""
    if sum(text.count(mark) for mark in _LINE_BREAKS) - text.count("\r\n") > MAX_LINES:
        most = f"{MAX_LINES:,}".replace(",", ".")  # 200.000, as Indonesia writes it
        raise PayloadTooLargeError(f"Berkas lebih dari {most} baris: unggah per bulan.", {"max_lines": MAX_LINES})


def _attlog_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > MAX_LINE_CHARS:
            yield number, []  # no machine's line: INVALID_LINE, not split into millions of cells
        elif line.strip():
            yield number, line.split("\t") if "\t" in line else _spaced(line)


def _spaced(line: str) -> list[str]:
    """A line whose tabs a text editor turned into spaces: PIN, date and time are the first three words, and an
    AM/PM after the time is the time's (read as 04:05 it lost twelve hours)."""
    words = line.split()
    if len(words) < 3:
        return words
    ends = 4 if len(words) >= 4 and words[3].upper() in ("AM", "PM") else 3
    return [words[0], " ".join(words[1:ends]), *words[ends:]]


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return
    delimiter = csv_delimiter(lines[first])
    if len(lines[first]) > MAX_LINE_CHARS or not is_csv_header(lines[first], _CSV_HEADER):
        raise PunchFileError("Berkas CSV harus berkolom 'pin,timestamp'.", {"body": "header pin,timestamp required"})
    for number, line in enumerate(lines[first + 1 :], start=first + 2):
        cells = None if len(line) > MAX_LINE_CHARS else csv_cells(line, delimiter)
        if cells is None:
            yield number, []  # unreadable or no machine's line: INVALID_LINE
        elif any(cell.strip() for cell in cells):
            yield number, cells


def csv_delimiter(header: str) -> str:
    """A CSV's separator, told by its header line: `;` when it has more of them than commas (a spreadsheet saved
    in an Indonesian locale), else `,`."""
    return ";" if header.count(";") > header.count(",") else ","


def is_csv_header(line: str, columns: Sequence[str]) -> bool:
    """Whether a line is a CSV header whose first columns are `columns` (any case, quoted or not, padded)."""
    cells = csv_cells(line.lstrip("\ufeff"), csv_delimiter(line)) or []
    return [cell.strip().casefold() for cell in cells[: len(columns)]] == list(columns)


def _slash_order(times: Iterable[str], today: date) -> tuple[str, ...] | None:
    """The layouts of a file's day/month/year timestamps: month first when a second number above 12 shows it and
    no first one does (a US-English export), day first when a first one does and no second one (as Indonesia
    writes it); a file of the 1st to the 12th only is read in the order that puts its dates closer together, and
    one whose dates lie as close either way (a day's export) in the order that ends nearest before `today`. Read
    line by line, 11/03/2026 and 11/13/2026 were 11 March and an error. None when the numbers show both orders (a
    line typed in by hand, two machines' files merged): read day first, one 20/11 moved a US file's 11/03 to
    March, so each date is read in the order its own numbers allow and one they leave open is refused
    (`_unsettled`)."""
    pairs = [(int(found[1]), int(found[2]), int(found[3])) for text in times if (found := _SLASH_DATE.match(text))]
    # Only a date of one order shows that order: a line no date in either (31/13, a garbled one) shows none, or
    # one such line would make a day-first file "mixed" and refuse every date from the 1st to the 12th
    day_first = any(a > 12 and _is_date(y, b, a) for a, b, y in pairs)
    month_first = any(b > 12 and _is_date(y, a, b) for a, b, y in pairs)
    if day_first and month_first:
        return None
    if day_first or month_first:
        return _MONTH_FIRST if month_first else _DAY_FIRST
    # No number above 12 (an export of the 1st to the 12th): the reading whose dates lie closer together, as a
    # machine's days do (3-11 November month first spans 8 days; read day first, March to November). A day's
    # export spans no day either way: it was made days, not months, before it is read (11/05 read on 20 November
    # is the 5th; as 11 May it judged a recapped day of May and left the 5th absent)
    by_month = _closeness(pairs, today, month_first=True)
    return _MONTH_FIRST if by_month < _closeness(pairs, today, month_first=False) else _DAY_FIRST


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _closeness(pairs: Sequence[tuple[int, int, int]], today: date, *, month_first: bool) -> tuple[int, int]:
    """How far apart a file's slash dates (first, second, year) lie when read in one order, then how long before
    `today` the last of them is (a date after it counts as furthest); an order in which one is no date is the
    furthest of all."""
    try:
        days = [date(y, a, b) if month_first else date(y, b, a) for a, b, y in pairs]
    except ValueError:
        return (_FAR, _FAR)
    if not days:
        return (0, 0)
    last = max(days)
    return ((last - min(days)).days, (today - last).days if last <= today else _FAR)


def _punch(
    number: int, cells: Sequence[str], tz: tzinfo, layouts: Sequence[str], *, mixed: bool
) -> RawPunch | LineProblem:
    """One line's punch, or its problem; `mixed`: the file's slash dates show both orders (`_slash_order`)."""
    if len(cells) < 2:
        return LineProblem(number, "INVALID_LINE")
    pin = cells[0].strip()
    if not PIN.match(pin):
        return LineProblem(number, "INVALID_PIN")
    if mixed and _unsettled(cells[1].strip()):
        return LineProblem(number, "AMBIGUOUS_DATE", pin)
    moment = _local_time(cells[1].strip(), tz, layouts)
    if moment is None:
        return LineProblem(number, "INVALID_TIME", pin)
    # Whole seconds, as machines keep them and as a punch's event id names it: 07:15:00.3 and 07:15:00.7 are one.
    moment = moment.replace(microsecond=0)
    problem = _date_problem(moment.date())
    if problem is not None:
        return LineProblem(number, problem, pin)
    return RawPunch(number, canonical_pin(pin), moment)


def _date_problem(day: date) -> str | None:
    """Why a punch dated `day` is not taken: outside the API's days, or at a machine's factory date; else None."""
    if not FIRST_DAY <= day <= LAST_DAY:
        return "OUT_OF_RANGE"
    return "CLOCK_RESET" if day < CLOCK_RESET_BEFORE else None


def _unsettled(text: str) -> bool:
    """Whether a slash date is another day in each order (11/03/2026: 11 March or 3 November; 11/11 is not)."""
    found = _SLASH_DATE.match(text)
    if found is None:
        return False
    first, second = int(found[1]), int(found[2])
    return 1 <= first <= 12 and 1 <= second <= 12 and first != second


def canonical_pin(pin: str) -> str:
    """Machines pad numeric PINs with zeros or not ("00012" and "12" are one user); an 18-digit NIP stays whole."""
    pin = pin.strip()
    return pin if NIP_PATTERN.match(pin) or not pin.isdigit() else str(int(pin))


def _local_time(text: str, tz: tzinfo, layouts: Sequence[str]) -> datetime | None:
    """The regency's local wall-clock time (naive) of a timestamp: as written, or an instant with an offset
    ("2026-11-02T07:40:00+07:00", "...Z") moved into `tz`."""
    instant = _with_offset(text)
    if instant is not None:
        try:
            return instant.astimezone(tz).replace(tzinfo=None)
        except OverflowError:  # within hours of year 1 or 9999, out of range in any zone: said so by `_punch`
            return instant.replace(tzinfo=None)
    for layout in layouts:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    return None


def _with_offset(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def new_punches(times: Iterable[datetime], stored: Iterable[datetime] = ()) -> tuple[list[datetime], int]:
    """The punches of one employee not stored yet, oldest first, and how many were duplicates: the same instant
    twice, or one stored already (`stored`: an earlier import of the file). A second press a few seconds after
    the first is a punch of its own (`REPEAT_WINDOW` is for the day to judge)."""
    given = list(times)
    known = set(stored)
    result = sorted(set(given) - known)
    return result, len(given) - len(result)


def in_bursts(ordered: Sequence[T], at: Callable[[T], datetime]) -> list[list[T]]:
    """Punches in time order (`at` tells each one's instant), grouped where each is less than REPEAT_WINDOW after
    the one before: a button pressed again."""
    bursts: list[list[T]] = []
    for item in ordered:
        if bursts and at(item) - at(bursts[-1][-1]) < REPEAT_WINDOW:
            bursts[-1].append(item)
        else:
            bursts.append([item])
    return bursts


def punch_kinds(times: Sequence[datetime], tz: tzinfo) -> list[str | None]:
    """For each punch (aware instants, any order): "in" for the first burst of its local date (a button pressed
    again within REPEAT_WINDOW is still the arrival, and so is every punch of a date within ONE_VISIT), "out" for
    the last burst when the date has two or more, None for the ones between."""
    by_day: dict[date, list[int]] = {}
    for index, at in enumerate(times):
        by_day.setdefault(at.astimezone(tz).date(), []).append(index)
    kinds: list[str | None] = [None] * len(times)
    for indexes in by_day.values():
        ordered = sorted(indexes, key=lambda i: times[i])
        one_visit = times[ordered[-1]] - times[ordered[0]] < ONE_VISIT
        bursts = [ordered] if one_visit else in_bursts(ordered, lambda i: times[i])
        for i in bursts[0]:
            kinds[i] = "in"
        if len(bursts) > 1:
            for i in bursts[-1]:
                kinds[i] = "out"
    return kinds
