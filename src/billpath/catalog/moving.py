"""Moving aliases: ids that name different models over time (`deepseek-chat`, `gpt-4o`, `…-latest`).

`catalog/data/moving-aliases.toml` states, per alias id, the channel whose id it is and its windows: the
target model it pointed at from when until when, with a source. `catalog build` checks the table strictly
(`load_table`, `problems`) and writes it into the snapshot; the runtime catalog (`store.Catalog`) then gives
the alias its own offers, materialised from its targets' dated offers clipped to the windows, so a log row or
`compare --at DATE` is priced on the model the id named on that day, with a note saying which. After the last
window of a retired alias there is no price ("no longer sold since …"); rows dated before keep theirs.

One rule turns an instant into days (`first_day`): a day is priced on the target in effect at its start
(00:00 UTC). A switch at 16:00 UTC on 2025-09-05 leaves that day on the earlier target; the first day on the
new one is 2025-09-06. `freshness` applies the same rule to a retirement stated as an instant.

On every channel an alias is priced at what its target of the day costs there: on its own channel that is what
the id cost, elsewhere the comparison `compare` and `price-log` re-pricing make. An alias whose id is also a
model id (`gpt-4o`) names that model in its own windows and its earlier target (`gpt-4o-2024-05-13`) before:
the catalog's `gpt-4o` offers carry the later snapshot's price, which no channel sold before it existed.

Plain dict checks and dataclasses (no pydantic): the table is read at build time and from the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from billpath.catalog.names import normalize_name
from billpath.errors import CatalogError

TABLE = "moving-aliases.toml"
FAMILY = "moving-alias"  # the family of an alias's own model entry (not a model: its targets are)
ALIAS_FIELDS = {"id", "channel", "ids", "note", "source", "window"}
REQUIRED = {"id", "channel", "source", "window"}
WINDOW_FIELDS = {"target", "from", "until", "note", "source"}
# Spellings of an id that moves by construction: the maker's "latest" pointer.
MOVING_SUFFIXES = ("-latest", "@latest", ":latest")


def first_day(when: date | datetime) -> date:
    """The first day priced from `when` on: its own day at 00:00 UTC, else the next (the day-start rule)."""
    if isinstance(when, datetime):
        utc = when.astimezone(UTC)
        return utc.date() if utc.time() == time(0) else utc.date() + timedelta(days=1)
    return when


def instant_text(when: date | datetime) -> str:
    """How an instant is shown and stored: `2025-09-05` for a date, `2025-09-05 16:00 UTC` for a time."""
    if isinstance(when, datetime):
        utc = when.astimezone(UTC)
        if utc.time() == time(0):
            return utc.date().isoformat()
        return f"{utc:%Y-%m-%d %H:%M} UTC"
    return when.isoformat()


def parse_instant(text: str) -> date | datetime:
    """The stored form back (`instant_text`)."""
    if text.endswith(" UTC"):
        return datetime.strptime(text, "%Y-%m-%d %H:%M UTC").replace(tzinfo=UTC)
    return date.fromisoformat(text)


def looks_moving(name: str) -> bool:
    """A name that says it moves (`claude-3-5-sonnet-latest`, `mistral-large@latest`)."""
    last = name.strip().lower().rsplit("/", 1)[-1]
    return last.endswith(MOVING_SUFFIXES)


def unlisted_note(name: str, model: str, table: dict) -> str | None:
    """The note for a name that says it moves (`…-latest`) but is not in the table: priced as what the
    sources map it to today, which may not be what it named on an older row's date."""
    if model in table or not looks_moving(name):
        return None
    return (
        f"{name!r} is a moving alias that {TABLE} does not date: priced as {model}, the model the price sources "
        "map it to today; rows dated before its last move may have used another model"
    )


@dataclass(frozen=True)
class Window:
    target: str
    since: str | None  # the instant as stated (`instant_text`), None: an unrecorded start
    until: str | None  # None: still in force
    note: str | None
    url: str
    checked: str
    source_note: str | None = None

    @property
    def start(self) -> date | None:
        """The first day priced on this target (None: as far back as the target is priced)."""
        return None if self.since is None else first_day(parse_instant(self.since))

    @property
    def end(self) -> date | None:
        """The first day no longer priced on this target (None: still)."""
        return None if self.until is None else first_day(parse_instant(self.until))

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    def span(self) -> str:
        """`from 2024-12-26 to 2025-09-05 16:00 UTC`, `until 2025-10-28`, `(current target)`."""
        if self.since is None and self.until is None:
            return "(its current target; earlier moves not recorded)"
        if self.since is None:
            return f"until {self.until} (since an unrecorded date)"
        return f"from {self.since}" + (f" to {self.until}" if self.until else " on")


