"""`quizzer import anki FILE`: read the package, map its notes, write the decks, add the history,
and say what was done and what was left out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from quizzer.decks.models import slugify
from quizzer.errors import QuizzerError
from quizzer.import_.history import HistoryResult
from quizzer.import_.media import MediaError
from quizzer.import_.notes import Mapped, Mapper, Skipped
from quizzer.import_.package import Package, PackageError, open_package
from quizzer.import_.write import DeckWriter, WriteError, WriteResult
from quizzer.wording import counted


class ImportError_(QuizzerError, ValueError):
    """The import cannot go on; the message is the one line to print."""


@dataclass(slots=True)
class ImportReport:
    """Everything `quizzer import anki` did, or in a dry run would do."""

    package: Path
    into: Path
    dry_run: bool
    notes: int = 0
    cards: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    """Imported notes by Anki note type."""
    converted: Counter[str] = field(default_factory=Counter)
    """Notes of other types made basic from their first two fields, by note type."""
    skipped: list[Skipped] = field(default_factory=list)
    missing_media: list[str] = field(default_factory=list)
    written: WriteResult = field(default_factory=WriteResult)
    history: HistoryResult | None = None
    fsrs_params: dict[str, list[float]] = field(default_factory=dict)
    params_asked: bool = False
    """--use-params was given."""
    params_written: bool = False

    def lines(self) -> list[str]:
        """The report, one line per fact."""
        w = self.written
        verb = "would write" if self.dry_run else "wrote"
        types = ", ".join(f"{name} {n}" for name, n in sorted(self.by_type.items()))
        out = [
            f"read {self.package}: {counted(self.notes, 'note')} ({types or 'none imported'}), "
            f"{counted(self.cards, 'card')}",
            f"{verb} into {self.into}: {counted(len(w.deck_files), 'deck file')}; "
            f"{counted(w.added, 'question')} added, {w.updated} updated, {w.unchanged} unchanged; "
            f"{counted(w.media, 'media file')}",
        ]
        if w.bundled:
            out.append(
                f"left {counted(w.bundled, 'question')} to the bundled decks, which hold them as "
                "the package does (no copy in your decks folder to hide their later changes)"
            )
        if self.history is not None:
            h = self.history
            out.append(
                f"history: {counted(h.reviews, 'review')} {'to add' if self.dry_run else 'added'}"
                f" ({h.already} already there), {h.suspended} suspended, {h.buried} buried"
                + (f", {h.forgotten} forgotten" if h.forgotten else "")
                + ("" if self.dry_run else f"; {counted(h.cards, 'card')} replayed")
            )
            out += [f"history skipped {n}: {reason}" for reason, n in sorted(h.skipped.items())]
        if self.converted:
            kinds = ", ".join(f"{name} {n}" for name, n in sorted(self.converted.items()))
            out.append(
                f"warning: {counted(sum(self.converted.values()), 'note')} of other note types "
                f"became basic questions from their first two fields ({kinds})"
            )
        if w.kept_edited:
            out.append(
                f"kept {counted(len(w.kept_edited), 'question')} edited since the last import "
                f"(first: {w.kept_edited[0]}); --force overwrites them"
            )
        if w.kept_own:
            out.append(
                f"kept {counted(len(w.kept_own), 'question')} already in the decks under the ids "
                f"the package gives (first: {w.kept_own[0]}); --force overwrites them"
            )
        if w.not_restored:
            out.append(
                f"did not add back {counted(len(w.not_restored), 'question')} removed since the "
                f"last import (first: {w.not_restored[0]}); --force adds them"
            )
        for placed in w.media_renamed:
            taken = placed.taken.name if placed.taken else ""
            why = (
                f"{taken} holds the package's {placed.taken_by!r}"
                if placed.taken_by
                else f"{taken} already holds a different file"
            )
            out.append(f"{verb} media file {placed.name!r} as {placed.target}: {why}")
        if self.missing_media:
            out.append(
                f"warning: {counted(len(self.missing_media), 'media reference')} to files the "
                f"package lacks (first: {self.missing_media[0]}); the alt text stays"
            )
        for skip in self.skipped:
            out.append(f"skipped {skip.what}: {skip.reason}")
        for preset, params in sorted(self.fsrs_params.items()):
            shown = ", ".join(f"{p:.4f}" for p in params)
            out.append(f"FSRS-6 parameters of Anki preset {preset!r}: [{shown}]")
        if self.params_written:
            out.append("wrote these FSRS parameters to config.toml")
        elif self.fsrs_params and self.params_asked:  # a dry run
            out.append("(without --dry-run, --use-params writes them to config.toml)")
        elif self.fsrs_params:
            out.append("(--use-params writes them to config.toml)")
        elif self.params_asked:
            out.append(
                "--use-params: no preset of the package has FSRS parameters; "
                "config.toml not changed"
            )
        if self.dry_run:
            out.append("dry run: nothing written")
        return out


def import_anki(
    package_path: Path,
    into: Path,
    *,
    prefix: str = "",
    with_history: bool = False,
    use_params: bool = False,
    force: bool = False,
    dry_run: bool = False,
    now_ms: int,
) -> ImportReport:
    """Import one Anki package into the decks folder `into`."""
    if into.exists() and not into.is_dir():
        raise ImportError_(f"{into}: not a folder")
    prefix = "/".join(slugify(p) for p in prefix.split("/") if p.strip())
    report = ImportReport(package_path, into, dry_run, params_asked=use_params)
    try:
        with open_package(package_path) as package:
            _import(package, report, prefix, with_history, force, now_ms)
            if use_params and package.fsrs_params and not dry_run:
                from quizzer.config_edit import save_parameters

                save_parameters(next(iter(sorted(package.fsrs_params.items())))[1])
                report.params_written = True
    except (PackageError, WriteError, MediaError) as exc:
        raise ImportError_(str(exc)) from None
    return report


def _import(
    package: Package,
    report: ImportReport,
    prefix: str,
    with_history: bool,
    force: bool,
    now_ms: int,
) -> None:
    available = {p.name for p in package.media_dir.iterdir() if p.is_file()}
    mapper = Mapper(available)
    items: list[tuple[str, Mapped]] = []
    for note in package.notes:
        result = mapper.map(note)
        if isinstance(result, Skipped):
            report.skipped.append(result)
            continue
        items.append((note.guid, result))
        report.by_type[result.note_type] += 1
        report.cards += len(result.cards)
        report.missing_media += result.missing_media
        if result.converted:
            report.converted[result.note_type] += 1
    report.notes = len(items)
    report.fsrs_params = package.fsrs_params
    writer = DeckWriter(
        report.into, prefix=prefix, force=force, beside=_bundled_beside(report.into)
    )
    report.written = writer.plan(items, package.media_dir, dry_run=report.dry_run)
    if not report.dry_run:
        _check_written(report.into, report.written)
    if with_history:
        report.history = _history(package, report, dict(items), now_ms)


def _bundled_beside(into: Path) -> Path | None:
    """The bundled decks when `into` is the learner's own decks folder, loaded with them (where a
    deck replaces the bundled deck of its id); None for any other folder."""
    from quizzer import paths

    if paths.decks_override() is not None:
        return None
    if into.resolve() != paths.user_decks_dir().resolve():
        return None
    return paths.bundled_decks()


def _check_written(into: Path, written: WriteResult) -> None:
    """Every file written loads as a deck: a failure here is a bug, said plainly."""
    from quizzer.decks.loader import LoadedDeck, load_file

    for path in written.deck_files:
        deck_id = path.relative_to(into).with_suffix("").as_posix()
        loaded = load_file(path, deck_id)
        if not isinstance(loaded, LoadedDeck):
            raise ImportError_(f"the imported deck does not load: {loaded[0]}")


def _history(
    package: Package, report: ImportReport, mapped: dict[str, Mapped], now_ms: int
) -> HistoryResult:
    from quizzer.clock import calendar, local_zone
    from quizzer.config import load_settings
    from quizzer.import_.history import add_history, build_events, card_map
    from quizzer.store.db import Store, default_path

    removed = set(report.written.not_restored)
    placed = {
        guid: (f"{p.deck_id}:{p.question_id}", mapped[guid].cards)
        for guid, p in report.written.placed.items()
        if f"{p.deck_id}:{p.question_id}" not in removed
    }
    notes = {n.guid: n for n in package.notes}
    settings = load_settings()
    zone = local_zone(settings.timezone)
    events, result = build_events(
        package.reviews,
        package.notes,
        card_map(notes, placed),
        now_ms=now_ms,
        zone=zone,
        day_starts_at=settings.day_starts_at,
    )
    if report.dry_run and not default_path().exists():
        # no log yet, so every event is new; opening the store would create the database
        add_history(None, settings, zone, events, result, dry_run=True)
        return result
    store = Store()
    if not report.dry_run:  # bringing the statistics totals up to date writes to the database
        store.use_calendar(calendar(zone, settings.day_starts_at))
    try:
        add_history(store, settings, zone, events, result, dry_run=report.dry_run)
    finally:
        store.close()
    return result
