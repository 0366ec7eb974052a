"""Downstream results behind ``tools/analysis/compare_seg.py`` (the tool
parses and prints, these read and tabulate): the benchmarks and published
figures (:mod:`.catalogue`), the protocol each result was scored with
(:mod:`.protocols`), the runs' metrics (:mod:`.results`) and the tables
(:mod:`.tables`). None imports torch."""
