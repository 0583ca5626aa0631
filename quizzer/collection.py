"""A learner's collection: the deck tree, the store and the settings, opened together.

`due_plan` answers "what is left today" from the card index (decks/cache.py) when it is current:
no YAML, no pydantic, no fsrs, which keeps `quizzer due` well under a third of a second;
`answer_index` gives `quizzer answer` what it needs from the same index (the cards, each deck's
scheduling settings, the answer keys). Modules are imported where they are used so that those
paths stay light.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from quizzer import paths
from quizzer.wording import counted

if TYPE_CHECKING:
    from quizzer.after_answer import AfterNotes
    from quizzer.clock import Calendar
    from quizzer.config import Settings
    from quizzer.decks.grading import AnswerKey
    from quizzer.decks.tree import DeckTree
    from quizzer.queue import Plan
    from quizzer.replay import DeckSettings
    from quizzer.session import Selection, Session
    from quizzer.store.db import Store


@dataclass(slots=True)
class Collection:
    """Everything a command needs about the learner's decks and memory."""

    tree: DeckTree
    store: Store
    settings: Settings
    zone: tzinfo
    _deck_settings: DeckSettings | None = field(default=None, init=False, repr=False)

    def deck_settings(self) -> DeckSettings:
        """Each deck's settings (`replay.DeckSettings`, which works them out once per deck),
        kept while the settings and zone stay the same."""
        from quizzer.replay import DeckSettings

        found = self._deck_settings
        if found is None or found.settings is not self.settings or found.zone is not self.zone:
            found = self._deck_settings = DeckSettings(self.settings, self.zone)
        return found

    def session(self, selection: Selection | None = None, *, cram: bool = False) -> Session:
        """A study session over part or all of the collection (all of it by default)."""
        from quizzer.session import Selection, Session

        return Session(
            self.store, self.tree, self.settings, self.zone, selection or Selection(), cram=cram
        )

    def make_room_for_answers(self) -> bool:
        """Ready the database for a session's commits (`store.wal_room.make_room`: a few
        megabytes written once, so that answers do not wait for the log file to grow). Call it
        off the interface's thread. Returns whether it wrote."""
        from quizzer.store.wal_room import make_room

        return make_room(self.store.path)

    def orphans(self) -> list[str]:
        """Ids of cards with history whose question is no longer in the decks."""
        from quizzer.store.log import cards_in_log

        known = self.tree.card_index()
        return [card_id for card_id in cards_in_log(self.store.db) if card_id not in known]

    def close(self) -> None:
        """Close the store, and the connections the statistics keep open (`stats.kept`)."""
        if "stats.kept" in self.tree.derived:  # statistics were computed (and imported)
            from quizzer.stats.kept import release

            release(self.tree)
        self.store.close()


def load_decks(decks_dir: Path | None = None) -> DeckTree:
    """Load the decks in use: only `decks_dir` when given, else `paths.deck_roots()` (the
    `--decks` tree, or the bundled decks with the learner's own)."""
    from quizzer.decks.tree import load_roots

    roots = [decks_dir] if decks_dir is not None else paths.deck_roots()
    return load_roots(roots, show_relative_to=paths.bundled_decks().parent)


def reload_decks(tree: DeckTree) -> DeckTree:
    """Load the same trees again (after an edit)."""
    from quizzer.decks.tree import load_roots

    return load_roots(tree.roots, show_relative_to=paths.bundled_decks().parent)


def deck_origin(tree: DeckTree, deck_id: str) -> str:
    """Where a deck comes from, as people read it: `bundled`, `user` (the user decks folder), or
    the folder it was found in."""
    root = tree.root_of(deck_id)
    if root == paths.bundled_decks():
        return "bundled"
    if root == paths.user_decks_dir():
        return "user"
    return str(root)


def editable_deck(tree: DeckTree, deck_id: str) -> tuple[Path, Path | None]:
    """The file to open for editing a deck, and where a bundled deck was copied from.

    A bundled deck is never edited in place (an upgrade would undo the edit): it is first copied
    into the user decks folder, with the figures and clips it refers to, and the copy replaces
    it from then on (same ids, so its history stays)."""
    import shutil

    loaded = tree.decks.get(deck_id)
    path = loaded.path if loaded is not None else tree.failed[deck_id]
    root = tree.root_of(deck_id)
    if root != paths.bundled_decks():
        return path, None
    copy = paths.user_decks_dir() / path.relative_to(root)
    if not copy.exists():
        copy.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        for ref in _MEDIA_REF.findall(text):
            source = (path.parent / ref).resolve()
            target = copy.parent / ref
            if source.is_file() and root.resolve() in source.parents and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
        shutil.copyfile(path, copy)
    return copy, path


