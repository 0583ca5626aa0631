"""The deck tree of the home screen: folders folding into decks, with New / Learn / Due columns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from quizzer.decks.tree import DeckTree, folder_title
from quizzer.queue import Counts

COLUMN = 6
"""Width of each count column."""
COUNTS_WIDTH = 3 * COLUMN
UNFOLDED_UP_TO = 12
"""A tree of at most this many decks starts with every folder open; a larger one, folded."""


@dataclass(frozen=True, slots=True)
class DeckNode:
    """What a tree node stands for."""

    kind: Literal["root", "folder", "deck", "failed"]
    id: str
    """Deck id or folder path; empty for the root."""
    name: str


def fit(text: str, width: int) -> str:
    """`text` cut with an ellipsis, or padded, to exactly `width` cells."""
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    out = ""
    for ch in text:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…" + " " * (width - 1 - cell_len(out))


class DeckTreeView(Tree[DeckNode]):
    """All decks, folders first, each line ending in its New / Learn / Due counts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "expand", "Unfold", show=False),
        Binding("left", "collapse", "Fold", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "deck-tree--new",
        "deck-tree--learn",
        "deck-tree--due",
        "deck-tree--zero",
        "deck-tree--error",
        "deck-tree--folder",
    }

    class ColumnsMoved(Message):
        """The count columns moved (the width of the names changed): the header follows."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("All decks", DeckNode("root", "", "All decks"), id=id)
        self.auto_expand = False
        self.guide_depth = 3
        self.counts: Mapping[str, Counts] = {}
        self.name_width = 24
        self.populated = False
        self.only: set[str] | None = None
        """When set, only these decks (and their folders) are shown: the home tag filter."""

    def populate(self, tree: DeckTree, counts: Mapping[str, Counts]) -> None:
        """Build the nodes from a deck tree, keeping folds and the cursor where they were."""
        selected = self.cursor_node.data.id if self.cursor_node and self.cursor_node.data else ""
        if self.populated:
            folded = {n.data.id for n in self._all_nodes() if n.data and not n.is_expanded}
        elif len(tree.decks) + len(tree.failed) > UNFOLDED_UP_TO:
            folded = {d.rpartition("/")[0] for d in [*tree.decks, *tree.failed]}
        else:
            folded = set()
        self.populated = True
        self.counts = counts
        self.clear()
        folders: dict[str, TreeNode[DeckNode]] = {"": self.root}
        entries = [(d, "deck", tree.decks[d].title) for d in tree.decks]
        entries += [(d, "failed", d.rsplit("/", 1)[-1]) for d in tree.failed]
        if self.only is not None:
            entries = [e for e in entries if e[0] in self.only]
        rank = {deck_id: i for i, deck_id in enumerate(tree.order)}
        for deck_id, kind, title in sorted(entries, key=lambda e: (rank.get(e[0], len(rank)), e)):
            parent = self._folder(folders, deck_id.rpartition("/")[0])
            parent.add_leaf(title, DeckNode(kind, deck_id, title))  # type: ignore[arg-type]
        self.root.expand()
        for node in self._all_nodes():
            if node.data and node.data.id in folded and node.data.kind == "folder":
                node.collapse()
        self.relabel()
        target = next((n for n in self._all_nodes() if n.data and n.data.id == selected), None)
        # new nodes learn their line when the tree is next laid out: moved before, the cursor
        # fell back to the root (and enter then reviewed every deck)
        self.call_after_refresh(self.move_cursor, target or self.root)

    def _folder(self, folders: dict[str, TreeNode[DeckNode]], path: str) -> TreeNode[DeckNode]:
        if path in folders:
            return folders[path]
        parent = self._folder(folders, path.rpartition("/")[0])
        name = folder_title(path.rsplit("/", 1)[-1])
        node = parent.add(name, DeckNode("folder", path, name), expand=True)
        folders[path] = node
        return node

    def _all_nodes(self) -> list[TreeNode[DeckNode]]:
        found: list[TreeNode[DeckNode]] = []
        stack = [self.root]
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(reversed(node.children))
        return found

    def set_counts(self, counts: Mapping[str, Counts]) -> None:
        """Show new counts without rebuilding the tree."""
        self.counts = counts
        self.relabel()

    def column_start(self) -> int:
        """The cell at which the count columns start (for the header above the tree)."""
        return self.name_width

    def relabel(self) -> None:
        """Recompute every label for the current width."""
        nodes = self._all_nodes()
        width = self.scrollable_content_region.width or self.size.width or 80
        longest = max(
            (self._indent(n) + cell_len(n.data.name) for n in nodes if n.data), default=10
        )
        name_width = max(16, min(max(28, longest + 4), width - COUNTS_WIDTH - 1))
        if name_width != self.name_width:
            self.name_width = name_width
            self.post_message(self.ColumnsMoved())
        for node in nodes:
            node.set_label(self._label(node))

    def _indent(self, node: TreeNode[DeckNode]) -> int:
        expand_icon = 2 if node.allow_expand else 0
        return node_depth(node) * self.guide_depth + expand_icon

    def _style(self, part: str) -> Style:
        """A component's own style (no background: the tree's, tinted on focus, shows)."""
        return self.get_component_rich_style(f"deck-tree--{part}", partial=True)

    def _label(self, node: TreeNode[DeckNode]) -> Text:
        data = node.data
        assert data is not None
        name_width = max(4, self.name_width - self._indent(node))
        label = Text(fit(data.name, name_width))
        if data.kind == "failed":
            label.stylize(self._style("error"))
            label.append(" error".rjust(COUNTS_WIDTH), self._style("error"))
            return label
        if data.kind in ("folder", "root"):
            label.stylize(self._style("folder"))
        counts = self.counts.get(data.id, Counts())
        zero = self._style("zero")
        for value, part in (
            (counts.new, "new"),
            (counts.learning, "learn"),
            (counts.review, "due"),
        ):
            style = self._style(part) if value else zero
            label.append(str(value).rjust(COLUMN), style)
        return label

    def on_resize(self, event: events.Resize) -> None:
        """Labels are laid out for the width: redo them."""
        self.relabel()

    def on_mount(self) -> None:
        """Styles come from the theme: relabel now and whenever it changes."""
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.relabel())
        self.relabel()

    def action_expand(self) -> None:
        """Unfold the folder under the cursor, or go to its first child when already unfolded."""
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if node.is_expanded and node.children:
            self.move_cursor(node.children[0])
        else:
            node.expand()

    def action_collapse(self) -> None:
        """Fold the folder under the cursor, or go to its parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)


def node_depth(node: TreeNode[DeckNode]) -> int:
    """0 for the root, 1 for its children..."""
    depth = 0
    while node.parent is not None:
        node = node.parent
        depth += 1
    return depth
