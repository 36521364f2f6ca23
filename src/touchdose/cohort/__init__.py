"""Many clients at once: the client dataset (Parquet), the engine on Dask, the pooled effect.

:mod:`touchdose.cohort.dataset` reads and writes client datasets and cuts a source into
partitions of whole clients; :mod:`touchdose.cohort.run` analyses the partitions on Dask and
pools the per-client n-of-1 effects (:mod:`touchdose.analysis.pooled`);
:mod:`touchdose.cohort.simulated` writes large synthetic cohorts. docs/cohort.md shows how to
run it on a laptop and on an existing Dask cluster.
"""