_MEDIA_REF = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
"""A Markdown image or clip reference: `![alt](media/file.png)`."""


def open_collection(decks_dir: Path | None = None, tree: DeckTree | None = None) -> Collection:
    """Open the collection of the data directory in use (`--data-dir` or `QUIZZER_HOME`)."""
    from quizzer.clock import calendar, local_zone
    from quizzer.config import load_settings
    from quizzer.store.db import Store

    settings = load_settings()
    store = Store()
    zone = local_zone(settings.timezone)
    store.use_calendar(calendar(zone, settings.day_starts_at))
    if store.pending_replay() is not None:
        import sys

        from quizzer.replay import run_pending_replay

        replayed = run_pending_replay(store, settings, zone)
        if replayed is not None:
            moved, total = replayed
            print(
                f"quizzer: replayed the history of {counted(total, 'card')} with FSRS's elapsed "
                f"time counted in study days, as Anki counts it: {moved} moved to another due date",
                file=sys.stderr,
            )
    return Collection(tree or load_decks(decks_dir), store, settings, zone)


# ---------------------------------------------------------------- the card index (`due`)


class CardRef(NamedTuple):
    """A card as the queue sees it, without its question (what the card index stores)."""

    id: str
    deck_id: str
    question_id: str


@dataclass(frozen=True, slots=True)
class Limits:
    """The settings the queue reads, for the whole collection or for one deck."""

    new_per_day: int
    reviews_per_day: int
    bury_siblings: bool
    limits_start_from_top: bool = False


class IndexedSettings:
    """The settings the queue needs, as stored in the card index (duck-types `DeckSettings`)."""

    def __init__(
        self,
        parameters: tuple[float, ...],
        overall: Limits,
        per_deck: dict[str, Limits],
        per_folder: dict[str, tuple[int, int]],
    ) -> None:
        self.parameters = parameters
        self.settings = overall
        self.per_deck = per_deck
        self.per_folder = per_folder

    def node_limits(self, node: str) -> tuple[int, int]:
        """(new, review) cards per day of the root (`""`), a folder or a deck."""
        if not node:
            return self.settings.new_per_day, self.settings.reviews_per_day
        deck = self.per_deck.get(node)
        if deck is not None:
            return deck.new_per_day, deck.reviews_per_day
        return self.per_folder[node]

    def for_card(self, card_id: str) -> Limits:
        """The limits of the card's deck."""
        return self.per_deck[card_id.rpartition(":")[0]]


def _config_bytes() -> bytes:
    from quizzer.files import DECK_LIMIT, read_regular

    try:
        return b"file\0" + read_regular(paths.config_path(), DECK_LIMIT)
    except FileNotFoundError:
        return b"none"
    except OSError:
        return b"unreadable"


def index_fingerprint(roots: list[Path]) -> str | None:
    """The fingerprint of the decks under `roots` and of the configuration that the card index
    (and the stats index) are keyed by."""
    from quizzer.decks.cache import tree_fingerprint

    return tree_fingerprint(roots, _config_bytes())


def writable_fingerprint(col: Collection) -> str | None:
    """The fingerprint to store this collection's indexes under; None when none may be written:
    caching is off, or some deck failed to load (the full path then keeps reporting it)."""
    from quizzer.decks.cache import caching_enabled

    if col.tree.problems or not caching_enabled():
        return None
    return index_fingerprint(col.tree.roots)


def current_index(part: str = "") -> tuple[str, Any, ParsedIndex] | None:
    """The card index (or the `part` of it kept beside it) while it is current: its
    fingerprint, its payload and the payload's checked contents (`parse_index`); None when
    caching is off or the index is missing, stale or damaged."""
    from quizzer.decks.cache import caching_enabled, read_index

    if not caching_enabled():
        return None
    fingerprint = index_fingerprint(paths.deck_roots())
    if fingerprint is None:
        return None
    payload: Any = read_index(fingerprint, part)
    parsed = parse_index(payload) if payload is not None else None
    return None if parsed is None else (fingerprint, payload, parsed)


