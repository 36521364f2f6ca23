"""Run the engine over many clients on Dask and pool their n-of-1 effects.

:func:`run_cohort` cuts a source into partitions of whole clients
(:func:`touchdose.cohort.dataset.partitions`), analyses each partition in a Dask task
(``dask.distributed``: a ``LocalCluster`` of worker processes by default, or an existing
scheduler), writes one row per client to a Parquet file, and pools the per-client effects
with the random-effects model of :mod:`touchdose.analysis.pooled`.

Nothing here schedules or pools processes by hand: Dask does, on a laptop or a cluster.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from touchdose.analysis.comparison import DIARY_OUTCOMES, CompareOptions, Comparison, Refusal, compare_batch
from touchdose.analysis.diary import DiaryArrays
from touchdose.analysis.engine import ClientAnalysis, analyze_client
from touchdose.analysis.pooled import PooledEffects, pool_clients
from touchdose.analysis.verdict import VERDICT_STATES
from touchdose.cohort.columns import partition_arrays
from touchdose.cohort.dataset import (
    Loaded,
    Partition,
    SourceError,
    load_rows,
    partitions,
    read_partition,
    read_table,
    write_dataset,
)
from touchdose.evidence.meta import FewStudiesWarning
from touchdose.io import atomic_path
from touchdose.records import ClientFile

#: One row per client in the results file.
RESULT_SCHEMA = pa.schema([
    ("client_id", pa.string()), ("source", pa.string()),
    ("status", pa.string()),  # analysed | rejected
    ("problems", pa.string()),  # why a client file was rejected (every problem, one per line)
    ("checkin_days", pa.int32()), ("baseline_days", pa.int32()), ("sessions", pa.int32()),
    ("sessions_with_followup", pa.int32()),
    ("verdict", pa.string()),
    ("outcome", pa.string()), ("effect", pa.float64()), ("effect_se", pa.float64()),
    ("ci95_low", pa.float64()), ("ci95_high", pa.float64()),
    ("p_benefit", pa.float64()), ("p_harm", pa.float64()), ("p_no_meaningful", pa.float64()),
    ("comparison_refused", pa.string()),  # why the comparison could not be made
    ("plan_pressure", pa.int8()), ("plan_minutes", pa.int16()), ("plan_sessions_per_week", pa.int8()),
    ("plan_stop", pa.bool_()),
])  # fmt: skip
STATUSES = ("analysed", "rejected")
#: At least this many tasks per worker, so that the last tasks do not leave workers idle.
TASKS_PER_WORKER = 4
#: Where a local cluster's status page listens: a free port on the loopback interface.
LOOPBACK = "127.0.0.1:0"
#: glibc's malloc settings for the local cluster's worker processes, set before each is spawned
#: (Dask's ``distributed.nanny.pre-spawn-environ``). Dask's own trim threshold (64 KiB) also
#: pins glibc's mmap threshold at 128 KiB, so every numpy temporary above that size is mapped
#: and unmapped afresh; on 6 000 client-years of ``--effects-only`` the page faults cost 50 %
#: more CPU (1.07 against 0.71 ms per client-year, one process, peak memory the same). With
#: these, freed memory up to 64 MiB is kept for reuse. An exported variable of the same name wins.
WORKER_MALLOC: dict[str, int] = {"MALLOC_TRIM_THRESHOLD_": 64 * 2**20, "MALLOC_MMAP_THRESHOLD_": 16 * 2**20}


@dataclass(frozen=True)
class CohortOptions:
    """What each client's row reports: the outcome pooled and its MID (default the outcome's).

    ``effects_only`` runs only the n-of-1 comparison of the outcome, from the Parquet columns
    without building a record per diary entry: for research cohorts of many thousand clients.
    The rows then have no verdict, plan or ``sessions_with_followup`` (those need the whole
    engine); everything else, the comparison included, is what the whole engine gives.
    """

    outcome: str = "pain"
    mid: float | None = None
    effects_only: bool = False

    def __post_init__(self) -> None:
        if self.outcome not in DIARY_OUTCOMES:
            raise ValueError(f"cohort: outcome = {self.outcome!r} is not allowed "
                             f"(allowed: one of {', '.join(DIARY_OUTCOMES)})")  # fmt: skip
        if self.mid is not None and (isinstance(self.mid, bool) or not isinstance(self.mid, (int, float))
                                     or not (math.isfinite(self.mid) and self.mid > 0)):  # fmt: skip
            raise ValueError(f"cohort: mid = {self.mid!r} is not allowed (allowed: a number > 0)")

    @property
    def compare(self) -> CompareOptions:
        """The engine's comparison options: the outcome's MID when one is given."""
        return CompareOptions() if self.mid is None else CompareOptions(mids={self.outcome: float(self.mid)})

    @property
    def mid_value(self) -> float:
        return self.compare.mid(self.outcome)

    @property
    def effects_compare(self) -> CompareOptions:
        """The comparison options of the effects-only rows: :attr:`compare` without the late look.

        The late look (``Comparison.late``, days 3-5 after a session) is a second regression
        that never changes the effect, its interval or its probabilities, and the effects-only
        row does not report it: leaving it out halves the comparison's cost.
        """
        return replace(self.compare, late_look=False)


def client_row(loaded: Loaded, options: CohortOptions) -> dict[str, Any]:
    """The results row of one client: data counts, verdict, effect with its interval, plan."""
    row: dict[str, Any] = {"client_id": loaded.client_id, "source": loaded.source, "outcome": options.outcome}
    if loaded.client_file is None:
        problems = loaded.error.lines() if loaded.error is not None else []
        return {**row, "status": "rejected", "problems": "\n".join(problems)}
    analysis = analyze_client(loaded.client_file, options=options.compare)
    return {**row, "status": "analysed", **_analysis_columns(analysis, options.outcome)}


def _analysis_columns(a: ClientAnalysis, outcome: str) -> dict[str, Any]:
    out: dict[str, Any] = dict(a.data.to_dict())
    out["verdict"] = a.verdict.state if a.verdict is not None else None
    out.update(_comparison_columns(a.comparison.results.get(outcome) if a.comparison is not None else None))
    if a.plan is not None:
        out.update(plan_pressure=a.plan.pressure, plan_minutes=a.plan.minutes,
                   plan_sessions_per_week=a.plan.sessions_per_week, plan_stop=a.plan.stop)  # fmt: skip
    return out


def _comparison_columns(c: Comparison | Refusal | None) -> dict[str, Any]:
    if isinstance(c, Comparison):
        lo, hi = c.ci95
        return {"effect": c.effect, "effect_se": c.sd, "ci95_low": lo, "ci95_high": hi,
                "p_benefit": c.p_benefit, "p_harm": c.p_harm,
                "p_no_meaningful": c.p_no_meaningful}  # fmt: skip
    return {} if c is None else {"comparison_refused": " ".join(c.reasons)}


def analyse_partition(part: Partition, options: CohortOptions) -> pa.Table:
    """Analyse every client of one partition (the work of one Dask task)."""
    if options.effects_only:
        rows = _effects_rows(part, options)
    else:
        rows = [client_row(loaded, options) for loaded in read_partition(part)]
    return pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)


def _effects_rows(part: Partition, options: CohortOptions) -> list[dict[str, Any]]:
    """The comparison of every client of a partition, from the columns (records only for a client
    with a value its records refuse, to report every problem as the JSON reader does)."""
    fields = (options.outcome,)
    rows: list[dict[str, Any]] = []
    diaries: list[DiaryArrays] = []
    if part.kind == "parquet":
        table = read_table(part)
        arrays = partition_arrays(table)
        for i in range(table.num_rows):
            row: dict[str, Any] = {"client_id": arrays.ids[i], "outcome": options.outcome,
                                   "source": f"{part.paths[0]} row {part.first_row + i}"}  # fmt: skip
            if arrays.ok[i]:
                rows.append(row)
                diaries.append(arrays.diary(i, fields))
                continue
            (loaded,) = load_rows(table.slice(i, 1), part.paths[0], part.first_row + i)
            rows.append(_loaded_row(loaded, row, diaries, fields))
    else:
        for loaded in read_partition(part):
            first: dict[str, Any] = {"client_id": loaded.client_id, "source": loaded.source,
                                     "outcome": options.outcome}  # fmt: skip
            rows.append(_loaded_row(loaded, first, diaries, fields))
    analysed = [r for r in rows if "status" not in r]
    found = compare_batch(diaries, options.outcome, options.effects_compare)
    for row, diary, c in zip(analysed, diaries, found, strict=True):
        row.update(status="analysed", checkin_days=diary.checkin_days, baseline_days=diary.baseline_days,
                   sessions=len(diary.sessions), **_comparison_columns(c))  # fmt: skip
    return rows


def _loaded_row(loaded: Loaded, row: dict[str, Any], diaries: list[DiaryArrays],
                fields: tuple[str, ...]) -> dict[str, Any]:  # fmt: skip
    """A client read through the records: rejected with its problems, or queued for the comparison."""
    if loaded.client_file is None:
        problems = loaded.error.lines() if loaded.error is not None else []
        return {**row, "status": "rejected", "problems": "\n".join(problems)}
    diaries.append(DiaryArrays.of(loaded.client_file, fields))
    return row


# --- The run --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortRun:
    """What a cohort run did: counts, the pooled effect, where the rows are."""

    out: Path
    clients: int
    analysed: int
    rejected: int
    refused: int  # analysed, but the comparison was refused (too little data)
    verdicts: dict[str, int]
    pooled: PooledEffects | None
    outcome: str
    workers: int
    partitions: int
    seconds: float
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "clients": self.clients,
            "analysed": self.analysed,
            "rejected": self.rejected,
            "refused": self.refused,
            "verdicts": dict(self.verdicts),
            "outcome": self.outcome,
            "pooled": None if self.pooled is None else self.pooled.to_dict(clients=False),
            "workers": self.workers,
            "partitions": self.partitions,
            "seconds": self.seconds,
            "notes": list(self.notes),
        }


Progress = Callable[[int, int], None]


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: on ``scheduler`` if given, else on a new ``LocalCluster``.

    The local cluster has ``workers`` single-threaded worker processes (default: one per CPU),
    since the engine is numpy-and-Python work that threads would serialise on the GIL. It and
    its status page listen on free ports of 127.0.0.1 only.
    """
    from distributed import Client

    if scheduler is not None:
        if workers is not None:
            raise ValueError("cohort: --workers is for the local cluster; with --scheduler the cluster's "
                             "own workers are used")  # fmt: skip
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    n = workers if workers is not None else (os.cpu_count() or 1)
    with local_cluster(n) as cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


