"""``mixlingo bench``: the optimised pipeline against plain transformers and the translation floor, one run.

:mod:`.run` runs each variant in its own process and summarises; :mod:`.measure` times and weighs a run;
:mod:`.references` runs the floor and the naive batched baseline and holds the targets; :mod:`.fakes` times the
machinery with model parts of known cost; :mod:`.cli` is the command and its report."""
