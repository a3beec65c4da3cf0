#!/usr/bin/env python3
"""NumPy peer for `msense bench`: factorized gradient descent on matrix sensing with the subsampled
randomized Walsh-Hadamard operator, written the way a researcher would (plain NumPy, one trajectory).

    A(Z)_i = sqrt(N/m) * (H D vec(Z))_{s_i},  H the orthonormal Walsh-Hadamard transform of length
    N = 2^ceil(log2(n1*n2)) (vec(Z) zero-padded), D random signs, s_1..s_m distinct rows.
    A*(r) = D H^T P_s^T r * sqrt(N/m), truncated to n1*n2 entries.

One GD step on f(V, W) = 1/2 ||A(V W^T) - y||^2:
    X = V @ W.T;  r = A(X) - y;  G = A*(r).reshape(n1, n2);  V, W = V - mu G W, W - mu G^T V

Prints a line with the seconds per iteration, then one JSON line: the per-iteration times in ms after
the warm-up, their median and the NumPy version.
"""
import argparse
import json
import sys
import time

import numpy as np


def fwht(x):
    """Orthonormal fast Walsh-Hadamard transform of a vector whose length is a power of two."""
    n = x.shape[0]
    h = 1
    while h < n:
        x = x.reshape(-1, 2, h)
        x = np.stack([x[:, 0, :] + x[:, 1, :], x[:, 0, :] - x[:, 1, :]], axis=1)
        h *= 2
    return x.reshape(n) / np.sqrt(n)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n1", type=int, default=1024)
    p.add_argument("--n2", type=int, default=1024)
    p.add_argument("--rank", type=int, default=5)
    p.add_argument("--m", type=int, default=200000)
    p.add_argument("--k", type=int, default=20)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--alpha", type=float, default=1e-6)
    p.add_argument("--mu", type=float, default=0.25)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    rng = np.random.default_rng(a.seed)
    n1, n2, k, m = a.n1, a.n2, a.k, a.m
    n = n1 * n2
    N = 1 << (n - 1).bit_length()
    d = rng.choice([-1.0, 1.0], size=n)
    s = np.sort(rng.choice(N, size=m, replace=False))
    scale = np.sqrt(N / m)

    def forward(Z):
        z = np.zeros(N)
        z[:n] = d * Z.ravel()
        return scale * fwht(z)[s]

    def adjoint(r):
        z = np.zeros(N)
        z[s] = scale * r
        return (d * fwht(z)[:n]).reshape(n1, n2)

    U = np.linalg.qr(rng.standard_normal((n1, a.rank)))[0]
    Vs = np.linalg.qr(rng.standard_normal((n2, a.rank)))[0]
    Xs = U @ Vs.T
    y = forward(Xs)
    V = a.alpha * rng.standard_normal((n1, k)) / np.sqrt(k)
    W = a.alpha * rng.standard_normal((n2, k)) / np.sqrt(k)
    times = []
    for t in range(a.warmup + a.iters):
        t0 = time.perf_counter()
        X = V @ W.T
        r = forward(X) - y
        G = adjoint(r)
        V, W = V - a.mu * (G @ W), W - a.mu * (G.T @ V)
        times.append((time.perf_counter() - t0) * 1e3)
    measured = times[a.warmup:]
    if not np.all(np.isfinite(V)) or not np.all(np.isfinite(W)):
        print("hadamard_peer: the iteration diverged", file=sys.stderr)
        return 1
    median = float(np.median(measured))
    print(f"hadamard n1={n1} n2={n2} m={m} k={k}: {median / 1e3:.3f} s/iteration")
    print(json.dumps({"ms": measured, "median_ms": median, "numpy": np.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
