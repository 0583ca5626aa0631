#!/usr/bin/env bash
# Run quizzer in a real terminal (tmux), type a short review, and check what the screen showed
# and what the database stored.
#
#   scripts/tmux_review.sh            # exit 0 when everything matched
#   KEEP=1 scripts/tmux_review.sh     # keep the temporary directory for a look
#   CAPTURE=DIR scripts/tmux_review.sh  # also save each screen as DIR/<step>.txt
#
# Uses its own tmux server (-L), its own data directory and decks, a fixed QUIZZER_NOW and TZ=UTC.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"  # the interpreter with quizzer installed (the tests pass theirs)
command -v tmux >/dev/null || { echo "tmux is not installed (apt-get install -y tmux)" >&2; exit 77; }

work="$(mktemp -d "${TMPDIR:-/tmp}/quizzer-tmux.XXXXXX")"
socket="quizzer-review-$$"
cleanup() {
    tmux -L "$socket" kill-server 2>/dev/null || true
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$socket"
    if [[ -z "${KEEP:-}" ]]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT

mkdir -p "$work/decks/demo" "$work/home"
cat >"$work/decks/demo/tmux.yaml" <<'YAML'
title: Tmux demo
questions:
  - id: capital
    type: basic
    prompt: What is the capital of France?
    answer: Paris
    explanation: It has been the capital since 987.
  - id: loss
    type: typed
    prompt: Name the blank-based loss used for ASR.
    answers: [CTC]
  - id: even
    type: choice
    prompt: Which number is even?
    choices:
      - {text: seven}
      - {text: twelve, correct: true}
      - {text: nine}
YAML

fail() {
    echo "FAIL: $*" >&2
    echo "--- screen ---" >&2
    screen >&2 || true
    exit 1
}
screen() { tmux -L "$socket" capture-pane -p -t review; }
keys() { tmux -L "$socket" send-keys -t review "$@"; }
step=0
wait_for() {  # wait_for TEXT: poll the screen until TEXT shows (10 s at most)
    local i
    for i in $(seq 1 100); do
        if screen | grep -qF -- "$1"; then
            step=$((step + 1))
            [[ -n "${CAPTURE:-}" ]] && { mkdir -p "$CAPTURE"; screen >"$CAPTURE/$(printf %02d "$step").txt"; }
            return 0
        fi
        sleep 0.1
    done
    fail "never saw: $1"
}

tmux -L "$socket" new-session -d -s review -x 80 -y 24 \
    "cd '$repo' && env QUIZZER_HOME='$work/home' QUIZZER_DECKS='$work/decks' \
     QUIZZER_NOW=2026-03-02T09:00:00Z TZ=UTC '$python' -m quizzer review; sleep 30"

wait_for "Show answer"
screen | grep -qF "What is the capital of France?" || fail "first card is not the basic one"
screen | grep -qF "New 3" || fail "queue counts not shown"
keys Space
wait_for "Paris"
wait_for "It has been the capital since 987."
wait_for "3 Good"
keys 4

wait_for "Name the blank-based loss"
keys -l "ctc"
keys Enter
wait_for "✓ Correct"
wait_for "⏎ Good"
keys 4

wait_for "Which number is even?"
wait_for "twelve"
number="$(screen | sed -n 's/^[^0-9]*\([0-9]\) ( ) *twelve.*/\1/p' | head -1)"
[[ -n "$number" ]] || fail "cannot find the option 'twelve'"
keys "$number"
keys Enter
wait_for "✓ Correct"
keys 4

wait_for "Session complete"
wait_for "Cards done          3"
keys Enter
wait_for "streak 1 day"
keys q
for _ in $(seq 1 50); do screen | grep -q "quizzer" || break; sleep 0.1; done

"$python" - "$work/home/quizzer.sqlite3" <<'PY'
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT card_id, rating, graded, verdict, response FROM log WHERE kind = 'review' ORDER BY seq"
).fetchall()
expected = [
    ("demo/tmux:capital", 4, "self", None, None),
    ("demo/tmux:loss", 4, "auto", "correct", "ctc"),
    ("demo/tmux:even", 4, "auto", "correct", None),
]
got = [r[:4] + ((r[4],) if r[0] != "demo/tmux:even" else (None,)) for r in rows]
if got != expected:
    sys.exit(f"FAIL: stored answers {rows!r}")
print(f"ok: {len(rows)} answers stored as expected")
PY
echo "ok: tmux review passed"
