"""Builders for tests and demos, never imported by tag, translate or serve.

``fakes``: runtime-free stand-ins for each adapter protocol. ``tiny_models``: tiny *trained* models in
the real on-disk formats (also behind ``mixlingo models tiny``). ``replica_models``: replicas of the
published models' file layouts and label names.
"""
