"""The embedded code-switch taggers (es/en, hi/en): small models that ship inside the package.

One home for everything they share: the feature contract (:mod:`.features`), the torch
network (:mod:`.network`, training only), the CRF scorer (:mod:`.crf`), the ONNX head
(:mod:`.onnx_head`), training (:mod:`.training`) and the tagger itself (:mod:`.tagger`).
"""
