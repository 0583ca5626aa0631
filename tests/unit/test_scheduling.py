"""The engine: FSRS through the session, the daily queue, undo, rebuild, orphans, the store."""

from __future__ import annotations

import os
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fsrs
import fsrs_rs_python
import pytest

from quizzer.clock import day_bounds, from_ms, study_day, to_ms
from quizzer.collection import Collection, open_collection
from quizzer.config import DEFAULT_PARAMETERS, ConfigError, load_settings
from quizzer.replay import rebuild
from quizzer.scheduling import describe_interval, fsrs_card_id
from quizzer.session import SessionError
from quizzer.state import CardPhase, EventKind, Rating, StateEncoder
from quizzer.store.db import Store, StoreError

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def many_cards(n: int) -> str:
    lines = ["title: Many", "questions:"]
    lines += [f"  - {{id: q{i:03d}, type: basic, prompt: P{i}, answer: A{i}}}" for i in range(n)]
    return "\n".join(lines) + "\n"


def configure(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text)


def ms(moment: datetime) -> int:
    return to_ms(moment)


def study(col: Collection, days: int, rng: random.Random) -> dict[str, list[tuple[int, Rating]]]:
    """Study every day at 09:00 UTC until nothing is left; returns each card's answers."""
    history: dict[str, list[tuple[int, Rating]]] = {}
    session = col.session()
    for day in range(days):
        now = START + timedelta(days=day)
        while (card := session.next(ms(now))) is not None:
            rating = rng.choices(list(Rating), weights=[15, 10, 60, 15])[0]
            at = ms(now)
            session.answer(card.id, rating, at, duration_ms=4000)
            history.setdefault(card.id, []).append((at, rating))
            now += timedelta(seconds=40)
    return history


def test_sixty_days_equal_fsrs_counted_in_study_days(write_deck, isolated: Path) -> None:
    """Sixty days of study at 09:00 UTC (days start at 04:00 UTC): a card answered at 09:05 and
    again at 09:02 the next day is one study day later, though under 24 hours. The states equal
    fsrs-rs's memory of the whole history (Anki's recomputation), and the `fsrs` package's own
    scheduler when it is handed the same elapsed days."""
    write_deck("sim/deck", many_cards(40))
    configure(isolated / "home", "fuzz = false\nnew_per_day = 8\n")
    col = open_collection()
    history = study(col, 60, random.Random(7))
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    anki_model = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS))
    states = col.store.states()
    assert len(history) == 40
    under_a_day = 0
    for card_id, answers in history.items():
        card = fsrs.Card(card_id=fsrs_card_id(card_id))
        reviews = []
        for i, (at, rating) in enumerate(answers):
            days = (
                0
                if i == 0
                else (
                    study_day(from_ms(at), UTC, 4) - study_day(from_ms(answers[i - 1][0]), UTC, 4)
                ).days
            )
            under_a_day += i > 0 and days == 1 and at - answers[i - 1][0] < 86_400_000
            reviews.append(fsrs_rs_python.FSRSReview(int(rating), days))
            if card.last_review is not None:  # fsrs counts whole 24 hours: give it study days
                card.last_review = from_ms(at) - timedelta(days=days)
            card, _ = scheduler.review_card(card, fsrs.Rating(int(rating)), from_ms(at))
        mine = states[card_id]
        memory = anki_model.memory_state(fsrs_rs_python.FSRSItem(reviews))
        assert (mine.stability, mine.difficulty) == (memory.stability, memory.difficulty)
        assert mine.state == CardPhase(int(card.state))
        assert mine.step == card.step
        assert mine.stability == pytest.approx(card.stability, rel=1e-5)  # f32 against f64
        assert mine.difficulty == pytest.approx(card.difficulty, rel=1e-5)
        assert mine.due == to_ms(card.due)
        assert mine.reps == len(answers)
    assert under_a_day > 20  # the case this is about did occur


