"""The cards of the models shipped inside the package: ``README.md`` beside the files, in the
Hugging Face model-card layout (YAML front matter between ``---`` lines, then prose).

Only the front matter's simple forms are read (``key: value``, ``key: [a, b]`` and a ``key:``
followed by ``- item`` lines); nested mappings such as ``model-index`` are skipped. That is all
``mixlingo models list`` needs, and it keeps YAML out of the runtime dependencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

CARD = "README.md"

FrontMatter = dict[str, str | list[str]]


def data_dir() -> Path:
    """``mixlingo/data``: the models and word lists that ship inside the package."""
    return Path(str(files("mixlingo") / "data"))


@dataclass(frozen=True)
class ModelCard:
    name: str
    """The model's folder under ``mixlingo/data``, e.g. ``taggers/spaeng``."""
    path: Path
    fields: FrontMatter

    def text(self, key: str) -> str:
        value = self.fields.get(key, "")
        return ", ".join(value) if isinstance(value, list) else value

    @property
    def license(self) -> str:
        return self.text("license") or "not stated"

    @property
    def training_data(self) -> str:
        """The card's ``training_data`` line, else its ``datasets``."""
        return self.text("training_data") or self.text("datasets") or "not stated"

    def to_dict(self) -> dict[str, str]:
        return {"model": self.name, "path": str(self.path), "license": self.license, "training_data": self.training_data}


def _scalar(raw: str) -> str:
    """A plain or quoted YAML scalar, without a trailing ``# comment``."""
    raw = raw.strip()
    if raw[:1] in ("'", '"') and raw.find(raw[0], 1) > 0:
        return raw[1 : raw.find(raw[0], 1)]
    return raw.split(" #", 1)[0].strip()


def front_matter(text: str) -> FrontMatter:
    """The simple fields of a card's YAML front matter; {} when the text has none."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        return {}
    fields: FrontMatter = {}
    key: str | None = None
    for line in lines[1:end]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] not in " \t-":  # a top-level key
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if value.startswith("[") and value.endswith("]"):
                fields[key] = [_scalar(v) for v in value[1:-1].split(",") if v.strip()]
            elif value:
                fields[key] = _scalar(value)
            else:
                fields[key] = []
            continue
        item = line.strip()
        if key is not None and item.startswith("- ") and ":" not in item[2:]:
            items = fields.get(key)
            if isinstance(items, list):
                items.append(_scalar(item[2:]))
        else:  # nested mapping (model-index and the like): not read
            key = None
    return {k: v for k, v in fields.items() if v != []}


def shipped_cards(root: Path | None = None) -> list[ModelCard]:
    """Every folder under ``mixlingo/data`` whose README.md has front matter (a model card), by name."""
    root = root or data_dir()
    cards = []
    for readme in sorted(root.rglob(CARD)):
        fields = front_matter(readme.read_text(encoding="utf-8"))
        if fields:
            cards.append(ModelCard(readme.parent.relative_to(root).as_posix(), readme.parent, fields))
    return cards
