"""Synthetic data made on the spot, for the demo, the tests and the toy
evidence: the labelled RGB-IR world (:mod:`.world`) and textured image
pairs for the decoding benchmarks (:mod:`.textured_pairs`)."""
