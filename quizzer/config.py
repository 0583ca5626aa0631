"""Settings from `config.toml`, validated, with per-deck overrides by glob.

```toml
desired_retention = 0.9
new_per_day = 20

[decks."asr/*"]
desired_retention = 0.92
```

When several `[decks."..."]` tables match a deck, the most specific wins (`specificity`),
whatever their order in the file.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
)

from quizzer import paths
from quizzer.clock import ClockError, local_zone
from quizzer.errors import QuizzerError
from quizzer.files import DECK_LIMIT, read_regular

DEFAULT_PARAMETERS: tuple[float, ...] = (
    0.212,
    1.2931,
    2.3065,
    8.2956,
    6.4133,
    0.8334,
    3.0194,
    0.001,
    1.8722,
    0.1666,
    0.796,
    1.4835,
    0.0614,
    0.2629,
    1.6483,
    0.6014,
    1.8729,
    0.5425,
    0.0912,
    0.0658,
    0.1542,
)
"""FSRS-6 default parameters (those of fsrs-rs, Anki and the `fsrs` package)."""


class ConfigError(QuizzerError, ValueError):
    """config.toml could not be read or has a bad value."""


class Scheduling(BaseModel):
    """Settings that may differ per deck.

    Types are strict, as written in TOML: a count is an integer (`12`, not `"12"`, `12.0` or
    `true`), a switch is `true` or `false`, a name is a string; where a fraction or minutes are
    expected, an integer is a number too."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)

    desired_retention: StrictFloat = Field(0.9, ge=0.7, le=0.99)
    """Probability of recall FSRS aims for when a card falls due (0.70 to 0.99). Higher means
    more reviews."""
    learning_steps: tuple[StrictFloat, ...] = (1.0, 10.0)
    """Minutes between the first reviews of a new card before it graduates."""
    relearning_steps: tuple[StrictFloat, ...] = (10.0,)
    """Minutes between reviews of a forgotten card before it returns to review."""
    maximum_interval: StrictInt = Field(36500, ge=1)
    """The longest interval, in days."""
    fuzz: StrictBool = True
    """Spread intervals of 3 days and more by a few days, so cards learned together do not stay
    together. Deterministic per review, so a replay gives the same dates."""
    new_per_day: StrictInt = Field(20, ge=0)
    """New cards introduced per study day."""
    reviews_per_day: StrictInt = Field(200, ge=0)
    """Review cards shown per study day (learning cards are not capped)."""
    leech_threshold: StrictInt = Field(8, ge=1)
    """Lapses after which a card is a leech."""
    leech_action: Literal["tag", "suspend"] = "tag"
    """What happens to a leech: `tag` marks it, `suspend` also takes it out of reviews."""
    bury_siblings: StrictBool = True
    """After answering a card, hide its siblings (other cloze numbers, the reverse side) until
    the next study day."""

    @field_validator("learning_steps", "relearning_steps")
    @classmethod
    def _positive(cls, steps: tuple[float, ...]) -> tuple[float, ...]:
        if any(not 0 < s <= 525_600 for s in steps):
            raise ValueError("steps must be positive numbers of minutes, at most a year")
        return steps


