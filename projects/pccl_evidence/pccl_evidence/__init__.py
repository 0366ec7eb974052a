"""The PCCL toy-scale evidence experiment (README.md of this project):
:mod:`.settings` and :mod:`.arguments` (torch-free), the stages and their
jobs (:mod:`.experiment`), the one-thread worker pool
(:mod:`.worker_jobs`) and the tables (:mod:`.tables`)."""