def test_daily_new_limit_and_reviews_cap(write_deck, isolated: Path) -> None:
    write_deck("sim/deck", many_cards(30))
    configure(isolated / "home", "new_per_day = 5\nreviews_per_day = 3\n")
    col = open_collection()
    history = study(col, 6, random.Random(1))
    introduced: dict[str, int] = {}
    for answers in history.values():
        day = study_day(from_ms(answers[0][0]), UTC, 4)
        introduced[str(day)] = introduced.get(str(day), 0) + 1
    assert list(introduced.values()) == [5] * 6
    reviews_per_day: dict[str, int] = {}
    for row in col.store.db.execute("SELECT at FROM log WHERE state_before = 2"):
        day = str(study_day(from_ms(row[0]), UTC, 4))
        reviews_per_day[day] = reviews_per_day.get(day, 0) + 1
    assert reviews_per_day and max(reviews_per_day.values()) <= 3


def test_due_counts_follow_the_queue(write_deck) -> None:
    write_deck("a/one", many_cards(30))
    col = open_collection()
    session = col.session()
    now = ms(START)
    counts = session.counts(now)
    assert (counts.new, counts.learning, counts.review) == (20, 0, 0)  # default new_per_day
    card = session.next(now)
    assert card is not None and card.id == "a/one:q000"  # deck order
    session.answer(card.id, Rating.AGAIN, now)
    assert session.counts(now).new == 19
    # due in one minute: `next` serves it once the new cards run out (learn-ahead), so it counts
    assert session.counts(now).learning == 1
    assert session.counts(now + 61_000).learning == 1
    assert session.next(now + 61_000).id == card.id  # type: ignore[union-attr]


def test_learning_cards_come_before_reviews_and_new(write_deck) -> None:
    write_deck("a/one", many_cards(5))
    session = open_collection().session()
    now = ms(START)
    first = session.next(now)
    assert first is not None
    session.answer(first.id, Rating.GOOD, now)  # learning, due in 10 minutes
    later = now + 11 * 60_000
    assert session.next(later).id == first.id  # type: ignore[union-attr]


def test_day_boundary_at_four_across_dst() -> None:
    from zoneinfo import ZoneInfo

    ny = ZoneInfo("America/New_York")
    # US clocks jump from 02:00 EST to 03:00 EDT on 2026-03-08.
    start, end = day_bounds(datetime(2026, 3, 7, 12, tzinfo=UTC), ny, 4)
    assert start == datetime(2026, 3, 7, 9, tzinfo=UTC)  # 04:00 EST = 09:00Z
    assert end == datetime(2026, 3, 8, 8, tzinfo=UTC)  # 04:00 EDT = 08:00Z: a 23-hour day
    # 07:30Z on the 8th is 03:30 EDT: still the 7th's study day
    assert str(study_day(datetime(2026, 3, 8, 7, 30, tzinfo=UTC), ny, 4)) == "2026-03-07"
    assert str(study_day(datetime(2026, 3, 8, 8, 0, tzinfo=UTC), ny, 4)) == "2026-03-08"
    # autumn: 2026-11-01 02:00 EDT falls back to 01:00 EST: a 25-hour day
    start, end = day_bounds(datetime(2026, 10, 31, 12, tzinfo=UTC), ny, 4)
    assert end - start == timedelta(hours=25)


def test_queue_day_uses_local_day_start(write_deck, isolated: Path, monkeypatch) -> None:
    write_deck("a/one", many_cards(3))
    configure(isolated / "home", 'timezone = "America/New_York"\nnew_per_day = 1\n')
    session = open_collection().session()
    before_boundary = ms(datetime(2026, 3, 8, 7, 30, tzinfo=UTC))  # 03:30 EDT, day of 7th
    card = session.next(before_boundary)
    assert card is not None
    session.answer(card.id, Rating.EASY, before_boundary)
    assert session.counts(before_boundary + 60_000).new == 0  # limit used for the 7th
    after_boundary = ms(datetime(2026, 3, 8, 8, 1, tzinfo=UTC))  # 04:01 EDT: a new day
    assert session.counts(after_boundary).new == 1