@dataclass(frozen=True)
class MovingAlias:
    id: str
    channel: str
    ids: tuple[str, ...]
    windows: tuple[Window, ...]
    note: str | None
    url: str
    checked: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, *self.ids)

    @property
    def retired(self) -> str | None:
        """When the id stopped answering (the last window's end), as stated; None while it is in force."""
        return self.windows[-1].until

    def window_at(self, day: date) -> Window | None:
        return next((w for w in self.windows if w.covers(day)), None)

    def note_for(self, w: Window) -> str:
        """What a price under this window says: which model the id named then, and the source."""
        said = f"{self.id} is a moving alias: {w.target} priced, what it pointed at {w.span()}"
        if w.note:
            said += f" ({w.note})"
        return f"{said}; source {w.url} (checked {w.checked})"

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "channel": self.channel,
            "ids": list(self.ids),
            "note": self.note,
            "source": {"url": self.url, "checked": self.checked},
            "windows": [
                {
                    "target": w.target,
                    "from": w.since,
                    "until": w.until,
                    "note": w.note,
                    "source": {"url": w.url, "checked": w.checked, "note": w.source_note},
                }
                for w in self.windows
            ],
        }


def from_json(data: dict) -> MovingAlias:
    """The snapshot's form (`to_json`) back; raises KeyError/TypeError/ValueError when malformed."""
    return MovingAlias(
        id=data["id"],
        channel=data["channel"],
        ids=tuple(data.get("ids", ())),
        note=data.get("note"),
        url=data["source"]["url"],
        checked=data["source"]["checked"],
        windows=tuple(
            Window(
                target=w["target"],
                since=w.get("from"),
                until=w.get("until"),
                note=w.get("note"),
                url=w["source"]["url"],
                checked=w["source"]["checked"],
                source_note=w["source"].get("note"),
            )
            for w in data["windows"]
        ),
    )


def _source(raw: object, where: str) -> dict:
    if not isinstance(raw, dict) or not {"url", "checked"} <= set(raw) or set(raw) - {"url", "checked", "note"}:
        raise CatalogError(f"{where}: `source` needs `url` and `checked` (and an optional `note`), nothing else")
    if not str(raw["url"]).startswith(("https://", "http://")) or not isinstance(raw["checked"], date):
        raise CatalogError(f'{where}: `source` needs url = "https://..." and checked = YYYY-MM-DD')
    return raw


def _instant(raw: object, where: str, name: str) -> date | datetime:
    if isinstance(raw, datetime):
        if raw.tzinfo is None:
            raise CatalogError(f"{where}: `{name}` {raw} has no UTC offset: write it like 2025-09-05T16:00:00Z")
        return raw
    if isinstance(raw, date):
        return raw
    raise CatalogError(f"{where}: `{name}` must be a date (2025-09-05) or an instant (2025-09-05T16:00:00Z)")


def load_table(path: Path) -> list[MovingAlias]:
    """The alias table, checked on its own (fields, sources, window order): a CatalogError names the problem."""
    if not path.exists():
        return []
    try:
        import tomllib  # only `catalog build` reads the TOML

        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from exc
    unknown = set(data) - {"alias"}
    if unknown:
        raise CatalogError(f"{path}: unknown table(s) {sorted(unknown)}; only [[alias]] is defined")
    out: list[MovingAlias] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("alias", [])):
        where = f"{path.name}: alias[{i}]"
        if set(raw) - ALIAS_FIELDS or not set(raw) >= REQUIRED:
            raise CatalogError(f"{where} must have {sorted(REQUIRED)} and may have `ids`, `note` (got {sorted(raw)})")
        where = f"{path.name}: alias {raw['id']!r}"
        names = [raw["id"], *raw.get("ids", [])]
        if any(not isinstance(n, str) or not n.strip() for n in names):
            raise CatalogError(f"{where}: `id` and `ids` must be non-empty strings")
        for n in names:
            if n.lower() in seen:
                raise CatalogError(f"{where}: {n!r} is listed twice in the table")
            seen.add(n.lower())
        src = _source(raw["source"], where)
        windows = []
        prev_until: date | datetime | None = None
        for j, w in enumerate(raw["window"]):
            at = f"{where} window[{j}]"
            if set(w) - WINDOW_FIELDS or "target" not in w:
                raise CatalogError(f"{at} must have `target` and may have `from`, `until`, `note`, `source`")
            since = _instant(w["from"], at, "from") if "from" in w else None
            until = _instant(w["until"], at, "until") if "until" in w else None
            if since is None and j > 0:
                raise CatalogError(f"{at}: only the first window may omit `from`; start where window[{j - 1}] ends")
            if until is None and j < len(raw["window"]) - 1:
                raise CatalogError(f"{at}: only the last window may omit `until`")
            if since is not None and until is not None and first_day(until) <= first_day(since):
                raise CatalogError(f"{at}: `until` {instant_text(until)} must be a later day than `from`")
            if j > 0 and (since is None or prev_until is None or instant_text(since) != instant_text(prev_until)):
                raise CatalogError(
                    f"{at}: starts at {since and instant_text(since)}, but window[{j - 1}] ends at "
                    f"{prev_until and instant_text(prev_until)}: windows follow each other without gap or overlap"
                )
            prev_until = until
            wsrc = _source(w["source"], at) if "source" in w else src
            windows.append(
                Window(
                    target=w["target"],
                    since=None if since is None else instant_text(since),
                    until=None if until is None else instant_text(until),
                    note=w.get("note"),
                    url=wsrc["url"],
                    checked=wsrc["checked"].isoformat(),
                    source_note=wsrc.get("note"),
                )
            )
        if not windows:
            raise CatalogError(f"{where}: give at least one [[alias.window]]")
        out.append(
            MovingAlias(
                id=raw["id"],
                channel=raw["channel"],
                ids=tuple(raw.get("ids", [])),
                windows=tuple(windows),
                note=raw.get("note"),
                url=src["url"],
                checked=src["checked"].isoformat(),
            )
        )
    return out


