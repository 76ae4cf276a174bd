"""Adapters: the only place that imports model runtimes (torch, transformers, …).

Each adapter implements a protocol from :mod:`mixlingo.nlp`; :mod:`.fakes` holds
runtime-free stand-ins for tests.
"""
