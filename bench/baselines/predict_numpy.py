"""numpy/scipy baseline for predict.gradientDescentMseEnsemble: the same
eigh-based closed forms (eqs. 15-16, S30-S31) for NTK and NNGP, mean and
covariance at t = inf and at the given times, written as a Neural Tangents
user would with numpy. Kernels are read from raw float64 files written by the
benchmark. Prints the best wall time and, for that run, the seconds in
eigh (scipy.linalg.eigh, driver evd = LAPACK dsyevd) and in matrix products
(@, BLAS dgemm); the rest is glue (elementwise numpy)."""
import json
import sys
import time

import numpy as np
import scipy.linalg

d = json.loads(sys.argv[1])
n, m, k = d["n"], d["m"], d["k"]
load = lambda name, shape: np.fromfile(f"{d['dir']}/{name}.f64", dtype=np.float64).reshape(shape)
K, Kt, Ktt = load("nngp", (n, n)), load("nngp_test", (m, n)), load("nngp_test_test", (m, m))
T, Tt = load("ntk", (n, n)), load("ntk_test", (m, n))
y = load("y", (n, k))
ts = [float("inf") if t is None else t for t in d["ts"]]
N = y.size
spent = {"eigh": 0.0, "gemm": 0.0}


def timed(kind, fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    spent[kind] += time.perf_counter() - t0
    return out


mm = lambda a, b: timed("gemm", np.matmul, a, b)


def gain(evals, tau):
    if np.isinf(tau):
        return np.where(evals > 0, 1 / np.where(evals > 0, evals, 1), 0.0)
    return np.where(evals > 0, -np.expm1(-evals * tau) / np.where(evals > 0, evals, 1), tau)


def run():
    out = []
    for get in ("nngp", "ntk"):
        A, At = (K, Kt) if get == "nngp" else (T, Tt)
        evals, evecs = timed("eigh", scipy.linalg.eigh, A, driver="evd")
        evals = np.maximum(evals, 0)
        proj = mm(At, evecs)
        vy = mm(evecs.T, y)
        if get == "ntk":
            C = mm(evecs.T, Kt.T)
            G = mm(mm(evecs.T, K), evecs)
        for t in ts:
            tau = t / N
            g = gain(evals, tau)
            B = proj * g
            mean = mm(B, vy)
            if get == "nngp":
                cov = Ktt - mm(proj * gain(evals, 2 * tau), proj.T)
            else:
                BC = mm(B, C)
                cov = Ktt - BC - BC.T + mm(mm(B, G), B.T)
            out.append((mean, cov))
    return out


best = None
for _ in range(d["repeats"]):
    spent = {"eigh": 0.0, "gemm": 0.0}
    t0 = time.perf_counter()
    res = run()
    total = time.perf_counter() - t0
    if best is None or total < best["seconds"]:
        best = {"seconds": total, **spent}
best["checksum"] = float(res[-1][1][0, 0] + res[0][0][0, 0])
json.dump(best, sys.stdout)
