"""LaTeX math as plain Unicode text, for screens that cannot typeset it.

`$\\frac{QK^\\top}{\\sqrt{d_k}}$` reads as `(QKᵀ)/√(dₖ)`. Only the notation decks use is covered;
anything unknown is left as written, so nothing is lost.
"""

from __future__ import annotations

import re
import unicodedata

_SYMBOLS = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
    "cdot": "·",
    "times": "×",
    "div": "÷",
    "pm": "±",
    "mp": "∓",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "approx": "≈",
    "sim": "∼",
    "propto": "∝",
    "equiv": "≡",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "Rightarrow": "⇒",
    "leftrightarrow": "↔",
    "mapsto": "↦",
    "infty": "∞",
    "sum": "Σ",
    "prod": "Π",
    "int": "∫",
    "partial": "∂",
    "nabla": "∇",
    "in": "∈",
    "notin": "∉",
    "subset": "⊂",
    "cup": "∪",
    "cap": "∩",
    "forall": "∀",
    "exists": "∃",
    "odot": "⊙",
    "otimes": "⊗",
    "oplus": "⊕",
    "circ": "∘",
    "ldots": "…",
    "dots": "…",
    "cdots": "⋯",
    "mid": "|",
    "lVert": "‖",
    "rVert": "‖",
    "|": "‖",
    "langle": "⟨",
    "rangle": "⟩",
    "lfloor": "⌊",
    "rfloor": "⌋",
    "lceil": "⌈",
    "rceil": "⌉",
    "top": "ᵀ",
    "prime": "′",
    "star": "⋆",
    "ell": "ℓ",
    "bmod": " mod ",
    "quad": "  ",
    "qquad": "    ",
    ",": " ",
    ";": " ",
    ":": " ",
    "!": "",
    " ": " ",
    "{": "{",
    "}": "}",
    "%": "%",
    "$": "$",
    "_": "_",
    "#": "#",
    "&": "&",
}
_NAMED = {
    "log",
    "ln",
    "exp",
    "sin",
    "cos",
    "tan",
    "tanh",
    "min",
    "max",
    "arg",
    "det",
    "lim",
    "softmax",
    "argmax",
    "argmin",
    "sup",
    "inf",
    "Pr",
}
_STYLE = {
    "mathrm",
    "text",
    "textrm",
    "mathbf",
    "mathit",
    "mathcal",
    "mathbb",
    "mathsf",
    "operatorname",
    "boldsymbol",
    "textbf",
    "textit",
    "mathtt",
    "texttt",
}
_SUP = dict(zip("0123456789+-=()nitTkr", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵗᵀᵏʳ", strict=True))
_SUB = dict(
    zip("0123456789+-=()aeoxhklmnpstijruv", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ", strict=True)
)
_ACCENT = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "vec": "\u20d7", "dot": "\u0307"}
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")


def _group(text: str, pos: int) -> tuple[str, int]:
    """The argument starting at `pos`: a `{...}` group (braces balanced) or one token."""
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if pos >= len(text):
        return "", pos
    if text[pos] == "{":
        depth = 0
        for end in range(pos, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                return text[pos + 1 : end], end + 1
        return text[pos + 1 :], len(text)
    if text[pos] == "\\":
        match = _COMMAND.match(text, pos)
        if match:
            return match.group(0), match.end()
    return text[pos], pos + 1


def _wrap(text: str) -> str:
    """Parenthesise a converted argument unless it is a single token."""
    return text if re.fullmatch(r"[\w.′ᵀ]+|\(.*\)", text) else f"({text})"


def _script(text: str, table: dict[str, str], marker: str) -> str:
    if text and all(ch in table for ch in text):
        return "".join(table[ch] for ch in text)
    return f"{marker}{_wrap(text)}" if len(text) > 1 else f"{marker}{text}"


_DELIMITER_SIZES = {"left", "big", "Big", "bigl", "Bigl"}


def _spaced(name: str, out: list[str], latex: str, pos: int) -> str:
    """An operator name (`sin`, `log`) set apart from a letter or number written against it,
    as TeX sets it: `0.5\\sin\\theta` reads `0.5 sin θ`, not `0.5sinθ`."""
    before = "".join(out[-1:])[-1:]
    after = latex[pos : pos + 1]
    command = _COMMAND.match(latex, pos)
    if command:
        after = "" if command.group(1) in _DELIMITER_SIZES else command.group(1)[:1]
    lead = " " if before.isalnum() or before == ")" else ""
    trail = " " if after.isalpha() else ""
    return f"{lead}{name}{trail}"


def _letter_next(latex: str, pos: int) -> bool:
    """Whether what follows `pos` is written as a letter (`x`, `\\theta`, `\\mathcal{L}`)."""
    command = _COMMAND.match(latex, pos)
    if command is None:
        return latex[pos : pos + 1].isalpha()
    name = command.group(1)
    return name in _STYLE or name in _NAMED or _SYMBOLS.get(name, "")[:1].isalpha()


def latex_to_text(latex: str) -> str:
    """Plain Unicode for a LaTeX math expression."""
    out: list[str] = []
    pos = 0
    while pos < len(latex):
        ch = latex[pos]
        if ch == "\\":
            match = _COMMAND.match(latex, pos)
            assert match is not None
            name = match.group(1)
            pos = match.end()
            if name in ("frac", "dfrac", "tfrac"):
                num, pos = _group(latex, pos)
                den, pos = _group(latex, pos)
                out.append(f"{_wrap(latex_to_text(num))}/{_wrap(latex_to_text(den))}")
            elif name == "sqrt":
                arg, pos = _group(latex, pos)
                out.append(f"√{_wrap(latex_to_text(arg))}")
            elif name in _STYLE:
                arg, pos = _group(latex, pos)
                out.append(latex_to_text(arg))
            elif name in _ACCENT:
                arg, pos = _group(latex, pos)
                inner = latex_to_text(arg)
                out.append(inner + _ACCENT[name] if len(inner) == 1 else inner)
            elif name in ("left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr"):
                continue
            elif name in _SYMBOLS:
                out.append(_SYMBOLS[name])
            elif name in _NAMED:
                out.append(_spaced(name, out, latex, pos))
            else:
                out.append(match.group(0) + " ")
        elif ch in "^_":
            arg, pos = _group(latex, pos + 1)
            converted = latex_to_text(arg)
            if ch == "^":
                script = "ᵀ" if converted == "ᵀ" else _script(converted, _SUP, "^")
            else:
                script = _script(converted, _SUB, "_")
            if script[:1] in "^_" and not script.endswith(")") and _letter_next(latex, pos):
                script += " "  # `λ_fm L_FM`, not `λ_fmL_FM`: where the script ends
            out.append(script)
        elif ch in "{}":
            pos += 1
        else:
            out.append(ch)
            pos += 1
    return unicodedata.normalize("NFC", re.sub(r"  +", " ", "".join(out)).strip())


DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
"""`$$...$$` display math in deck text."""
INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])")
r"""`$...$` inline math in deck text (not a lone dollar sign, not `\$`)."""


def plain_math(text: str) -> str:
    """Deck text with its math written as Unicode (`$\\alpha^2$` -> `α²`), for one-line
    listings such as the statistics' cards to watch."""
    text = DISPLAY_MATH.sub(lambda m: latex_to_text(m.group(1).strip()), text)
    return INLINE_MATH.sub(lambda m: latex_to_text(m.group(1)), text)
