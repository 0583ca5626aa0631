"""LaTeX math becomes readable Unicode on the terminal."""

from __future__ import annotations

import pytest

from quizzer.mathtext import latex_to_text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"\mathrm{softmax}(QK^\top/\sqrt{d_k})V", "softmax(QKᵀ/√dₖ)V"),
        (r"\mathrm{WER} = \frac{S + D + I}{N}", "WER = (S + D + I)/N"),
        (r"x_{t-1}", "xₜ₋₁"),
        (r"2^{16}", "2¹⁶"),
        (r"\hat{y}", "ŷ"),
        (r"\sum_{i=1}^{N} \log p(y_i \mid x)", "Σᵢ₌₁^N log p(yᵢ | x)"),
        (r"f_{\mathrm{mel}} = 2595 \log_{10}(1 + f/700)", "fₘₑₗ = 2595 log₁₀(1 + f/700)"),
        (r"\alpha \cdot \beta \le \gamma", "α · β ≤ γ"),
        (r"\left( a \right)", "( a )"),
        (r"\unknowncommand{x}", r"\unknowncommand x"),
    ],
)
def test_latex_to_text(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text