def test_undo_restores_the_exact_earlier_state(sample_tree) -> None:
    col = open_collection()
    session = col.session()
    now = ms(START)
    snapshots = []
    for step in range(6):
        card = session.next(now)
        assert card is not None
        snapshots.append((card.id, col.store.state(card.id)))
        session.answer(card.id, Rating(1 + step % 4), now)
        now += 30_000
    session.bury("demo/sample:order-q", now)
    session.suspend("demo/sample:typed-q", now)
    assert session.undo(now)[0].kind == EventKind.SUSPEND  # type: ignore[index]
    assert session.undo(now)[0].kind == EventKind.BURY  # type: ignore[index]
    for card_id, before in reversed(snapshots):
        undone, restored = session.undo(now)  # type: ignore[misc]
        assert undone.card_id == card_id
        assert restored == before
        assert col.store.state(card_id) == before
    assert session.undo(now) is None
    assert col.store.count("SELECT count(*) FROM log WHERE kind = 'undo'") == 8


@pytest.mark.parametrize("batch", [1, 7, 5_000])
def test_rebuild_reproduces_the_cache_exactly(
    write_deck, isolated: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """However many events are rewritten at a time, the cache, every event's derived columns
    and the statistics totals come out as the live answers wrote them."""
    from quizzer import replay as replay_module
    from quizzer.store import aggregates

    monkeypatch.setattr(replay_module, "REWRITE_BATCH", batch)
    write_deck("sim/deck", many_cards(25))
    col = open_collection()  # fuzz on: the seeded fuzz must replay identically
    study(col, 30, random.Random(3))
    session = col.session()
    session.suspend("sim/deck:q001", ms(START + timedelta(days=30)))
    session.undo(ms(START + timedelta(days=30)))
    session.bury("sim/deck:q002", ms(START + timedelta(days=30)))
    before = col.store.states()
    derived = "SELECT uid, state_before, ivl_before, r_before, before, after FROM log ORDER BY seq"
    written = col.store.db.execute(derived).fetchall()
    cal = col.store.calendar
    assert cal is not None
    totals = aggregates.read(col.store.db, cal)
    col.store.db.execute("DELETE FROM cards")
    col.store.db.execute(  # what a replay computes: the applied events' derived columns
        "UPDATE log SET state_before = NULL, r_before = NULL, after = '{}' WHERE kind != 'undo' "
        "AND uid NOT IN (SELECT target FROM log WHERE target IS NOT NULL)"
    )
    assert col.store.states() == {}
    changed, total = rebuild(col.store, col.settings, col.zone)
    assert col.store.states() == before
    assert col.store.db.execute(derived).fetchall() == written
    assert aggregates.read(col.store.db, cal) == totals
    assert total == len(before)
    assert changed == total  # every card had to be recreated


def test_a_rebuild_writes_only_the_events_it_changes(write_deck) -> None:
    """Derived columns a replay finds already in place are not written again: a rebuild of an
    intact log updates no row, and one of a log with a wrong value updates that row alone."""
    write_deck("sim/deck", many_cards(25))
    col = open_collection()
    study(col, 30, random.Random(3))
    db = col.store.db
    db.execute("CREATE TEMP TABLE touched (uid TEXT)")
    db.execute(
        "CREATE TEMP TRIGGER note_update AFTER UPDATE ON main.log "
        "BEGIN INSERT INTO touched VALUES (new.uid); END"
    )
    rebuild(col.store, col.settings, col.zone)
    assert db.execute("SELECT count(*) FROM touched").fetchone()[0] == 0
    first = db.execute("SELECT uid FROM log WHERE kind = 'review' ORDER BY seq").fetchone()[0]
    db.execute("UPDATE log SET r_before = 0.5 WHERE uid = ?", (first,))
    db.execute("DELETE FROM touched")
    rebuild(col.store, col.settings, col.zone)
    assert [uid for (uid,) in db.execute("SELECT uid FROM touched")] == [first]
    assert db.execute("SELECT r_before FROM log WHERE uid = ?", (first,)).fetchone()[0] is None


def test_a_rebuild_uses_a_larger_page_cache_and_gives_it_back(write_deck) -> None:
    """The replay rewrites the log with a larger page cache; the connection's own size (and the
    memory) comes back after it, and rewriting by `seq` outside a rebuild is refused."""
    from quizzer.store.db import BULK_CACHE_KIB

    write_deck("sim/deck", many_cards(5))
    col = open_collection()
    study(col, 5, random.Random(1))
    db = col.store.db
    usual = db.execute("PRAGMA cache_size").fetchone()[0]
    seen: list[int] = []
    rewrite = col.store.rewrite_replayed

    def noting(*args: Any) -> None:
        seen.append(db.execute("PRAGMA cache_size").fetchone()[0])
        rewrite(*args)

    col.store.rewrite_replayed = noting  # type: ignore[method-assign]
    rebuild(col.store, col.settings, col.zone)
    assert seen and set(seen) == {BULK_CACHE_KIB} != {usual}
    assert db.execute("PRAGMA cache_size").fetchone()[0] == usual
    with pytest.raises(RuntimeError), col.store.transaction():
        rewrite([], StateEncoder())


def test_orphans_keep_their_history(write_deck) -> None:
    path = write_deck("a/one", many_cards(3))
    col = open_collection()
    session = col.session()
    session.answer("a/one:q001", Rating.GOOD, ms(START))
    kept = col.store.state("a/one:q001")
    path.write_text(
        path.read_text().replace("  - {id: q001, type: basic, prompt: P1, answer: A1}\n", "")
    )
    col = open_collection()
    assert col.orphans() == ["a/one:q001"]
    assert "a/one:q001" not in {c.id for c in col.tree.cards()}
    path.write_text(path.read_text() + "  - {id: q001, type: basic, prompt: New text, answer: A}\n")
    col = open_collection()
    assert col.orphans() == []
    assert col.session().state("a/one:q001") == kept


def test_leech_is_tagged_or_suspended(write_deck, isolated: Path) -> None:
    write_deck("a/one", many_cards(1))
    configure(isolated / "home", 'leech_threshold = 2\nleech_action = "suspend"\n')
    col = open_collection()
    session = col.session()
    now = START
    card_id = "a/one:q000"
    session.answer(card_id, Rating.EASY, ms(now))
    for lapse in range(2):
        now = from_ms(col.store.state(card_id).due) + timedelta(hours=1)  # type: ignore[arg-type]
        session.answer(card_id, Rating.AGAIN, ms(now))
        now += timedelta(minutes=11)
        if lapse == 0:
            session.answer(card_id, Rating.GOOD, ms(now))
    state = col.store.state(card_id)
    assert state.lapses == 2 and state.leech and state.suspended
    with pytest.raises(SessionError, match="suspended; 'quizzer unsuspend"):
        session.answer(card_id, Rating.GOOD, ms(now))


def test_cram_leaves_fsrs_state_untouched(sample_tree) -> None:
    col = open_collection()
    cram = col.session(cram=True)
    card = cram.next(ms(START))
    assert card is not None
    cram.answer(card.id, Rating.AGAIN, ms(START))
    assert col.store.state(card.id).state == CardPhase.NEW
    assert col.store.count("SELECT count(*) FROM log WHERE kind = 'cram'") == 1
    assert cram.next(ms(START)).id != card.id  # type: ignore[union-attr]


def test_sibling_burying(sample_tree) -> None:
    col = open_collection()
    session = col.session()
    now = ms(START)
    session.answer("demo/sample:cloze-q#c1", Rating.EASY, now)
    new_ids = [c.id for c in session.plan(now).new]
    assert "demo/sample:cloze-q#c2" not in new_ids
    assert "demo/sample:basic-q" in new_ids
    assert "demo/sample:cloze-q#c2" in [c.id for c in session.plan(now + 86_400_000).new]


def test_newer_schema_is_refused(isolated: Path) -> None:
    store = Store()
    path = store.path
    store.db.execute("PRAGMA user_version = 99")
    store.close()
    with pytest.raises(StoreError, match="written by a newer quizzer"):
        Store(path)


def test_corrupt_database_is_reported_and_left_untouched(isolated: Path) -> None:
    home = isolated / "home"
    home.mkdir()
    bad = home / "quizzer.sqlite3"
    garbage = b"this is not sqlite at all" * 100
    bad.write_bytes(garbage)
    with pytest.raises(StoreError, match="not a quizzer database, or damaged"):
        Store(bad)
    assert bad.read_bytes() == garbage


def test_migrations_are_recorded(isolated: Path) -> None:
    store = Store()
    rows = store.db.execute("SELECT version, name FROM migrations ORDER BY version").fetchall()
    assert rows[0] == (1, "m001_initial")
    assert [v for v, _ in rows] == list(range(1, len(rows) + 1))


def test_bad_config_value_names_its_key(isolated: Path) -> None:
    configure(isolated / "home", "desired_retention = 1.5\n")
    with pytest.raises(ConfigError, match=r"desired_retention: .*less than or equal to 0.99"):
        load_settings()
    configure(isolated / "home", '[decks."tts"]\nfuzz = true\n[decks."asr/*"]\nnew_per_day = -1\n')
    with pytest.raises(ConfigError, match=r'config.toml: decks\."asr/\*"\.new_per_day: '):
        load_settings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("new_per_dy = 12", "new_per_dy: unknown key, did you mean 'new_per_day'?"),
        (
            '[decks."asr/*"]\ndesired_retnetion = 0.9',
            "decks.\"asr/*\".desired_retnetion: unknown key, did you mean 'desired_retention'?",
        ),
        ("colour = 1", "colour: unknown key"),
        (
            'timezone = "Europe/paris"',
            "timezone: unknown time zone: give an IANA name such as Europe/Paris (case matters)",
        ),
    ],
)
def test_a_misspelt_key_or_zone_reads_as_the_lint_of_a_deck_would(
    isolated: Path, text: str, message: str
) -> None:
    """A typo in a key is named with the key it is close to, and no validator's jargon ("Extra
    inputs are not permitted", "Value error,") reaches the learner."""
    configure(isolated / "home", text + "\n")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(f"{isolated / 'home' / 'config.toml'}: {message}")
    assert "Value error" not in str(caught.value)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("new_per_day = true", "new_per_day: Input should be a valid integer (got True)"),
        ('new_per_day = "12"', "new_per_day: Input should be a valid integer (got '12')"),
        ("reviews_per_day = 100.0", "reviews_per_day: Input should be a valid integer (got 100.0)"),
        ('fuzz = "yes"', "fuzz: Input should be a valid boolean (got 'yes')"),
        ("bury_siblings = 0", "bury_siblings: Input should be a valid boolean (got 0)"),
        (
            "desired_retention = true",
            "desired_retention: Input should be a valid number (got True)",
        ),
        ('learning_steps = ["1"]', "learning_steps.0: Input should be a valid number (got '1')"),
        ("timezone = 1", "timezone: Input should be a valid string (got 1)"),
        ('[decks."a/*"]\nleech_threshold = 4.0', 'decks."a/*".leech_threshold: Input should be a'),
    ],
)
def test_config_values_must_have_their_type(isolated: Path, line: str, message: str) -> None:
    configure(isolated / "home", line + "\n")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(f"{isolated / 'home' / 'config.toml'}: {message}")


