"""numpy baseline: the analytic NNGP/NTK recursion (eqs. S3-S6, S15-S16) of a deep
ReLU network, written the way Neural Tangents evaluates it (vectorised arrays,
arctan2 for the angle). Prints the best wall time of `repeats` runs as JSON."""
import json
import sys
import time

import numpy as np

n, d, depth, repeats, w_std, b_std = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]),
                                      int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]))
rng = np.random.default_rng(0)
x = rng.standard_normal((n, d))
w2, b2 = w_std ** 2, b_std ** 2


def kernels(x):
    nngp = x @ x.T / x.shape[1]
    cov = np.einsum("ij,ij->i", x, x) / x.shape[1]
    ntk = np.zeros_like(nngp)
    for _ in range(depth):
        nngp = w2 * nngp + b2
        cov = w2 * cov + b2
        ntk = nngp + w2 * ntk
        prod = np.outer(cov, cov)
        root = np.sqrt(np.maximum(prod - nngp ** 2, 0.0))
        theta = np.arctan2(root, nngp)
        dot = 0.5 - theta / (2 * np.pi)
        nngp = root / (2 * np.pi) + dot * nngp
        ntk = ntk * dot
        cov = cov / 2
    nngp = w2 * nngp + b2
    ntk = nngp + w2 * ntk
    return nngp, ntk


times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    nngp, ntk = kernels(x)
    times.append(time.perf_counter() - t0)
json.dump({"seconds": min(times), "checksum": float(ntk[0, 1] + nngp[2, 3])}, sys.stdout)
