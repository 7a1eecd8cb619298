"""numpy baseline: the NNGP/NTK recursion of a ReLU CNN (3×3 SAME convs), written the way
Neural Tangents evaluates it with vectorised arrays: every pair of positions for a net that
ends in global average pooling, only same-position covariances (numpy arrays (n, n, H, W))
for a net that ends in flatten. Shifted-slice sums implement the conv's average over filter
offsets. Prints the best wall time of `repeats` runs as JSON.

usage: cnn_kernels.py gap|flatten n H W C depth repeats
"""
import json
import sys
import time

import numpy as np

readout, n, H, W, C, depth, repeats = sys.argv[1], *map(int, sys.argv[2:8])
rng = np.random.default_rng(0)
x = rng.standard_normal((n, H, W, C))
w2, b2 = 2.0, 0.01


def relu(q11, q12, q22):
    prod = q11 * q22
    root = np.sqrt(np.maximum(prod - q12 ** 2, 0.0))
    theta = np.arctan2(root, q12)
    dot = 0.5 - theta / (2 * np.pi)
    return root / (2 * np.pi) + dot * q12, dot


def conv_full(k):
    # k: (..., H, W, H, W); zero-pad one position on every spatial axis, mean over the 3x3 offsets.
    pad = [(0, 0)] * (k.ndim - 4) + [(1, 1)] * 4
    kp = np.pad(k, pad)
    acc = np.zeros_like(k)
    for a in range(3):
        for b in range(3):
            acc += kp[..., a:a + H, b:b + W, a:a + H, b:b + W]
    return acc / 9


def conv_diag(k):
    # k: (..., H, W)
    pad = [(0, 0)] * (k.ndim - 2) + [(1, 1)] * 2
    kp = np.pad(k, pad)
    acc = np.zeros_like(k)
    for a in range(3):
        for b in range(3):
            acc += kp[..., a:a + H, b:b + W]
    return acc / 9


def full():
    nngp = np.einsum("ihwc,jHWc->ijhwHW", x, x) / C
    cov = np.einsum("ihwc,iHWc->ihwHW", x, x) / C
    ntk = np.zeros_like(nngp)
    for _ in range(depth):
        nngp = w2 * conv_full(nngp) + b2
        ntk = w2 * conv_full(ntk) + nngp
        cov = w2 * conv_full(cov) + b2
        var = np.einsum("ihwhw->ihw", cov)
        v1 = var[:, None, :, :, None, None]
        v2 = var[None, :, None, None, :, :]
        nngp, dot = relu(v1, nngp, v2)
        ntk = ntk * dot
        cov = relu(var[:, :, :, None, None], cov, var[:, None, None, :, :])[0]
    nngp = nngp.mean(axis=(2, 3, 4, 5))
    ntk = ntk.mean(axis=(2, 3, 4, 5))
    return w2 * nngp + b2, w2 * ntk + w2 * nngp + b2


def diagonal():
    nngp = np.einsum("ihwc,jhwc->ijhw", x, x) / C
    cov = np.einsum("ihwc,ihwc->ihw", x, x) / C
    ntk = np.zeros_like(nngp)
    for _ in range(depth):
        nngp = w2 * conv_diag(nngp) + b2
        ntk = w2 * conv_diag(ntk) + nngp
        cov = w2 * conv_diag(cov) + b2
        nngp, dot = relu(cov[:, None], nngp, cov[None, :])
        ntk = ntk * dot
        cov = cov / 2
    nngp = nngp.mean(axis=(2, 3))
    ntk = ntk.mean(axis=(2, 3))
    return w2 * nngp + b2, w2 * ntk + w2 * nngp + b2


times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    nngp, ntk = full() if readout == "gap" else diagonal()
    times.append(time.perf_counter() - t0)
json.dump({"seconds": min(times), "checksum": float(ntk[0, 1] + nngp[2, 3])}, sys.stdout)
