"""Romanized ⇄ native-script transliteration: a lexicon of known spellings and a character transformer for the rest.

``network`` defines the transformer and exports it to ONNX, ``fitting`` trains it (torch, training
only), ``beam`` decodes many words at once over onnxruntime, ``wordlist`` holds the native words used to
re-rank, ``model`` ties these to the shipped files, ``dakshina`` reads a language's training data and
``training`` is the recipe that rebuilds a language's files.
"""
