"""Property tests: any valid deck loads; any mangled deck gives only clean, located errors."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzer.decks.loader import LoadedDeck, Problem, load_bytes

text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="{}"),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")
ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)


@st.composite
def question(draw: st.DrawFn, qid: str) -> dict:
    kind = draw(st.sampled_from(["basic", "cloze", "choice", "typed", "numeric", "order"]))
    q: dict = {"id": qid, "type": kind}
    if draw(st.booleans()):
        q["explanation"] = draw(text)
    if kind == "basic":
        q.update(prompt=draw(text), answer=draw(text), reverse=draw(st.booleans()))
    elif kind == "cloze":
        parts = draw(st.lists(text, min_size=1, max_size=3))
        q["text"] = " ".join(f"x {{{{c{i + 1}::{p}}}}}" for i, p in enumerate(parts))
    elif kind == "choice":
        options = draw(st.lists(text, min_size=2, max_size=5, unique_by=str.casefold))
        correct = draw(st.integers(0, len(options) - 1))
        q["prompt"] = draw(text)
        q["choices"] = [{"text": o, "correct": i == correct} for i, o in enumerate(options)]
    elif kind == "typed":
        q.update(prompt=draw(text), answers=draw(st.lists(text, min_size=1, max_size=3)))
    elif kind == "numeric":
        q.update(
            prompt=draw(text), answer=draw(st.floats(-1e9, 1e9)), tolerance=draw(st.floats(0, 100))
        )
    else:
        q.update(
            prompt=draw(text),
            items=draw(st.lists(text, min_size=2, max_size=6, unique_by=str.casefold)),
        )
    return q


@st.composite
def deck(draw: st.DrawFn) -> dict:
    qids = draw(st.lists(ids, min_size=1, max_size=8, unique=True))
    return {
        "title": draw(text),
        "tags": draw(st.lists(text, max_size=3)),
        "questions": [draw(question(q)) for q in qids],
    }


@given(deck())
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_generated_valid_decks_load(data: dict) -> None:
    raw = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()
    result = load_bytes(raw, "gen/deck", "gen/deck.yaml")
    assert isinstance(result, LoadedDeck), result
    assert [q.id for q in result.deck.questions] == [q["id"] for q in data["questions"]]


@given(deck(), st.data())
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_mangled_yaml_only_gives_clean_errors(data: dict, edits: st.DataObject) -> None:
    raw = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    chars = list(raw)
    for _ in range(edits.draw(st.integers(1, 6))):
        pos = edits.draw(st.integers(0, len(chars)))
        op = edits.draw(st.sampled_from(["insert", "delete", "replace"]))
        junk = edits.draw(st.sampled_from([*list(":-[]{}&*!#|>'\"\t\n %@`,?"), "\x00", "é"]))
        if op == "insert" or not chars:
            chars.insert(pos, junk)
        elif op == "delete":
            del chars[min(pos, len(chars) - 1)]
        else:
            chars[min(pos, len(chars) - 1)] = junk
    mangled = "".join(chars).encode("utf-8")
    result = load_bytes(mangled, "gen/deck", "gen/deck.yaml")
    if isinstance(result, LoadedDeck):
        return
    assert result, "a failed load must say why"
    for problem in result:
        assert isinstance(problem, Problem)
        assert problem.line >= 1 and problem.column >= 1
        assert "\n" not in problem.message and "Traceback" not in problem.message
        assert str(problem).startswith("gen/deck.yaml:")