@contextmanager
def local_cluster(workers: int) -> Iterator[Any]:
    """A ``distributed.LocalCluster`` of ``workers`` single-threaded worker processes.

    Its status page listens on a free port of 127.0.0.1 only, and its workers start with
    :data:`WORKER_MALLOC`.
    """
    import dask.config
    from distributed import LocalCluster

    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"cohort: workers = {workers!r} is not allowed (allowed: a whole number >= 1)")
    environ = {**dask.config.get("distributed.nanny.pre-spawn-environ"), **WORKER_MALLOC}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                               dashboard_address=LOOPBACK, silence_logs=logging.CRITICAL)  # fmt: skip
    with cluster:
        yield cluster


def run_cohort(
    source: str | Path | Iterable[ClientFile],
    out: str | Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    options: CohortOptions | None = None,
    progress: Progress | None = None,
) -> CohortRun:
    """Analyse every client of ``source`` on Dask, write one row per client to ``out``, pool them.

    Parameters
    ----------
    source : path or iterable of ClientFile
        A client dataset (Parquet, :mod:`touchdose.cohort.dataset`), a directory of JSON/CSV
        client files, or client files (e.g. from the database), which are first written to a
        temporary client dataset beside ``out`` (the workers read it) and removed afterwards.
    out : path
        The results Parquet file (:data:`RESULT_SCHEMA`), written whole or not at all.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); default a local cluster.
    workers : int, optional
        Worker processes of the local cluster (default one per CPU).
    options : CohortOptions
        Outcome and MID.
    progress : callable, optional
        ``progress(clients_done, clients_total)`` after each partition.

    Returns
    -------
    CohortRun
    """
    options = options or CohortOptions()
    out = Path(out)
    if not isinstance(source, (str, Path)):
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".{out.name}.clients.", dir=out.parent) as tmp:
            staged = Path(tmp) / "clients"
            if write_dataset(source, staged) == 0:
                raise SourceError("no clients to analyse")
            return run_cohort(staged, out, scheduler=scheduler, workers=workers, options=options,
                              progress=progress)  # fmt: skip
    partitions(source)  # a source that cannot be read fails before a cluster is started
    started = time.perf_counter()
    tables: dict[int, pa.Table] = {}
    with dask_client(scheduler, workers) as client:
        from distributed import as_completed

        n_workers = len(client.scheduler_info(n_workers=-1).get("workers", {}))
        parts = partitions(source, at_least=TASKS_PER_WORKER * max(n_workers, 1))
        total = sum(p.clients for p in parts)
        futures = client.map(analyse_partition, parts, options=options, pure=False)
        index = {f.key: p.index for f, p in zip(futures, parts, strict=True)}
        done = 0
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            table = future.result()
            tables[index[future.key]] = table
            done += table.num_rows
            if progress is not None:
                progress(done, total)
    results = pa.concat_tables([tables[i] for i in sorted(tables)]) if tables else RESULT_SCHEMA.empty_table()
    _write_atomically(results, out)
    return _summary(results, out, options, n_workers, len(parts), time.perf_counter() - started)


