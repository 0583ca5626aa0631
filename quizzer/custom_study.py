"""Custom study, as Anki offers it: more cards today (`Session.extend`), and sessions built from
a search, like Anki's custom study filtered decks: review ahead (cards due within N days,
rescheduled by the answers) and forgotten cards (rated Again in the last N days, practised
without rescheduling, as a cram session)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizzer.session import Selection


def custom_query(query: str | None, ahead: int | None, forgotten: int | None) -> str | None:
    """The search a custom study session covers: cards due within `ahead` days (Anki's review
    ahead, `prop:due<=N`), or rated Again in the last `forgotten` days (`rated:N:1`), within
    `query` when there is one."""
    extra = (
        f"prop:due<={ahead}"
        if ahead is not None
        else f"rated:{forgotten}:1"
        if forgotten is not None
        else None
    )
    if extra is None or query is None:
        return extra or query
    return f"{extra} ({query})"


def custom_selection(
    decks: tuple[str, ...], kind: str, amount: int = 0, query: str = ""
) -> tuple[Selection, bool]:
    """The session a custom study choice opens on `decks` (`ahead`, `forgotten`, `query` or
    `cram`), and whether it is a cram (answers that do not reschedule)."""
    from quizzer.session import Selection

    if kind == "ahead":
        return Selection(decks, query=custom_query(None, amount, None), ahead=True), False
    if kind == "forgotten":
        return Selection(decks, query=custom_query(None, None, amount)), True
    if kind == "query":
        return Selection(decks, query=query), False
    if kind == "cram":
        return Selection(decks), True
    raise ValueError(f"no custom study session {kind!r}")
