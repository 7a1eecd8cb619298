"""numpy baseline for bench/io.bench.ts: best-of-3 seconds to np.save and np.load an n×n float64 matrix."""
import json
import os
import sys
import time

import numpy as np

n, directory = int(sys.argv[1]), sys.argv[2]
a = np.random.default_rng(0).standard_normal((n, n))
path = os.path.join(directory, "numpy.npy")
save = load = float("inf")
for _ in range(3):
    t0 = time.perf_counter()
    np.save(path, a)
    save = min(save, time.perf_counter() - t0)
    t0 = time.perf_counter()
    np.load(path)
    load = min(load, time.perf_counter() - t0)
json.dump({"save": save, "load": load}, sys.stdout)
