"""Stage: stitch the chosen translations into the original text.

Everything outside the translated units is copied byte for byte, so markup
between units (line breaks, lists, code blocks, link brackets) is exact by
construction; inline markup comes back from the placeholders, and what the
model wrote around it is escaped (see :mod:`.fill`).
"""

from __future__ import annotations

from mixlingo.nlp.fill import fill_placeholders
from mixlingo.nlp.model import Message


class AssembleTranslation:
    needs_target = True  # a message without a reader's language stops before this stage

    def __call__(self, message: Message) -> Message:
        translation = message.translation
        if translation is None:
            return message
        out, cursor, dropped, unformatted = [], 0, 0, 0
        for unit in sorted(translation.units, key=lambda u: u.start):
            if not unit.scored:
                continue
            filled = fill_placeholders(unit.scored[unit.chosen].candidate.text, unit.pieces, unit.source)
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
        if unformatted:
            translation.notes.append(
                f"the translation lost the bold/italic/strike markers of {unformatted} phrase(s); their words are shown unformatted"
            )
        return message