def test_an_integer_is_a_number_where_a_fraction_is_expected(isolated: Path) -> None:
    configure(isolated / "home", "learning_steps = [1, 2.5]\nparameters = [" + "1, " * 21 + "]\n")
    settings = load_settings()
    assert settings.learning_steps == (1.0, 2.5) and settings.parameters == [1.0] * 21


def test_per_deck_overrides(isolated: Path) -> None:
    configure(
        isolated / "home", 'desired_retention = 0.9\n[decks."asr/*"]\ndesired_retention = 0.95\n'
    )
    settings = load_settings()
    assert settings.for_deck("asr/ctc").desired_retention == 0.95
    assert settings.for_deck("tts/vits").desired_retention == 0.9


def test_settings_without_a_file_are_the_checked_defaults(isolated: Path) -> None:
    """Without config.toml (and for a deck no override matches) the settings are made without
    running the validators again: the values must be those a validation gives."""
    from quizzer.config import Scheduling, Settings

    settings = load_settings()
    assert settings == Settings.model_validate({}) and not settings.model_fields_set
    plain = settings.for_deck("any/deck")
    checked = Scheduling.model_validate({}).model_dump()
    assert plain.model_dump(include=set(Scheduling.model_fields)) == checked
    assert plain.learning_steps == (1.0, 10.0)
    configure(isolated / "home", "learning_steps = [2, 20]\n")
    assert load_settings().for_deck("any/deck").learning_steps == (2.0, 20.0)


