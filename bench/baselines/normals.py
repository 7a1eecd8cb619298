"""numpy baseline for bench/monte-carlo.bench.ts: best-of-`repeats` seconds to draw
n standard normals with numpy's default generator (PCG64 + ziggurat) and with the
legacy np.random.randn (Mersenne Twister + polar Box-Muller)."""
import json
import sys
import time

import numpy as np

n, repeats = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
legacy = np.random.RandomState(0)
best = {"default_rng": float("inf"), "randn": float("inf")}
for _ in range(repeats):
    t0 = time.perf_counter()
    rng.standard_normal(n)
    best["default_rng"] = min(best["default_rng"], time.perf_counter() - t0)
    t0 = time.perf_counter()
    legacy.standard_normal(n)
    best["randn"] = min(best["randn"], time.perf_counter() - t0)
json.dump(best, sys.stdout)