def write_card_index(col: Collection) -> None:
    """Record what `due_plan` and `quizzer answer` need about this collection's decks and
    settings, unless some deck failed to load."""
    from quizzer.decks.cache import write_index

    fingerprint = writable_fingerprint(col)
    if fingerprint is None:
        return
    from quizzer.after_answer import AfterNotes
    from quizzer.decks.grading import AnswerKey

    keys = {}
    notes = {}
    for deck_id, loaded in col.tree.decks.items():
        for q in loaded.deck.questions:
            if q.auto_graded:
                keys[f"{deck_id}:{q.id}"] = AnswerKey.of(q).to_data()
            if (data := AfterNotes.of(q).to_data()) is not None:
                notes[f"{deck_id}:{q.id}"] = data
    write_index(fingerprint, keys, KEYS)
    write_index(fingerprint, notes, NOTES)
    write_index(fingerprint, index_payload(col))


def index_payload(col: Collection) -> dict[str, Any]:
    """What the card index holds: every card (in study order) and the settings the queue
    reads."""
    cards = [(c.id, c.deck_id, c.question_id) for c in col.tree.cards()]
    per_deck = {}
    per_folder = {}
    rules = {}
    for deck_id in col.tree.decks:
        s = col.settings.for_deck(deck_id)
        per_deck[deck_id] = (s.new_per_day, s.reviews_per_day, s.bury_siblings)
        rules[deck_id] = [getattr(s, name) for name in RULE_FIELDS]
        parts = deck_id.split("/")
        for folder in ("/".join(parts[:i]) for i in range(1, len(parts))):
            f = col.settings.for_deck(folder)
            per_folder[folder] = (f.new_per_day, f.reviews_per_day)
    g = col.settings
    payload = {
        "cards": cards,
        "parameters": tuple(g.parameters),
        "overall": (g.new_per_day, g.reviews_per_day, g.bury_siblings),
        "from_top": g.limits_start_from_top,
        "per_deck": per_deck,
        "per_folder": per_folder,
        "day_starts_at": g.day_starts_at,
        "timezone": g.timezone,
        "rules": rules,
    }
    return payload


def _indexed_plan(now_ms: int) -> Plan | None:
    """Today's queue over every deck, from the card index; None when it is not current."""
    index = current_index()
    if index is None:
        return None
    settings, cards, zone, day_starts_at = index[2]
    from quizzer.clock import calendar
    from quizzer.queue import day_at, done_today, plan, state_rows
    from quizzer.store.db import Store

    with Store() as store:
        if store.pending_replay() is not None:
            return None  # the full open replays first
        day = day_at(now_ms, calendar(zone, day_starts_at))
        return plan(cards, state_rows(store.db), settings, day, done_today(store.db, day))


ParsedIndex = tuple[IndexedSettings, list[CardRef], tzinfo, int]
"""The card index's contents: the settings the queue reads, every card, the zone, the day start."""


def parse_index(payload: Any) -> ParsedIndex | None:
    """The card index's contents, each value checked (the file is JSON anyone could have
    written); None when anything is off, and the full path then rebuilds it."""
    from quizzer.clock import ClockError, local_zone

    def limits(value: Any) -> Limits:
        new, reviews, bury = value
        if type(new) is not int or type(reviews) is not int or type(bury) is not bool:
            raise TypeError("bad limits")
        return Limits(new, reviews, bury)

    try:
        parameters = tuple(payload["parameters"])
        if len(parameters) != 21 or not all(type(p) in (int, float) for p in parameters):
            return None
        per_deck = {str(d): limits(v) for d, v in payload["per_deck"].items()}
        per_folder = {}
        for folder, value in payload["per_folder"].items():
            new, reviews = value
            if type(new) is not int or type(reviews) is not int:
                return None
            per_folder[str(folder)] = (new, reviews)
        from_top = payload["from_top"]
        if type(from_top) is not bool:
            return None
        cards = [CardRef(*c) for c in payload["cards"]]
        folders_ok = all(
            "/".join(d.split("/")[:i]) in per_folder
            for d in per_deck
            for i in range(1, d.count("/") + 1)
        )
        if not folders_ok or not all(type(c.id) is str and c.deck_id in per_deck for c in cards):
            return None
        timezone, day_starts_at = payload["timezone"], payload["day_starts_at"]
        if not (timezone is None or type(timezone) is str) or day_starts_at not in range(24):
            return None
        overall = limits(payload["overall"])
        overall = Limits(
            overall.new_per_day, overall.reviews_per_day, overall.bury_siblings, from_top
        )
        settings = IndexedSettings(parameters, overall, per_deck, per_folder)
        return settings, cards, local_zone(timezone), day_starts_at
    except (KeyError, TypeError, ValueError, AttributeError, ClockError):
        return None


