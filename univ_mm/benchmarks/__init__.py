"""Benchmarks behind ``tools/analysis/benchmark_pretrain.py`` (the MMDet
pattern: the tool parses, these measure): the training step against its
compute floor (:mod:`.pretrain_step`), its op-level GPU cost model
(:mod:`.cost_model`), the input pipeline (:mod:`.input_pipeline`) and the
timers and counters they share (:mod:`.profiling`). Their options are in
:mod:`.arguments`, which imports no torch."""
