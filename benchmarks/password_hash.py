"""What a log-in's password check costs at each ``TOUCHDOSE_ARGON2`` choice (docs/performance.md
"The login", docs/security.md "Authentication"), side by side in one run::

    .venv/bin/python benchmarks/password_hash.py [--repeat 20]

For each choice: the Argon2id parameters, the CPU time and the wall time of one check (median of
``--repeat``, one at a time on an otherwise idle process), and the CPU a second that 50 people
need who each log in about every 13 s, as in ``benchmarks/load.py``'s loop.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

#: Log-ins a second in benchmarks/load.py's run with think time (3.8 measured: 699 in 183 s).
LOGINS_PER_SECOND = 3.8


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "touchdose.web.settings")
    import django
    from argon2.low_level import Type, hash_secret, verify_secret

    django.setup()
    from touchdose.web.hashers import ARGON2_COSTS

    print(f"{'choice':<8}{'parameters':<22}{'CPU ms':>8}{'wall ms':>9}{'cores at 3.8 log-ins/s':>25}")
    for name, cost in ARGON2_COSTS.items():
        encoded = hash_secret(b"load-test-password-14", b"sixteen byte salt", time_cost=cost.passes,
                              memory_cost=cost.memory_kib, parallelism=cost.lanes, hash_len=32,
                              type=Type.ID)  # fmt: skip
        cpu, wall = [], []
        for _ in range(args.repeat):
            c, w = time.process_time(), time.perf_counter()
            verify_secret(encoded, b"load-test-password-14", Type.ID)
            cpu.append(1000 * (time.process_time() - c))
            wall.append(1000 * (time.perf_counter() - w))
        params = f"m={cost.memory_kib},t={cost.passes},p={cost.lanes}"
        per_hash = statistics.median(cpu)
        print(f"{name:<8}{params:<22}{per_hash:>8.1f}{statistics.median(wall):>9.1f}"
              f"{per_hash / 1000 * LOGINS_PER_SECOND:>25.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
