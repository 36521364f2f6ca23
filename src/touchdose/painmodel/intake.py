"""ACR 2016 intake answers for synthetic clients, consistent with their sensitization.

Optional (``simulate_clients(..., intake=True)``): the answers let the instruments
decide a client's sensitivity level the way a real intake would, instead of the
level the client states. Fibromyalgia severity (FS = WPI + SSS, 0-31) is drawn
around ``4 + 20 s``: a typical system (s = 0) lands in WOLFE15's "none" to "mild"
range, a sensitized one (s = 0.8) at about 20, above the FS >= 12 that fibromyalgia
requires (Wolfe 2016). The mapping is a model choice, not a published relation.

Examples
--------
>>> import numpy as np
>>> answers = acr2016_answers(np.random.default_rng(1), np.array([0.0, 0.9]))
>>> [len(a.wpi_regions) for a in answers][0] < [len(a.wpi_regions) for a in answers][1]
True
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from touchdose.records import ACR_SYMPTOM_MAX, AREAS, Acr2016Answers

#: FS drawn as round(FS_AT_ZERO + FS_PER_SENSITIZATION * s + N(0, FS_SD)), kept in 0-31.
FS_AT_ZERO = 4.0
FS_PER_SENSITIZATION = 20.0
FS_SD = 2.5
#: Share of FS that is symptom severity (SSS, 0-12); the rest is painful areas (WPI, 0-19).
SSS_SHARE = 0.4
SSS_MAX, WPI_MAX, FS_MAX = 12, 19, 31
_GRADED = tuple(name for name, highest in ACR_SYMPTOM_MAX.items() if highest == 3)  # 0-3 each
_YES_NO = tuple(name for name, highest in ACR_SYMPTOM_MAX.items() if highest == 1)  # 0-1 each


def _symptoms(sss: int) -> dict[str, int]:
    """Spread a symptom severity score over the six items: graded ones first, evenly."""
    graded = min(sss, 9)
    items = {name: graded // 3 + (1 if i < graded % 3 else 0) for i, name in enumerate(_GRADED)}
    rest = sss - graded
    items.update({name: 1 if i < rest else 0 for i, name in enumerate(_YES_NO)})
    return items


def acr2016_answers(rng: np.random.Generator, sensitization: NDArray[np.float64]) -> list[Acr2016Answers]:
    """One set of ACR 2016 answers per client, from its sensitization (0-1).

    Parameters
    ----------
    rng : numpy generator (its own stream, so the rest of the simulation is unchanged).
    sensitization : long-standing sensitization of each client.

    Returns
    -------
    ACR 2016 answers (all items answered, symptoms for at least 3 months).

    Notes
    -----
    ``FS = clip(round(4 + 20 s + e), 0, 31)``, ``e ~ N(0, 2.5^2)``; ``SSS = min(round(0.4 FS), 12)``,
    ``WPI = min(FS - SSS, 19)`` (then SSS takes what WPI cannot); the painful areas are a random
    choice of the 19.
    """
    s = np.asarray(sensitization, dtype=np.float64)
    fs = np.clip(np.rint(FS_AT_ZERO + FS_PER_SENSITIZATION * s + rng.normal(0.0, FS_SD, s.shape)), 0, FS_MAX)
    order = np.argsort(rng.random((s.shape[0], len(AREAS))), axis=1)
    out = []
    for i, total in enumerate(fs.astype(int).tolist()):
        sss = min(round(SSS_SHARE * total), SSS_MAX)
        wpi = min(total - sss, WPI_MAX)
        sss = min(total - wpi, SSS_MAX)
        regions = tuple(AREAS[j] for j in sorted(order[i, :wpi]))
        out.append(Acr2016Answers(wpi_regions=regions, symptoms_3_months=True, **_symptoms(sss)))
    return out
