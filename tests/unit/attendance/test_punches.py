"""Reading fingerprint-machine files and typing a day's punches (chalicelib.attendance.punches)."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.attendance.punches import (
    PunchFileError,
    RawPunch,
    canonical_pin,
    new_punches,
    parse_punch_file,
    punch_kinds,
    unpack,
)
from chalicelib.errors import PayloadTooLargeError
from tools.attlog_sample import generate

WIB = ZoneInfo("Asia/Jakarta")
TODAY = date(2027, 1, 31)  # the day the files are read: after every date in them


def test_an_attlog_with_bom_crlf_padding_extra_columns_and_blank_lines() -> None:
    data = (
        "\ufeff        1\t2026-11-02 07:20:00\t1\t0\t0\t0\r\n"
        "\r\n"
        "   00012\t2026-11-02 16:01:09\t15\t1\t0\t0\t255\t7\r\n"
        "198501012010011001\t2026-11-02 07:00:00\r\n"
        "   3   2026-11-02 07:05:00   1   0\r\n"  # tabs turned into spaces by an editor
    ).encode()
    parsed = parse_punch_file(data, False, WIB, today=TODAY)
    assert parsed.problems == []
    assert parsed.punches == [
        RawPunch(1, "1", datetime(2026, 11, 2, 7, 20)),
        RawPunch(3, "12", datetime(2026, 11, 2, 16, 1, 9)),
        RawPunch(4, "198501012010011001", datetime(2026, 11, 2, 7, 0)),
        RawPunch(5, "3", datetime(2026, 11, 2, 7, 5)),
    ]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("garbage", "INVALID_LINE"),
        ("1\t2026-02-30 07:00:00", "INVALID_TIME"),
        ("1\tyesterday", "INVALID_TIME"),
        ("1;DROP\t2026-11-02 07:00:00", "INVALID_PIN"),
        ("1\t1999-12-31 23:00:00", "OUT_OF_RANGE"),
        # a machine whose clock went back to its factory date: a day no recap reads, which it would not count
        ("1\t2000-01-01 00:03:00", "CLOCK_RESET"),
        ("1\t2009-12-31 23:59:59", "CLOCK_RESET"),
        # an instant whose move into the regency's zone leaves the calendar (a 500 once)
        ("1\t9999-12-31T23:00:00-05:00", "OUT_OF_RANGE"),
        ("1\t0001-01-01T01:00:00+14:00", "OUT_OF_RANGE"),
        ("\t2026-11-02 07:00:00", "INVALID_PIN"),
    ],
)
def test_a_bad_line_is_reported_by_number_and_the_rest_kept(line: str, code: str) -> None:
    parsed = parse_punch_file(
        f"1\t2026-11-02 07:00:00\r\n{line}\r\n2\t2026-11-02 07:01:00\r\n".encode(), False, WIB, today=TODAY
    )
    assert [(p.line, p.code) for p in parsed.problems] == [(2, code)]
    assert [p.line for p in parsed.punches] == [1, 3]
    assert parsed.problems[0].message  # an Indonesian sentence for people


def test_csv_exports_with_either_separator_and_a_header() -> None:
    comma = parse_punch_file(
        b"\xef\xbb\xbfPIN,Timestamp\r\n7,2026-11-02 07:15:00\r\n\r\n8,2026-11-02T07:16:00\r\n", True, WIB, today=TODAY
    )
    assert [(p.line, p.pin) for p in comma.punches] == [(2, "7"), (4, "8")]
    # AND a timestamp written as an instant with an offset (the API's form) is read in the regency's zone
    instants = parse_punch_file(
        b"pin,timestamp\n7,2026-11-02T07:40:00+07:00\n8,2026-11-02T00:41:00Z\n", True, WIB, today=TODAY
    )
    assert [(p.pin, p.local_time) for p in instants.punches] == [
        ("7", datetime(2026, 11, 2, 7, 40)),
        ("8", datetime(2026, 11, 2, 7, 41)),
    ]
    # AND an instant's fraction of a second is dropped: machines and event ids keep whole seconds
    fraction = parse_punch_file(b"pin,timestamp\n7,2026-11-02T07:40:00.700+07:00\n", True, WIB, today=TODAY)
    assert [p.local_time for p in fraction.punches] == [datetime(2026, 11, 2, 7, 40)]
    semicolon = parse_punch_file(b"pin;timestamp;device\n7;2026-11-02 07:15;A\n", True, WIB, today=TODAY)
    assert semicolon.punches == [RawPunch(2, "7", datetime(2026, 11, 2, 7, 15))]
    with pytest.raises(PunchFileError):
        parse_punch_file(b"nip,waktu\n1,2026-11-02 07:00:00\n", True, WIB, today=TODAY)


def test_a_file_of_day_month_year_dates_is_read_in_the_order_its_own_numbers_show() -> None:
    # GIVEN an export of November by vendor software on an English Windows (month first), and one in Indonesian
    days = (2, 3, 12, 13, 30)
    english = "pin,timestamp\n" + "".join(f"7,11/{d:02d}/2026 07:25:00\n" for d in days)
    indonesian = "pin,timestamp\n" + "".join(f"7,{d:02d}/11/2026 07:25\n" for d in days)  # saved again: no seconds
    # THEN both are the same five November days, none taken for March or refused
    for data in (english, indonesian):
        parsed = parse_punch_file(data.encode(), True, WIB, today=TODAY)
        assert [p.local_time.date() for p in parsed.punches] == [date(2026, 11, d) for d in days]
        assert parsed.problems == []
    # AND a file of the 1st to the 12th alone is read in the order that puts its days together, as a machine's are
    short = parse_punch_file(b"pin,timestamp\n7,02/11/2026 07:25:00\n7,03/11/2026 07:25:00\n", True, WIB, today=TODAY)
    assert [p.local_time.date() for p in short.punches] == [date(2026, 11, 2), date(2026, 11, 3)]
    early = "pin,timestamp\n" + "".join(f"7,11/{d:02d}/2026 07:25:00\n" for d in (3, 4, 5, 6, 9, 10, 11))
    parsed = parse_punch_file(early.encode(), True, WIB, today=TODAY)
    assert [p.local_time.date() for p in parsed.punches] == [date(2026, 11, d) for d in (3, 4, 5, 6, 9, 10, 11)]


def test_a_file_whose_numbers_show_both_orders_re_dates_nothing() -> None:
    # GIVEN a US export (month first: the 13th and 16th show it) with one line written day first (20/11)
    days = (3, 4, 5, 13, 16)
    data = "".join(f"7\t11/{d:02d}/2026 07:25:00\t1\t0\t0\n" for d in days) + "8\t20/11/2026 07:25:00\t1\t0\t0\n"
    # WHEN it is read
    parsed = parse_punch_file(data.encode(), False, WIB, today=TODAY)
    # THEN no date moves to another month: each date that its own numbers settle is read so (13, 16 and 20
    # November), and each that could be either (11/03: 3 November or 11 March) is refused by line, with words
    assert [(p.line, p.local_time.date()) for p in parsed.punches] == [
        (4, date(2026, 11, 13)),
        (5, date(2026, 11, 16)),
        (6, date(2026, 11, 20)),
    ]
    assert [(p.line, p.code) for p in parsed.problems] == [(n, "AMBIGUOUS_DATE") for n in (1, 2, 3)]
    assert "YYYY-MM-DD" in parsed.problems[0].message
    # AND a date the same in both orders (11/11, 01/1) is no question
    same = parse_punch_file(
        b"7\t11/11/2026 07:25\n7\t01/1/2027 07:25\n7\t11/13/2026 07:25\n7\t20/11/2026 07:25\n", False, WIB, today=TODAY
    )
    assert ([p.local_time.date() for p in same.punches], same.problems) == (
        [date(2026, 11, 11), date(2027, 1, 1), date(2026, 11, 13), date(2026, 11, 20)],
        [],
    )


def test_a_garbled_line_in_a_day_first_file_refuses_only_itself() -> None:
    # GIVEN an Indonesian export (day first: the 25th shows it) with one garbled line, no date in either order
    data = b"7\t02/11/2026 07:30\n7\t02/11/2026 16:00\n7\t03/11/2026 07:31\n7\t25/11/2026 07:29\n7\t31/13/2026 07:30\n"
    # WHEN it is read
    parsed = parse_punch_file(data, False, WIB, today=TODAY)
    # THEN every real date is read day first, and only the garbled line is refused (it shows no order)
    assert [p.local_time.date() for p in parsed.punches] == [
        date(2026, 11, 2),
        date(2026, 11, 2),
        date(2026, 11, 3),
        date(2026, 11, 25),
    ]
    assert [(p.line, p.code) for p in parsed.problems] == [(5, "INVALID_TIME")]


def test_twelve_hour_times_keep_their_afternoon() -> None:
    # GIVEN an English Windows export: a log whose tabs became spaces, and a CSV, with 12-hour times
    spaced = parse_punch_file(b"40 11/13/2026 4:05:00 PM 1 0\n40 11/13/2026 7:25:00 AM 1 0\n", False, WIB, today=TODAY)
    csv_ = parse_punch_file(
        b"pin,timestamp\n40,11/13/2026 4:05 PM\n40,2026-11-13 04:05:00 PM\n", True, WIB, today=TODAY
    )
    # THEN 4:05 PM is 16:05, not 04:05
    assert [p.local_time for p in spaced.punches] == [datetime(2026, 11, 13, 16, 5), datetime(2026, 11, 13, 7, 25)]
    assert [p.local_time for p in csv_.punches] == [datetime(2026, 11, 13, 16, 5)] * 2
    assert spaced.problems == csv_.problems == []


def test_pins_are_compared_without_leading_zeros_but_nips_stay_whole() -> None:
    assert canonical_pin("00012") == canonical_pin(" 12") == "12"
    assert canonical_pin("000000000000000001") == "000000000000000001"
    assert canonical_pin("A07") == "A07"


def test_gzip_bodies_are_inflated_within_a_limit() -> None:
    plain = b"1\t2026-11-02 07:00:00\r\n" * 100
    assert unpack(gzip.compress(plain), 10_000) == plain
    assert unpack(plain, 10) == plain  # not compressed: as sent (the request limit applies)
    with pytest.raises(PayloadTooLargeError):
        unpack(gzip.compress(plain), 100)
    with pytest.raises(PunchFileError):
        unpack(b"\x1f\x8b\x08garbage", 10_000)


def test_every_distinct_punch_is_kept_and_only_the_same_instant_again_is_a_duplicate() -> None:
    # GIVEN a file with a check-out pressed twice (15:59:40, 16:00:10), a line repeated, and a punch stored already
    at = datetime(2026, 11, 2, 8, 59, 40, tzinfo=UTC)  # 15:59:40 WIB
    times = [at, at + timedelta(seconds=30), at, at + timedelta(hours=1)]
    # WHEN the new punches are picked
    kept, duplicates = new_punches(times, stored=[at + timedelta(hours=1)])
    # THEN both presses are kept (the day decides which counts); the repeated line and the stored one are not
    assert (kept, duplicates) == ([at, at + timedelta(seconds=30)], 2)
    # AND a press seconds after a stored punch is new too (an import before the second press was exported)
    assert new_punches([at + timedelta(seconds=30)], stored=[at]) == ([at + timedelta(seconds=30)], 0)


def test_the_first_punch_of_a_local_date_is_the_check_in_and_the_last_the_check_out() -> None:
    def local(day: int, hh: int, mm: int) -> datetime:
        return datetime(2026, 11, day, hh, mm, tzinfo=WIB).astimezone(UTC)

    # 00:30 WIB on the 3rd is still the 2nd in UTC: days are local dates.
    times = [local(2, 16, 5), local(2, 7, 20), local(2, 12, 0), local(3, 0, 30), local(4, 7, 0), local(4, 16, 0)]
    assert punch_kinds(times, WIB) == ["out", "in", None, "in", "in", "out"]
    assert punch_kinds([], WIB) == []
    # AND a button pressed again keeps the hint of its burst: 07:25 and 07:26 both arrive, 15:59/16:00 both leave
    burst = [local(2, 7, 25), local(2, 7, 26), local(2, 15, 59), local(2, 16, 0)]
    assert punch_kinds(burst, WIB) == ["in", "in", "out", "out"]
    assert punch_kinds(burst[:2], WIB) == ["in", "in"]
    # AND presses of one visit to the machine (within an hour) are all the arrival: 07:20 and 07:26
    assert punch_kinds([local(2, 7, 20), local(2, 7, 26)], WIB) == ["in", "in"]
    assert punch_kinds([local(2, 7, 20), local(2, 8, 25)], WIB) == ["in", "out"]


def test_the_sample_generator_writes_what_machines_write() -> None:
    sample = generate(["1", "2"], date(2026, 11, 2), 7, seed=2, skew_minutes=3, repeat_rate=0.5, bom=True)
    assert sample.data.startswith(b"\xef\xbb\xbf") and b"\r\n" in sample.data
    parsed = parse_punch_file(sample.data, False, WIB, today=TODAY)
    assert parsed.problems == []
    assert len(parsed.punches) == sum(len(v) for v in sample.punches.values()) + sample.repeats
    first = min(p.local_time for p in parsed.punches if p.pin == "1")
    assert first == sample.punches["1"][0] + timedelta(minutes=3)
    assert {d.weekday() for times in sample.punches.values() for d in times} <= {0, 1, 2, 3, 4}


def test_an_unmatched_quote_in_a_csv_spoils_no_other_line() -> None:
    # GIVEN a CSV export whose name column opens a quote on line 2 and never closes it, then three good lines
    data = (
        "pin,timestamp,nama\n"
        '7,2026-11-04 07:30:00,"Asep\n'
        "7,2026-11-04 16:05:00,Asep\n"
        "7,2026-11-05 07:20:00,Asep\n"
        "7,2026-11-05 16:10:00,Asep\n"
    )
    # WHEN it is read
    parsed = parse_punch_file(data.encode(), True, WIB, today=TODAY)
    # THEN the quote ends with its line: every punch is kept, none swallowed into line 2's name
    assert [p.line for p in parsed.punches] == [2, 3, 4, 5]
    assert parsed.problems == []


def test_a_csv_line_too_large_to_read_is_that_line_s_error_not_the_file_s() -> None:
    # GIVEN a quote opened before 8,000 lines (read together they make one field over the CSV reader's limit),
    # and a line with a cell of 200,000 characters
    opened = "pin,timestamp\n" + '7,"2026-11-02 07:30:00\n' + "".join(f"{i},2026-11-02 07:20:00\n" for i in range(8000))
    huge = "pin,timestamp\n7," + "x" * 200_000 + "\n8,2026-11-02 07:31:00\n"
    # WHEN they are read THEN nothing is raised (a 500): the good lines are kept, the bad one reported by number
    assert len(parse_punch_file(opened.encode(), True, WIB, today=TODAY).punches) == 8001
    parsed = parse_punch_file(huge.encode(), True, WIB, today=TODAY)
    assert ([p.line for p in parsed.punches], [(p.line, p.code) for p in parsed.problems]) == (
        [3],
        [(2, "INVALID_LINE")],
    )


@pytest.mark.parametrize(
    ("line", "today", "expected"),
    [
        ("11/05/2026 7:25:00 AM", date(2026, 11, 20), date(2026, 11, 5)),  # a day's US export, read 15 days later
        ("05/11/2026 07:25:00", date(2026, 11, 20), date(2026, 11, 5)),  # the same day written as Indonesia does
        ("11/05/2026 07:25:00", date(2026, 6, 1), date(2026, 5, 11)),  # read in June: 5 November is to come
        ("03/03/2026 07:25:00", date(2026, 11, 20), date(2026, 3, 3)),  # the same either way
    ],
)
def test_a_day_s_export_of_the_1st_to_the_12th_is_read_on_the_date_nearest_before_the_import(
    line: str, today: date, expected: date
) -> None:
    # GIVEN a file of one day whose numbers are all 12 or below: its dates lie as close together read either way
    data = f"7\t{line}\n8\t{line.replace('07:25', '07:31').replace('7:25', '7:31')}\n".encode()
    # WHEN read on `today`
    parsed = parse_punch_file(data, False, WIB, today=today)
    # THEN it is read in the order that puts it nearest before that day (day first had put 5 November on 11 May,
    # a recapped day of May judged present and the 5th left absent)
    assert not parsed.problems
    assert {p.local_time.date() for p in parsed.punches} == {expected}


@pytest.mark.parametrize("csv_format", [False, True])
def test_a_file_of_more_lines_than_any_machine_writes_is_refused_before_it_is_split(csv_format: bool) -> None:
    # GIVEN a file of a few bytes a line, more lines than a year of a 300-person machine (a gzip of 12 KB
    # inflated to 12 MB of "x\n" took 2.5 GB as lines and their problems), in any kind of line break
    for lines in ("x\n" * 250_000, "x\r" * 250_000, "x\u2028" * 250_000):
        head = "pin,timestamp\n" if csv_format else ""
        # WHEN read, THEN it is too large (413), naming the limit
        with pytest.raises(PayloadTooLargeError) as refused:
            parse_punch_file((head + lines).encode(), csv_format, WIB, today=TODAY)
        assert refused.value.details == {"max_lines": 200_000} and "200.000 baris" in str(refused.value.message)
    # AND a file at the limit is read, CRLF counted once a line
    assert len(parse_punch_file(b"7\t2026-11-02 07:00:00\r\n" * 200_000, False, WIB, today=TODAY).problems) == 0


@pytest.mark.parametrize("separator", ["\t", ","])
def test_a_line_longer_than_any_machine_writes_is_its_line_s_problem_not_millions_of_cells(separator: str) -> None:
    # GIVEN a line of a million separators between two good lines
    good = f"7{separator}2026-11-02 07:00:00\n"
    head = "pin,timestamp\n" if separator == "," else ""
    data = (head + good + "7" + separator * 1_000_000 + "\n" + good.replace("07:00", "16:00")).encode()
    # WHEN read, THEN it is INVALID_LINE and the other two are punches
    parsed = parse_punch_file(data, separator == ",", WIB, today=TODAY)
    assert [(p.line, p.code) for p in parsed.problems] == [(3 if head else 2, "INVALID_LINE")]
    assert len(parsed.punches) == 2
