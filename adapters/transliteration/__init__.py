"""Romanized ⇄ native-script transliteration: a lexicon of known spellings and a graphone n-gram for the rest.

``alignment`` learns which letters write which (EM), ``ngram`` scores graphone sequences, ``decoder``
searches them, ``model`` ties these to the shipped files and ``training`` rebuilds those files.
"""
