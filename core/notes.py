"""Notes: short plain-words remarks for the person running mixlingo, and the one way they are printed.

A :class:`Note` is one line (why a fallback runs, a setting that is ignored) and, optionally, the longer
story behind it (cache paths, loader messages) that ``--verbose`` shows. The factory hands them out with
what it built (:class:`mixlingo.factory.Built`); the CLI, ``serve``, the bench and the settings' own
warnings print them with :func:`print_notes`, on stderr:

    note: mBERT tagger not downloaded, using the embedded es/en tagger; `mixlingo models pull` gets it
    note (baseline): CTranslate2 is not installed, …
    warning: MIXLINGO_TAGER is unknown and ignored; did you mean MIXLINGO_TAGGER?
    detail: mBERT tagger: …                      (only with --verbose, after the notes)

A printed line is at most :data:`NOTE_WIDTH` characters (``error:`` lines: :data:`mixlingo.core.errors.ERROR_WIDTH`);
a longer one loses its middle to :func:`fit`, and ``--verbose`` shows it whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.markup import escape

_stderr = Console(stderr=True)

NOTE_WIDTH = 120
"""The most characters a ``note:`` or ``warning:`` line may have, its label included."""
ELIDED = " … "
"""What stands for the middle :func:`fit` leaves out of a line."""


def fit(line: str, width: int) -> str:
    """``line`` on one line of at most ``width`` characters. A longer one keeps its start (what is wrong) and its
    end (what to do) and loses the middle, which is where a long value the user gave (a path, a model id) sits."""
    line = " ".join(line.split())
    if len(line) <= width:
        return line
    keep = width - len(ELIDED)
    head = keep // 2
    return line[:head].rstrip() + ELIDED + line[len(line) - (keep - head):].lstrip()


class Note(str):
    """One short line for the user (the string itself), with the longer story behind it in ``detail``.

    A ``str``, so a note goes wherever the one-line notes always went (``nlp.notes``, the bench's JSON,
    the playground) unchanged; ``detail`` and ``kind`` travel with it to :func:`print_notes`."""

    detail: str | None
    """Cache paths, loader messages: shown with ``--verbose``."""
    kind: str
    """The word it is printed after: ``note`` or ``warning``."""

    def __new__(cls, text: str, detail: str | None = None, kind: str = "note") -> Note:
        note = super().__new__(cls, text)
        note.detail, note.kind = detail, kind
        return note

    @property
    def text(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"Note({str(self)!r}, detail={self.detail!r}, kind={self.kind!r})"


def as_notes(items: Iterable[Note | str]) -> list[Note]:
    """Notes from notes or plain strings (the models' own ``notes`` lists hold strings)."""
    return [item if isinstance(item, Note) else Note(item) for item in items]


def texts(notes: Iterable[Note | str]) -> list[str]:
    """Each note's one line, as the library's ``nlp.notes`` and the bench's JSON keep them."""
    return [note.text for note in as_notes(notes)]


def print_notes(
    notes: Sequence[Note | str],
    *,
    verbose: bool = False,
    source: str | None = None,
    shown: set[str] | None = None,
    console: Console | None = None,
) -> list[Note]:
    """Print each note as one line on stderr, then (``verbose``) the details behind them all; returns those printed.

    ``source`` names where a note comes from (``note (baseline): …``); ``shown`` holds the lines already
    printed: a note among them is skipped, one printed is added (once per command, or once per process)."""
    out = console or _stderr
    printed = []
    cut: set[str] = set()
    for note in as_notes(notes):
        if shown is not None:
            if note.text in shown:
                continue
            shown.add(note.text)
        label = f"{note.kind} ({source})" if source else note.kind
        line = fit(f"{label}: {note.text}", NOTE_WIDTH)
        if ELIDED in line:
            cut.add(note.text)
        out.print(f"[yellow]{escape(label)}:[/] {escape(line.removeprefix(f'{label}: '))}", highlight=False,
                  soft_wrap=True)
        printed.append(note)
    if verbose:
        for note in as_notes(notes):
            for detail in (note.text if note.text in cut else None, note.detail):
                if detail:
                    out.print(f"[dim]detail:[/] {escape(detail)}", highlight=False, soft_wrap=True)
    return printed