def test_store_is_wal_with_foreign_keys(isolated: Path) -> None:
    store = Store()
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert os.path.exists(store.path)
    assert isinstance(store.db, sqlite3.Connection)


def test_fuzz_is_the_fsrs_packages_drawn_from_the_review_uid() -> None:
    """Fuzz spreads an interval exactly as the `fsrs` package does with `random` seeded by the
    review's uid, so dates written before the move to fsrs-rs replay unchanged."""
    from quizzer.config import Scheduling
    from quizzer.scheduling import fuzzed

    spread = set()
    # the same intervals under two maximums: each interval's range is worked out once and kept
    for maximum in (400, 36500, 400):
        settings = Scheduling(maximum_interval=maximum)
        scheduler = fsrs.Scheduler(maximum_interval=maximum)
        for days in (1, 2, 3, 5, 8, 21, 60, 399, 400):
            for k in range(30):
                seed = f"uid-{days}-{k}"
                random.seed(seed)
                expected = scheduler._get_fuzzed_interval(interval=timedelta(days=days)).days
                assert fuzzed(days, settings, seed) == expected, (days, seed, maximum)
                spread.add((days, maximum, expected))
    assert len(spread) > 30  # fuzz did move intervals
    assert max(e for d, m, e in spread if d == 400 and m == 400) == 400  # none past the maximum
    assert max(e for d, m, e in spread if d == 400 and m == 36500) > 400


