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
        # an operator name is set apart from what is written against it, as TeX sets it
        (r"0.5\sin(2\pi \cdot 440\, t)", "0.5 sin(2π · 440 t)"),
        (r"2595\log_{10}(1 + f/700)", "2595 log₁₀(1 + f/700)"),
        (r"2\cos(x)\sin(y)", "2 cos(x) sin(y)"),
        (r"s \cos\theta_y", "s cos θ_y"),
        (r"\max\left(a, b\right)", "max(a, b)"),
        # a subscript that stays `_fm` ends before the next letter
        (r"\lambda_{fm}\mathcal{L}_{FM}", "λ_fm L_FM"),
        (r"d_{model}^{-0.5}x", "d_model^(-0.5)x"),
    ],
)
def test_latex_to_text(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text