def problems(
    aliases: list[MovingAlias],
    makers: dict[str, str],
    released: dict[str, date | None],
    periods: dict[tuple[str, str], list[tuple[date, date | None]]],
    channels: set[str],
    alias_ids: set[str] | None = None,
) -> list[str]:
    """What the table says that the catalog contradicts: an unknown channel or target, a chain of aliases,
    targets of different makers, a window that the target's standard offers on the alias's channel leave
    unpriced on some day (a retirement inside a window, or a target still in force after the target ends).

    `makers` and `released` are per stored model (never the aliases' own entries); `periods` the (first day,
    end) of the standard offers per (model, channel); `alias_ids` every alias id of the table (default: those
    checked). Empty: consistent.
    """
    out = []
    ids = alias_ids if alias_ids is not None else {a.id for a in aliases}
    for a in aliases:
        where = f"moving alias {a.id!r}"
        if a.channel not in channels:
            out.append(f"{where}: unknown channel {a.channel!r}")
        seen_makers = set()
        for w in a.windows:
            if w.target not in makers:
                out.append(f"{where}: target {w.target!r} is not a model of the catalog: add it or fix the name")
                continue
            if w.target in ids and w.target != a.id:
                out.append(f"{where}: target {w.target!r} is itself a moving alias: name the model it points at")
            seen_makers.add(makers[w.target])
            gap = unpriced_day(w, periods.get((w.target, a.channel), []), released.get(w.target))
            if gap:
                out.append(
                    f"{where}: {a.channel} has no price for {w.target} on {gap}, inside the window {w.span()}: "
                    "end the window (the id's retirement) where the target's price ends, or fix the target"
                )
        if len(seen_makers) > 1:
            out.append(f"{where}: targets of different makers ({', '.join(sorted(seen_makers))})")
        if a.id in makers and not any(w.target == a.id for w in a.windows):
            out.append(f"{where}: the id is a model of the catalog, so one window must name it as its own target")
    return out


def unpriced_day(w: Window, periods: list[tuple[date, date | None]], released: date | None) -> str | None:
    """The first day of the window that no period of the target prices, if any."""
    if not periods:
        return "any day"
    start = w.start or max(min(p[0] for p in periods), released or date.min)
    day = start
    for begin, end in sorted(periods):
        if begin > day:
            break
        if end is None:
            return None
        day = max(day, end)
    if w.end is not None and day >= w.end:
        return None
    return day.isoformat()


def standard_periods(offers) -> dict[tuple[str, str], list[tuple[date, date | None]]]:
    """(model, channel) -> the (first day, end) of its standard offers; `offers` yields (model, channel,
    variant_kind, effective_from, effective_to) with dates."""
    out: dict[tuple[str, str], list[tuple[date, date | None]]] = {}
    for model, channel, kind, start, end in offers:
        if kind == "standard":
            out.setdefault((model, channel), []).append((start, end))
    return out


def snapshot_problems(snapshot: dict) -> list[str]:
    """The moving aliases of a built snapshot against its models, offers and name index."""
    try:
        table = [from_json(a) for a in snapshot.get("moving_aliases", [])]
    except (KeyError, TypeError, ValueError) as exc:
        return [f"moving_aliases: malformed entry ({exc}): rebuild with `billpath catalog build`"]
    if not table:
        return []
    stored = [m for m in snapshot["models"] if m.get("family") != FAMILY]
    makers = {m["id"]: m.get("maker", "") for m in stored}
    released = {m["id"]: date.fromisoformat(m["released"]) if m.get("released") else None for m in stored}
    periods = standard_periods(
        (
            o["model"],
            o["channel"],
            o["variant_kind"],
            date.fromisoformat(o["effective_from"]),
            date.fromisoformat(o["effective_to"]) if o["effective_to"] else None,
        )
        for o in snapshot["offers"]
    )
    out = problems(table, makers, released, periods, {c["id"] for c in snapshot["channels"]})
    entries = {m["id"] for m in snapshot["models"]}
    for a in table:
        if a.id not in entries:
            out.append(f"moving alias {a.id!r} has no model entry: rebuild with `billpath catalog build`")
        for n in a.names:
            if snapshot["aliases"].get(normalize_name(n), [None])[0] != a.id:
                out.append(f"moving alias {a.id!r}: the name {n!r} does not resolve to it: rebuild the catalog")
    return out
