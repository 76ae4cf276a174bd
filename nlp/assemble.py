"""Stage: stitch the chosen translations into the original text.

Everything outside the translated units is copied byte for byte, so markup
between units (line breaks, lists, code blocks, link brackets) is exact by
construction; inline markup comes back from the placeholders, and what the
model wrote around it is escaped (see :mod:`.fill`). A unit whose chosen output
lost a formatting pair is stitched from its structural fallback instead.
"""

from __future__ import annotations

from mixlingo.nlp.fill import fill_fallback, fill_placeholders, keeps_formatting
from mixlingo.nlp.model import Message


class AssembleTranslation:
    needs_target = True  # a message without a reader's language stops before this stage

    def __call__(self, message: Message) -> Message:
        translation = message.translation
        if translation is None:
            return message
        out, cursor, dropped, unformatted, recut = [], 0, 0, 0, 0
        for unit in sorted(translation.units, key=lambda u: u.start):
            if not unit.scored:
                continue
            chosen = unit.scored[unit.chosen].candidate.text
            if unit.fallback and not keeps_formatting(chosen, unit.pieces, unit.source):
                filled, recut = fill_fallback(unit), recut + 1
            else:
                filled = fill_placeholders(chosen, unit.pieces, unit.source)
            unit.output, unit.missing_pieces = filled.text, filled.missing
            dropped += filled.missing
            unformatted += filled.unformatted
            out += [message.text[cursor : unit.start], unit.output]
            cursor = unit.end
        out.append(message.text[cursor:])
        translation.text = "".join(out)
        if dropped:
            translation.notes.append(
                f"the translation model dropped {dropped} inline markup piece(s); they were kept at the end of their sentence"
            )
        if recut:
            translation.notes.append(
                f"the translation model lost the bold/italic/strike markers of {recut} sentence(s); "
                "their formatted words were translated on their own and formatted again"
            )
        if unformatted:
            translation.notes.append(
                f"the translation lost the bold/italic/strike markers of {unformatted} phrase(s); their words are shown unformatted"
            )
        return message