def due_plan(now_ms: int, open_full: Callable[[], Collection] = open_collection) -> Plan:
    """Today's queue over every deck: from the card index when it is current, else by opening
    the collection in full (`open_full`), which then refreshes the index."""
    quick = _indexed_plan(now_ms)
    if quick is not None:
        return quick
    col = open_full()
    try:
        result = col.session().plan(now_ms)
        write_card_index(col)
    finally:
        col.close()
    return result


# ---------------------------------------------------------------- the card index (`answer`)

KEYS = "keys"
"""The file beside the card index that holds the answer keys of the auto-graded questions."""
NOTES = "notes"
"""The file beside the card index that holds what each question shows once answered (its
explanation, source and options' feedback), for `quizzer answer --json`."""


@dataclass(frozen=True, slots=True)
class DeckRules:
    """The settings of one deck that a review reads (`scheduling.Rules`), as the card index
    stores them."""

    desired_retention: float
    learning_steps: tuple[float, ...]
    relearning_steps: tuple[float, ...]
    maximum_interval: int
    fuzz: bool
    leech_threshold: int
    leech_action: str


RULE_FIELDS = tuple(f.name for f in fields(DeckRules))


class IndexedRules:
    """Every deck's scheduling settings, the FSRS parameters and the study calendar, from the
    card index (duck-types `replay.DeckSettings` for `replay.derive`)."""

    def __init__(
        self, parameters: tuple[float, ...], calendar: Calendar, per_deck: dict[str, DeckRules]
    ) -> None:
        self.parameters = parameters
        self.calendar = calendar
        self.per_deck = per_deck

    def for_card(self, card_id: str) -> DeckRules:
        """The settings of the card's deck."""
        return self.per_deck[card_id.rpartition(":")[0]]


@dataclass(slots=True)
class AnswerIndex:
    """What `quizzer answer` needs of the collection, from a current card index: which cards
    exist, how each deck schedules, the learner's zone, and (read on demand) the answer keys."""

    fingerprint: str
    card_ids: set[str]
    rules: IndexedRules
    zone: tzinfo

    def answer_key(self, card_id: str) -> AnswerKey | None:
        """The answer key of an auto-graded card; None for a self-graded one, or when the keys
        are missing or damaged (the full path then answers)."""
        from quizzer.decks.cache import read_index
        from quizzer.decks.grading import AnswerKey

        keys = read_index(self.fingerprint, KEYS)
        data = keys.get(card_id.partition("#")[0]) if isinstance(keys, dict) else None
        if data is None:
            return None
        try:
            return AnswerKey.from_data(data)
        except (TypeError, ValueError):
            return None

    def notes(self, card_id: str) -> AfterNotes | None:
        """What the card's question shows once answered; None when the notes are missing or
        damaged (the full path then answers)."""
        from quizzer.after_answer import AfterNotes
        from quizzer.decks.cache import read_index

        notes = read_index(self.fingerprint, NOTES)
        if not isinstance(notes, dict):
            return None
        data = notes.get(card_id.partition("#")[0])
        try:
            return AfterNotes() if data is None else AfterNotes.from_data(data)
        except (TypeError, ValueError):
            return None


def answer_index() -> AnswerIndex | None:
    """The card index's view for `quizzer answer`, or None when the index is not current."""
    index = current_index()
    if index is None:
        return None
    fingerprint, payload, (settings, cards, zone, day_starts_at) = index
    per_deck = read_rules(payload.get("rules"), settings.per_deck)
    if per_deck is None:
        return None
    from quizzer.clock import calendar

    rules = IndexedRules(settings.parameters, calendar(zone, day_starts_at), per_deck)
    return AnswerIndex(fingerprint, {c.id for c in cards}, rules, zone)


def read_rules(data: Any, decks: dict[str, Limits]) -> dict[str, DeckRules] | None:
    """Each deck's scheduling settings from the index, every value checked; None when any is
    off or missing."""
    number = (int, float)
    out = {}
    try:
        for deck_id in decks:
            retention, learning, relearning, maximum, fuzz, threshold, action = data[deck_id]
            steps = (*learning, *relearning)
            if not (
                type(retention) in number
                and 0 < retention < 1
                and all(type(m) in number and m > 0 for m in steps)
                and type(maximum) is int
                and maximum >= 1
                and type(fuzz) is bool
                and type(threshold) is int
                and threshold >= 1
                and action in ("tag", "suspend")
            ):
                return None
            out[deck_id] = DeckRules(
                retention, tuple(learning), tuple(relearning), maximum, fuzz, threshold, action
            )
    except (KeyError, TypeError, ValueError):
        return None
    return out