class Settings(Scheduling):
    """Everything in config.toml."""

    day_starts_at: StrictInt = Field(4, ge=0, le=23)
    """Hour (local time, 0-23) at which a new study day begins."""
    timezone: StrictStr | None = None
    """IANA time zone for the study day (e.g. `Europe/Paris`); the system's when unset."""
    parameters: list[StrictFloat] = Field(default_factory=lambda: list(DEFAULT_PARAMETERS))
    """The 21 FSRS-6 parameters; `quizzer optimize` fits them to your reviews."""
    deck_folders: list[StrictStr] = Field(default_factory=list)
    """More folders of your own decks, loaded with the bundled decks and the `decks/` folder of
    the data directory (later folders replace decks with the same id), e.g.
    `deck_folders = ["~/my-decks"]`."""
    decks: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Per-deck overrides: a table per glob of deck ids, e.g. `[decks."asr/*"]`."""
    limits_start_from_top: StrictBool = False
    """Studying a deck or folder also applies the daily limits of the folders above it, up to
    the global ones (Anki's "limits start from top"); by default only its own and those below."""
    autoplay: StrictBool = False
    """Play a clip on a card's front as soon as the card shows (`p` plays it in any case)."""
    player: StrictStr | None = None
    """The command that plays a clip, e.g. `mpv --no-video`; the file is its last argument.
    `QUIZZER_PLAYER` overrides it; unset, the first of ffplay, paplay, aplay, afplay found."""

    @field_validator("parameters")
    @classmethod
    def _twenty_one(cls, params: list[float]) -> list[float]:
        if len(params) != 21:
            raise ValueError(f"FSRS-6 needs 21 parameters, got {len(params)}")
        return params

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str | None) -> str | None:
        if name:
            try:
                local_zone(name)
            except ClockError:
                raise ValueError(
                    "unknown time zone: give an IANA name such as Europe/Paris (case matters), "
                    "a zone file or a POSIX TZ rule"
                ) from None
        return name

    @field_validator("decks")
    @classmethod
    def _overrides(cls, decks: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for pattern, values in decks.items():
            Scheduling.model_validate(values)  # validate_settings names the table
            del pattern
        return decks

    def matching_tables(self, deck_id: str) -> list[tuple[str, dict[str, Any]]]:
        """The `[decks."..."]` tables (pattern, values) whose pattern matches `deck_id`, least
        specific first (`specificity`; equally specific ones in file order): each key's value
        in force is that of the last table holding it."""
        found = [(p, o) for p, o in self.decks.items() if fnmatch.fnmatchcase(deck_id, p)]
        found.sort(key=lambda table: specificity(table[0]))  # stable: file order breaks ties
        return found

    def for_deck(self, deck_id: str) -> Scheduling:
        """The scheduling settings of one deck (or a folder's, for its limits): the globals,
        overridden by every matching table, the most specific last (`matching_tables`); these
        settings themselves when no table matches."""
        overrides = self.matching_tables(deck_id)
        if not overrides:
            return self  # the globals: a Scheduling with more fields
        values = {k: getattr(self, k) for k in Scheduling.model_fields}
        for _, override in overrides:
            values.update(override)
        return Scheduling.model_validate(values)


_WILDCARD = re.compile(r"[*?\[]")


def specificity(pattern: str) -> tuple[bool, int]:
    """How specific a `[decks."..."]` pattern is (greater is more specific): a name without
    wildcards, a deck's or folder's own table, beats every glob; among globs, the longer fixed
    start before the first wildcard wins (`lang/sub/*` over `lang/*`, `lang/*` over `*`)."""
    wildcard = _WILDCARD.search(pattern)
    if wildcard is None:
        return True, len(pattern)
    # the fixed starts of two patterns matching one id are both its prefixes, so the longer
    # one lies inside the other: a deeper folder, or a narrower part of the same one
    return False, wildcard.start()


def load_settings(path: Path | None = None) -> Settings:
    """Read config.toml (defaults when it does not exist); raise ConfigError naming the bad key."""
    path = path or paths.config_path()
    try:
        # utf-8-sig: a byte order mark, which some editors write, is not part of the TOML
        data = tomllib.loads(read_regular(path, DECK_LIMIT).decode("utf-8-sig"))
    except FileNotFoundError:
        return Settings.model_construct()  # the defaults, valid by definition: nothing to check
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    return validate_settings(data, str(path))


def validate_settings(data: Any, where: str) -> Settings:
    """Settings from parsed TOML; raise ConfigError `where: key: problem` for a bad value."""
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = [str(p) for p in err["loc"]]
        decks = data.get("decks") if isinstance(data, dict) else None
        if loc[:1] == ["decks"] and isinstance(decks, dict):
            # the override's error lost its table: find it, to name it as it is written
            for pattern, values in decks.items():
                try:
                    Scheduling.model_validate(values)
                except ValidationError as inner:
                    err = inner.errors(include_url=False)[0]
                    loc = ["decks", f'"{pattern}"', *(str(p) for p in err["loc"])]
                    break
        key = ".".join(loc)
        if err["type"] == "extra_forbidden":
            import difflib

            known = Scheduling.model_fields if len(loc) > 1 else Settings.model_fields
            hint = difflib.get_close_matches(loc[-1], list(known), n=1, cutoff=0.6)
            guess = f", did you mean {hint[0]!r}?" if hint else ""
            raise ConfigError(f"{where}: {key}: unknown key{guess}") from None
        message = str(err["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{where}: {key}: {message} (got {err.get('input')!r})") from None
