"""A learner's collection: the deck tree, the store and the settings, opened together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from quizzer import paths
from quizzer.clock import local_zone
from quizzer.config import Settings, load_settings
from quizzer.decks.loader import DeckTree, load_tree
from quizzer.session import Selection, Session
from quizzer.store.db import Store


@dataclass(slots=True)
class Collection:
    """Everything a command needs about the learner's decks and memory."""

    tree: DeckTree
    store: Store
    settings: Settings
    zone: tzinfo

    def session(self, selection: Selection | None = None, *, cram: bool = False) -> Session:
        """A study session over part or all of the collection (all of it by default)."""
        return Session(
            self.store, self.tree, self.settings, self.zone, selection or Selection(), cram=cram
        )

    def orphans(self) -> list[str]:
        """Ids of cards with history whose question is no longer in the decks."""
        known = self.tree.card_index()
        rows = self.store.db.execute("SELECT DISTINCT card_id FROM log ORDER BY card_id")
        return [r[0] for r in rows if r[0] not in known]

    def close(self) -> None:
        """Close the store."""
        self.store.close()


def load_decks(decks_dir: Path | None = None) -> DeckTree:
    """Load the decks tree in use (`--decks`, `QUIZZER_DECKS`, or the bundled decks)."""
    root = decks_dir or paths.decks_dir()
    return load_tree(root, display_root=root.parent if root == paths.bundled_decks() else None)


def open_collection(decks_dir: Path | None = None, tree: DeckTree | None = None) -> Collection:
    """Open the collection of the data directory in use (`--data-dir` or `QUIZZER_HOME`)."""
    settings = load_settings()
    store = Store()
    return Collection(tree or load_decks(decks_dir), store, settings, local_zone(settings.timezone))
