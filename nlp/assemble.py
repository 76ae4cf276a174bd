"""Stage: stitch the chosen translations into the original text.

Everything outside the translated units is copied byte for byte, so markup
between units (line breaks, lists, code blocks, link brackets) is exact by
construction; inline markup comes back from the placeholders.
"""

from __future__ import annotations

from mixlingo.nlp.model import Message
from mixlingo.nlp.units import fill_placeholders


class AssembleTranslation:
    needs_target = True  # a message without a reader's language stops before this stage

    def __call__(self, message: Message) -> Message:
        translation = message.translation
        if translation is None:
            return message
        out, cursor, dropped = [], 0, 0
        for unit in sorted(translation.units, key=lambda u: u.start):
            if not unit.scored:
                continue
            unit.output, unit.missing_pieces = fill_placeholders(unit.scored[unit.chosen].candidate.text, unit.pieces)
            dropped += unit.missing_pieces
            out += [message.text[cursor : unit.start], unit.output]
            cursor = unit.end
        out.append(message.text[cursor:])
        translation.text = "".join(out)
        if dropped:
            translation.notes.append(
                f"the translation model dropped {dropped} inline markup piece(s); they were kept at the end of their sentence"
            )
        return message
