"""Spring cron expressions (what Conductor's scheduler accepts), with a time zone and DST.

    expr = SpringCron.parse("0 0 9 ? * MON", "Europe/Berlin")
    expr.next_after(instant)          # the first fire time strictly after `instant` (aware)
    expr.between(after, until)        # every fire time in (after, until]

Pure: no Django, no clock; every instant is an argument. Matching is croniter's (7.x, with the
seconds field first and day-of-month AND day-of-week, as Spring's CronExpression does); this
module maps what Spring writes differently and croniter lacks:

- six fields, seconds first; `?` (day fields only) means `*`; the macros `@yearly`...`@hourly`;
- day-of-week `5L` / `FRIL` (the last Friday) → croniter's `L5`;
- day-of-month `LW` (last weekday) and `L-n` (n days before the last), which croniter does not
  parse: the field runs as `*` and the day is filtered here;
- the zone: croniter walks wall-clock (naive) times; each is then placed in the zone. A wall
  time the clocks skip (spring forward) does not fire, as in Spring ("executions in a DST gap
  are skipped"). A wall time that happens twice (fall back) fires once, at its first
  occurrence, unless the expression fires every hour (hour field `*`), where the repeated hour
  is an hour like any other and fires again.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadCronError, CroniterBadDateError, croniter

FIELDS = ("seconds", "minutes", "hours", "dayOfMonth", "month", "dayOfWeek")
MACROS = {
    "@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *",
    "@weekly": "0 0 0 * * 0", "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *",
    "@hourly": "0 0 * * * *",
}
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_LAST_DOW = re.compile(r"^([0-7]|SUN|MON|TUE|WED|THU|FRI|SAT)L$", re.IGNORECASE)
_LAST_DOM = re.compile(r"^L(W|-([0-9]{1,2}))$", re.IGNORECASE)
_ALLOWED = re.compile(r"^[0-9A-Za-z*?/,#\-]+$")
# A search gives up after this many candidate wall times (an expression such as `0 0 0 30 2 ?`
# parses but never fires; Spring answers null there too).
_MAX_CANDIDATES = 100_000


class CronError(ValueError):
    """An expression Spring would refuse; `field` names the part that is wrong."""

    def __init__(self, message: str, field: str = "cronExpression") -> None:
        super().__init__(message)
        self.field = field


def zone_of(zone_id: str | None) -> ZoneInfo:
    """The IANA zone (default UTC); CronError(field="zoneId") for an unknown one."""
    name = zone_id or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CronError(f"zoneId: unknown time zone {name!r}", field="zoneId") from exc


@dataclass(frozen=True)
class SpringCron:
    expression: str
    zone: ZoneInfo
    _croniter_expr: str = field(repr=False)
    _day_filter: Callable[[date], bool] | None = field(repr=False, compare=False)
    _every_hour: bool = field(repr=False)

    @classmethod
    def parse(cls, expression: str, zone_id: str | None = None) -> SpringCron:
        zone = zone_of(zone_id)
        if not isinstance(expression, str) or not expression.strip():
            raise CronError("cronExpression must be a non-empty string")
        text = MACROS.get(expression.strip().lower(), expression.strip())
        parts = text.split()
        if len(parts) != 6:
            raise CronError(f"cronExpression must have 6 fields (seconds minutes hours day-of-month month "
                            f"day-of-week), found {len(parts)} in {expression!r}")
        day_filter: Callable[[date], bool] | None = None
        for i, part in enumerate(parts):
            if not _ALLOWED.match(part):
                raise CronError(f"cronExpression: invalid characters in the {FIELDS[i]} field: {part!r}")
            if "?" in part and (part != "?" or i not in (3, 5)):
                raise CronError(f"cronExpression: '?' is allowed only as the whole day-of-month or "
                                f"day-of-week field, not in {FIELDS[i]}: {part!r}")
            _check_ranges(part, i)
        if parts[3] == "?":
            parts[3] = "*"
        if parts[5] == "?":
            parts[5] = "*"
        last_dow = _LAST_DOW.match(parts[5])
        if last_dow:
            day = last_dow.group(1).upper()
            parts[5] = "L" + str(_DAYS.index(day) if day in _DAYS else int(day) % 7)
        last_dom = _LAST_DOM.match(parts[3])
        if last_dom:
            day_filter = _last_weekday if last_dom.group(1).upper() == "W" else _days_before_last(
                int(last_dom.group(2)))
            parts[3] = "*"
        croniter_expr = " ".join(parts)
        try:
            parsed = croniter(croniter_expr, datetime(2000, 1, 1), second_at_beginning=True, day_or=False)
        except (CroniterBadCronError, ValueError, KeyError, IndexError) as exc:
            raise CronError(f"cronExpression: {expression!r} is not a valid Spring cron expression ({exc})") from exc
        every_hour = parsed.expanded[1] == ["*"]
        return cls(expression, zone, croniter_expr, day_filter, every_hour)

    # -- fire times ----------------------------------------------------------------------------
    def next_after(self, after: datetime) -> datetime | None:
        """The first fire time strictly after the aware instant `after`, or None if it never fires."""
        return next(self.iter_after(after), None)

    def iter_after(self, after: datetime) -> Iterator[datetime]:
        """Fire times after `after`, ascending, as UTC datetimes.

        UTC, because Python compares two datetimes of the same ZoneInfo by wall time and ignores
        `fold`: the two passes of a repeated hour would compare equal.
        """
        if after.tzinfo is None:
            raise ValueError("after must be timezone-aware")
        after = after.astimezone(UTC)
        local = after.astimezone(self.zone)
        start = local.replace(tzinfo=None)
        shift = _fold_shift(start, self.zone)
        if shift:
            # Inside a repeated hour: its second pass holds instants later than `after` whose
            # wall times are earlier; walk from the first pass's start to see them.
            start -= shift
        walker = croniter(self._croniter_expr, start, second_at_beginning=True, day_or=False)
        pending: list[datetime] = []
        for _ in range(_MAX_CANDIDATES):
            try:
                wall = walker.get_next(datetime)
            except CroniterBadDateError:
                break
            if self._day_filter is not None and not self._day_filter(wall.date()):
                continue
            instants = [i for i in self._place(wall) if i > after]
            pending.extend(instants)
            if instants and not _fold_shift(wall, self.zone):
                # A wall time outside any repeated hour: nothing later in wall-clock order can
                # come earlier in real time, so what is pending is ready, in order.
                pending.sort()
                yield from pending
                pending = []
        pending.sort()
        yield from pending

    def between(self, after: datetime, until: datetime, limit: int | None = None) -> list[datetime]:
        """Fire times in (after, until], ascending (at most `limit`, the earliest)."""
        out: list[datetime] = []
        until = until.astimezone(UTC)
        for instant in self.iter_after(after):
            if instant > until or (limit is not None and len(out) >= limit):
                break
            out.append(instant)
        return out

    def _place(self, wall: datetime) -> list[datetime]:
        """The instants at which a wall-clock time happens in the zone: none in a gap, two in a
        repeated hour (the second only when the expression fires every hour)."""
        first = wall.replace(tzinfo=self.zone, fold=0)
        if first.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) != wall:
            return []  # the clocks skip this wall time
        second = wall.replace(tzinfo=self.zone, fold=1)
        if second.utcoffset() != first.utcoffset() and self._every_hour:
            return [first.astimezone(UTC), second.astimezone(UTC)]
        return [first.astimezone(UTC)]


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def _check_ranges(part: str, index: int) -> None:
    """Spring refuses a range whose start is after its end (`10-2`); croniter would wrap it."""
    names = {4: {m: i + 1 for i, m in enumerate(_MONTHS)}, 5: {d: i for i, d in enumerate(_DAYS)}}.get(index, {})
    for item in part.split(","):
        bounds = item.split("/")[0].split("-")
        if len(bounds) != 2 or bounds[0].upper().startswith("L"):
            continue
        low, high = (names.get(b.upper(), int(b) if b.isdigit() else None) for b in bounds)
        if low is not None and high is not None and low > high:
            raise CronError(f"cronExpression: the range {item!r} in the {FIELDS[index]} field runs backwards")


def _fold_shift(wall: datetime, zone: ZoneInfo) -> timedelta:
    """How much earlier the second pass of a repeated wall time is (zero outside a repeat)."""
    first = wall.replace(tzinfo=zone, fold=0).utcoffset()
    second = wall.replace(tzinfo=zone, fold=1).utcoffset()
    if first is None or second is None or first <= second:
        return timedelta(0)
    return first - second


def _last_weekday(day: date) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    target = date(day.year, day.month, last)
    while target.weekday() >= 5:  # Saturday, Sunday → back to Friday
        target -= timedelta(days=1)
    return day == target


def _days_before_last(n: int) -> Callable[[date], bool]:
    if n > 30:
        raise CronError(f"cronExpression: L-{n} reaches before the start of every month", field="cronExpression")

    def check(day: date) -> bool:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == max(1, last - n)

    return check


def to_ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)
