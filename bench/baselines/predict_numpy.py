"""numpy/scipy baseline for predict.gradientDescentMseEnsemble: the same
eigh-based closed forms (eqs. 15-16, S30-S31) for NTK and NNGP, mean and
covariance at t = inf and at the given times. Kernels are read from raw
float64 files written by the benchmark. Prints the best wall time as JSON."""
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


def gain(evals, tau):
    if np.isinf(tau):
        return np.where(evals > 0, 1 / np.where(evals > 0, evals, 1), 0.0)
    return np.where(evals > 0, -np.expm1(-evals * tau) / np.where(evals > 0, evals, 1), tau)


def run():
    out = []
    for get in ("nngp", "ntk"):
        A, At = (K, Kt) if get == "nngp" else (T, Tt)
        evals, evecs = scipy.linalg.eigh(A, driver="evd")
        evals = np.maximum(evals, 0)
        proj = At @ evecs
        vy = evecs.T @ y
        if get == "ntk":
            C = evecs.T @ Kt.T
            G = evecs.T @ K @ evecs
        for t in ts:
            tau = t / N
            g = gain(evals, tau)
            B = proj * g
            mean = B @ vy
            if get == "nngp":
                cov = Ktt - (proj * gain(evals, 2 * tau)) @ proj.T
            else:
                BC = B @ C
                cov = Ktt - BC - BC.T + B @ G @ B.T
            out.append((mean, cov))
    return out


times = []
for _ in range(d["repeats"]):
    t0 = time.perf_counter()
    res = run()
    times.append(time.perf_counter() - t0)
json.dump({"seconds": min(times), "checksum": float(res[-1][1][0, 0] + res[0][0][0, 0])}, sys.stdout)
