"""Anki field HTML to deck Markdown: what a learner's formatting becomes."""

from __future__ import annotations

import pytest

pytest.importorskip("markdownify")

from quizzer.import_.media import safe_media_name
from quizzer.import_.notes import deck_path, question_id
from quizzer.import_.to_markdown import html_to_markdown


def md(field: str) -> str:
    return html_to_markdown(field, lambda name: f"media/{name}")[0]


@pytest.mark.parametrize(
    ("field", "markdown"),
    [
        ("<b>bold</b> and <i>it</i> and <u>under</u>", "**bold** and *it* and under"),
        ("one<br>two", "one\\\ntwo"),
        ("<div>line 1</div><div>line 2</div>", "line 1\n\nline 2"),
        ("<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"),
        ("<pre><code>x = 1\ny = 2</code></pre>", "```\nx = 1\ny = 2\n```"),
        (r"\(a_1 &lt; b\) and \[\sum x\]", r"$a_1 < b$ and $$\sum x$$"),
        ("2 * 3 * 4 and snake_case", "2 * 3 * 4 and snake_case"),
        ("*not emphasis*", r"\*not emphasis\*"),
        ("costs $5", r"costs $5"),
        ("$x$ is not math here", r"\$x\$ is not math here"),
        ("a [link](x) text", r"a \[link\](x) text"),
        ("- not a list", r"\- not a list"),
        ("x<script>evil()</script><style>b{}</style>y", "xy"),
        ('<span style="color:red">red</span>&nbsp;text', "red\u00a0text"),
        ('<img src="a b.png" alt="A">', "![A](media/a%20b.png)"),
        ("[sound:clip.mp3]", "![](media/clip.mp3)"),
    ],
)
def test_fields_become_markdown(field: str, markdown: str) -> None:
    assert md(field) == markdown


def test_missing_media_is_reported_and_alt_kept() -> None:
    text, missing = html_to_markdown('<img src="gone.png" alt="a cat">', lambda name: None)
    assert (text, missing) == ("a cat", ["gone.png"])


def test_names_ids_and_media_names() -> None:
    assert deck_path("Spanish::Verbs (irregular)") == (
        "spanish/verbs-irregular",
        "Verbs (irregular)",
    )
    assert question_id("{{c1::CTC}} merges <b>repeats</b>", "abc").startswith("ctc-merges-repeats-")
    assert question_id("<img src='x.png'>", "abc").startswith("note-")
    assert question_id("x", "guid-1") != question_id("x", "guid-2")
    long = question_id("word " * 30, "g")
    assert len(long) <= 47 and not long.startswith("-")
    assert safe_media_name("../../etc/passwd") == "passwd"
    assert safe_media_name("quizzer-0123456789ab-mel.png") == "mel.png"
    assert safe_media_name(".hidden") == "hidden"
    assert safe_media_name("..") == "media"


@pytest.mark.parametrize(
    "field",
    [
        "Write &amp;amp; for an ampersand",
        "the tag &amp;lt;b&amp;gt; makes bold",
        "&amp;copy; &amp;#169; &amp;#x41; and &amp;notanentity;",
        "Tom &amp; Jerry &lt;3",
        "<table><tr><th>&amp;amp;</th></tr><tr><td>x</td></tr></table>",
        '<img src="x.png" alt="&amp;amp; sign">',
    ],
)
def test_the_text_shown_in_anki_is_the_text_shown_in_quizzer(field: str) -> None:
    """Character references written out as text in Anki stay text: Markdown does not decode
    them into the characters they name."""
    from bs4 import BeautifulSoup
    from markdown_it import MarkdownIt

    def shown(html_text: str) -> str:
        soup = BeautifulSoup(html_text, "html.parser")
        for img in soup.find_all("img"):
            img.replace_with(str(img.get("alt", "")))
        return " ".join(soup.get_text(" ").split())

    rendered = MarkdownIt("commonmark").enable("table").render(md(field))
    assert shown(rendered) == shown(field)
    assert "\\&" not in md("Tom &amp; Jerry")