def test_state_encoder_encodes_each_state_as_to_json_and_once() -> None:
    """A replay's encoder gives `to_json` for every state, reusing only the very state object
    it encoded last for that card (an equal but changed state is encoded afresh)."""
    from quizzer.state import CardState, StateEncoder

    encode = StateEncoder()
    first = CardState("d:q", stability=2.5, reps=1)
    assert encode(first) == first.to_json()
    assert encode(first) is encode(first)  # kept
    later = first.but(reps=2)
    assert encode(later) == later.to_json() != first.to_json()
    other = CardState("d:r")
    assert encode(other) == other.to_json()
    assert encode(later) == later.to_json()
    assert encode(first) == first.to_json()  # no longer the card's last: encoded again


@pytest.mark.parametrize(
    ("ms", "label"),
    [
        (59_000, "<1m"),
        (60_000, "1m"),
        (270_000, "5m"),  # 4.5 minutes: halves round up, as the clock time beside it does
        (330_000, "6m"),
        (3_570_000, "1h"),  # 59.5 minutes is an hour, not 60m
        (int(23.6 * 3_600_000), "1d"),
        (10 * 86_400_000, "10d"),
        (45 * 86_400_000, "1.5mo"),
        (400 * 86_400_000, "1.1y"),
    ],
)
def test_interval_labels_round_half_up_and_change_unit_at_the_next_one(ms: int, label: str) -> None:
    assert describe_interval(ms) == label
