"""The core never imports Textual, and `quizzer due` stays light."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import SAMPLE_DECK

CORE = [
    "quizzer",
    "quizzer.cli",
    "quizzer.config",
    "quizzer.clock",
    "quizzer.paths",
    "quizzer.decks.models",
    "quizzer.decks.loader",
    "quizzer.decks.tree",
    "quizzer.decks.cards",
    "quizzer.decks.grading",
    "quizzer.decks.schema",
    "quizzer.decks.cache",
    "quizzer.store.db",
    "quizzer.store.migrations",
    "quizzer.scheduling",
    "quizzer.replay",
    "quizzer.queue",
    "quizzer.session",
    "quizzer.collection",
    "quizzer.check",
    "quizzer.files",
    "quizzer.terminal",
    "quizzer.decks.stored",
    "quizzer.sync_lines",
    "quizzer.search",
    "quizzer.finding",
    "quizzer.store.log",
]
OPTIONAL_CORE = [
    "quizzer.stats",
    "quizzer.views.stats",
    "quizzer.optimize",
    "quizzer.training_set",
    "quizzer.sync",
    "quizzer.export.anki",
    "quizzer.export.reviews",
]


def imported_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_core_never_imports_textual() -> None:
    import importlib.util

    modules = CORE + [m for m in OPTIONAL_CORE if importlib.util.find_spec(m) is not None]
    loaded = imported_after("\n".join(f"import {m}" for m in modules))
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_due_command_imports_neither_textual_nor_genanki(tmp_path, monkeypatch) -> None:
    code = (
        "import contextlib, io\nfrom quizzer.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['due', '--json'])"
    )
    loaded = imported_after(code)
    assert "textual" not in loaded
    assert "genanki" not in loaded
    assert "quizzer.tui" not in loaded


def test_decks_from_the_cache_need_no_yaml_parser(write_deck, decks_dir) -> None:
    """Validated decks read back from the deck cache skip the loader; an edited deck goes
    through it again and its problem is still reported."""
    from quizzer.collection import load_decks

    write_deck("speech/ctc", SAMPLE_DECK)
    load_decks()  # fills the cache
    code = "from quizzer.collection import load_decks\nprint(len(load_decks().decks))"
    loaded = imported_after(code)
    assert "quizzer.decks.tree" in loaded
    assert not {"yaml", "quizzer.decks.loader"} & loaded
    broken = decks_dir / "speech" / "ctc.yaml"
    broken.write_text(broken.read_text().replace("questions:", "questions: [", 1))
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('yaml' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["0", "True"]
    assert load_decks().problems


def test_stats_from_its_index_imports_neither_yaml_nor_pydantic(sample_tree) -> None:
    code = (
        "import contextlib, io\nfrom quizzer.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['stats', '--json'])"
    )
    first = imported_after(code)  # loads the decks, and writes the stats index
    assert "pydantic" in first and "yaml" in first
    loaded = imported_after(code)
    assert not {m for m in loaded if m.split(".")[0] in ("pydantic", "yaml", "rich", "fsrs")}


def test_review_without_a_query_leaves_the_search_language_for_later(sample_tree) -> None:
    """`quizzer review` imports only what its first card needs before the app runs: no search
    language without a query, no statistics, no exporter."""
    code = (
        "import quizzer.commands.review as review\nfrom textual.app import App\n"
        "review._has_terminal = lambda: True\nApp.run = lambda self, **kw: None\n"
        "from quizzer.cli import main\nassert main(['review']) == 0"
    )
    loaded = imported_after(code)
    assert "quizzer.tui.app" in loaded
    assert not {"quizzer.search", "quizzer.finding", "quizzer.stats", "genanki"} & loaded
    with_query = imported_after(code.replace("['review']", "['review', '--query', 'is:due']"))
    assert "quizzer.search" in with_query