def _write_atomically(table: pa.Table, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp:
        pq.write_table(table, tmp)


def _summary(results: pa.Table, out: Path, options: CohortOptions, workers: int, parts: int,
             seconds: float) -> CohortRun:  # fmt: skip
    cols = results.select(["client_id", "status", "verdict", "effect", "effect_se", "comparison_refused"])
    d = cols.to_pydict()
    status = Counter(d["status"])
    verdicts = Counter(v for v in d["verdict"] if v is not None)
    ordered = {s: verdicts[s] for s in VERDICT_STATES if verdicts[s]}
    with_effect = [i for i, e in enumerate(d["effect"]) if e is not None]
    notes: list[str] = []
    pooled = None
    if len(with_effect) >= 2:
        o = DIARY_OUTCOMES[options.outcome]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FewStudiesWarning)
            pooled = pool_clients(
                [d["effect"][i] for i in with_effect], [d["effect_se"][i] for i in with_effect],
                ids=[d["client_id"][i] for i in with_effect], mid=options.mid_value,
                lower_is_better=o.lower_is_better,
            )  # fmt: skip
        if any(issubclass(w.category, FewStudiesWarning) for w in caught):
            notes.append(f"only {len(with_effect)} clients with a comparison: the spread between "
                         "clients is barely estimable")  # fmt: skip
    else:
        notes.append(f"{len(with_effect)} clients with a comparison: at least 2 are needed to pool")
    return CohortRun(
        out=out, clients=results.num_rows, analysed=status["analysed"], rejected=status["rejected"],
        refused=sum(1 for r in d["comparison_refused"] if r), verdicts=ordered, pooled=pooled,
        outcome=options.outcome, workers=workers, partitions=parts, seconds=seconds, notes=tuple(notes),
    )  # fmt: skip
