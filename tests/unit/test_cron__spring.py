"""Spring cron semantics over croniter: fields, `?`, L/W/#, names, macros, zones and DST (time injected)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from orchestrator.scheduler.cron import CronError, SpringCron

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")


def fires(expr: str, start: datetime, count: int, zone: str = "UTC") -> list[str]:
    cron = SpringCron.parse(expr, zone)
    out: list[str] = []
    after = start
    for _ in range(count):
        nxt = cron.next_after(after)
        assert nxt is not None
        out.append(nxt.astimezone(cron.zone).isoformat())
        after = nxt
    return out


def test_seconds_come_first_and_steps_run_every_two_seconds() -> None:
    start = datetime(2026, 5, 1, 10, 0, 0, tzinfo=UTC)
    assert fires("*/2 * * * * ?", start, 3) == [
        "2026-05-01T10:00:02+00:00", "2026-05-01T10:00:04+00:00", "2026-05-01T10:00:06+00:00"]
    assert fires("0 */5 * * * ?", start, 2) == ["2026-05-01T10:05:00+00:00", "2026-05-01T10:10:00+00:00"]


def test_names_question_mark_lists_and_ranges() -> None:
    start = datetime(2026, 5, 1, tzinfo=UTC)  # a Friday
    assert fires("0 0 9 ? * MON", start, 2) == ["2026-05-04T09:00:00+00:00", "2026-05-11T09:00:00+00:00"]
    assert fires("0 0 0,12 * * ?", start, 2) == ["2026-05-01T12:00:00+00:00", "2026-05-02T00:00:00+00:00"]
    assert fires("0 15 10-11 ? JAN-DEC MON-FRI", start, 3) == [
        "2026-05-01T10:15:00+00:00", "2026-05-01T11:15:00+00:00", "2026-05-04T10:15:00+00:00"]
    # Sunday is 0 or 7, as in Spring.
    assert fires("0 0 8 ? * 7", start, 1) == fires("0 0 8 ? * SUN", start, 1) == ["2026-05-03T08:00:00+00:00"]


def test_day_of_month_and_day_of_week_must_both_match() -> None:
    # Spring ANDs the day fields (not Vixie cron's OR): the 1st only when it is a Monday.
    assert fires("0 0 12 1 * MON", datetime(2026, 1, 1, tzinfo=UTC), 2) == [
        "2026-06-01T12:00:00+00:00", "2027-02-01T12:00:00+00:00"]


def test_last_nearest_weekday_and_nth() -> None:
    start = datetime(2026, 2, 1, tzinfo=UTC)
    assert fires("0 0 12 L * ?", start, 2) == ["2026-02-28T12:00:00+00:00", "2026-03-31T12:00:00+00:00"]
    # 2026-02-28 and 2026-05-31 fall on weekends: the last weekday is the Friday before.
    assert fires("0 0 12 LW * ?", start, 4)[::3] == ["2026-02-27T12:00:00+00:00", "2026-05-29T12:00:00+00:00"]
    assert fires("0 0 12 L-3 * ?", start, 2) == ["2026-02-25T12:00:00+00:00", "2026-03-28T12:00:00+00:00"]
    # 2026-03-15 is a Sunday: 15W is Monday the 16th.
    assert fires("0 0 12 15W * ?", datetime(2026, 3, 1, tzinfo=UTC), 1) == ["2026-03-16T12:00:00+00:00"]
    assert fires("0 0 12 ? * 5L", start, 2) == fires("0 0 12 ? * FRIL", start, 2) == [
        "2026-02-27T12:00:00+00:00", "2026-03-27T12:00:00+00:00"]
    assert fires("0 0 12 ? * MON#2", start, 2) == ["2026-02-09T12:00:00+00:00", "2026-03-09T12:00:00+00:00"]


def test_macros() -> None:
    assert fires("@daily", datetime(2026, 5, 1, 3, tzinfo=UTC), 1) == ["2026-05-02T00:00:00+00:00"]
    assert fires("@hourly", datetime(2026, 5, 1, 3, 5, tzinfo=UTC), 1) == ["2026-05-01T04:00:00+00:00"]


def test_zone_places_wall_times() -> None:
    start = datetime(2026, 7, 1, tzinfo=UTC)
    assert fires("0 0 9 * * ?", start, 1, "America/New_York") == ["2026-07-01T09:00:00-04:00"]


@pytest.mark.parametrize("zone,day", [(BERLIN, datetime(2026, 3, 29)), (NEW_YORK, datetime(2026, 3, 8))])
def test_spring_forward_skips_the_missing_wall_time(zone: ZoneInfo, day: datetime) -> None:
    # 02:30 does not exist that night: Spring skips it (no fire at 03:00 or 03:30, no double later).
    cron = SpringCron.parse("0 30 2 * * ?", zone.key)
    before = (day - timedelta(hours=12)).replace(tzinfo=zone)
    got = cron.between(before, before + timedelta(days=2))
    assert [g.astimezone(zone).isoformat()[:16] for g in got] == [(day + timedelta(days=1)).strftime("%Y-%m-%dT02:30")]
    # An hourly schedule has one fire fewer that day and none in the gap.
    hourly = SpringCron.parse("0 0 * * * ?", zone.key)
    start = day.replace(tzinfo=zone)
    times = hourly.between(start - timedelta(seconds=1), start + timedelta(hours=23, minutes=59))
    assert len(times) == 23 and all(t.astimezone(zone).hour != 2 for t in times)


@pytest.mark.parametrize("zone,day", [(BERLIN, datetime(2026, 10, 25)), (NEW_YORK, datetime(2026, 11, 1))])
def test_fall_back_fires_a_fixed_time_once(zone: ZoneInfo, day: datetime) -> None:
    repeated = "0 30 2 * * ?" if zone is BERLIN else "0 30 1 * * ?"
    cron = SpringCron.parse(repeated, zone.key)
    start = (day - timedelta(hours=12)).replace(tzinfo=zone)
    got = cron.between(start, start + timedelta(days=1))
    assert len(got) == 1
    local = got[0].astimezone(zone)
    assert local.fold == 0  # the first occurrence (summer time)
    # Asked from inside the second pass, the next fire is the next day's, not a replay.
    second_pass = local.replace(fold=1)
    assert second_pass.utcoffset() != local.utcoffset() and second_pass.astimezone(UTC) > got[0]
    nxt = cron.next_after(second_pass.astimezone(UTC) + timedelta(minutes=1))
    assert nxt is not None and nxt.astimezone(zone).date() == (day + timedelta(days=1)).date()


@pytest.mark.parametrize("zone,day", [(BERLIN, datetime(2026, 10, 25)), (NEW_YORK, datetime(2026, 11, 1))])
def test_fall_back_an_hourly_schedule_fires_in_both_passes(zone: ZoneInfo, day: datetime) -> None:
    cron = SpringCron.parse("0 0 * * * ?", zone.key)
    start = day.replace(tzinfo=zone)
    times = cron.between(start - timedelta(seconds=1), start + timedelta(hours=24, seconds=-1))
    assert len(times) == 25  # a 25-hour day
    utc = list(times)
    assert utc == sorted(utc) and len(set(utc)) == 25
    assert all(b - a == timedelta(hours=1) for a, b in zip(utc, utc[1:], strict=False))


def test_next_from_inside_the_first_pass_sees_the_second() -> None:
    # 02:45 CEST on fall-back night: the next every-15-minutes fire is 02:00 CET (an hour of
    # real time later than 02:00 CEST), not 03:00.
    cron = SpringCron.parse("0 */15 * * * ?", "Europe/Berlin")
    after = datetime(2026, 10, 25, 2, 45, tzinfo=BERLIN)  # fold=0: CEST
    nxt = cron.next_after(after)
    assert nxt is not None and nxt.astimezone(UTC) == datetime(2026, 10, 25, 1, 0, tzinfo=UTC)


def test_an_expression_that_never_fires_gives_none() -> None:
    assert SpringCron.parse("0 0 0 30 2 ?").next_after(datetime(2026, 1, 1, tzinfo=UTC)) is None


@pytest.mark.parametrize("expr", [
    "0 0 * * *",            # 5 fields: Spring wants seconds
    "0 0 0 * * * 2026",     # 7 fields
    "61 0 0 * * ?",         # seconds out of range
    "0 0 25 * * ?",         # hour out of range
    "0 0 0 ? * FOO",        # no such day
    "0 0 0 * 13 ?",         # no such month
    "? 0 0 * * *",          # ? outside the day fields
    "0 0 0 * * ?; rm",      # junk
    "0 0 12 10-2 * ?",      # a range that runs backwards (croniter would wrap it)
    "0 0 12 ? * FRI-MON",
    "0 0 12 ? * L",         # L alone is no day of the week in Spring
    "",
])
def test_invalid_expressions_name_the_field(expr: str) -> None:
    with pytest.raises(CronError) as err:
        SpringCron.parse(expr)
    assert err.value.field == "cronExpression" and "cronExpression" in str(err.value)


def test_unknown_zone_names_zone_id() -> None:
    with pytest.raises(CronError) as err:
        SpringCron.parse("0 0 0 * * ?", "Mars/Olympus")
    assert err.value.field == "zoneId"
