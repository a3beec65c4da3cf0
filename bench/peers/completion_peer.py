#!/usr/bin/env python3
"""NumPy peer for `msense bench`: factorized gradient descent on matrix completion, written the way a
researcher would (plain NumPy: fancy indexing for the gathers, np.bincount for the scatters).

    A(Z)_i = sqrt(n1*n2/m) * Z[j_i, l_i] for m distinct entries (j_i, l_i) drawn uniformly;
    A*(r) = sqrt(n1*n2/m) * sum_i r_i e_{j_i} e_{l_i}^T (never formed: only A*(r) W and A*(r)^T V are).

One GD step on f(V, W) = 1/2 ||A(V W^T) - y||^2, without forming any n1 x n2 matrix:
    r = c * sum_c V[j, c] W[l, c] - y;  gV[j] += c r W[l];  gW[l] += c r V[j];  V, W = V - mu gV, W - mu gW

Prints a line with the seconds per iteration, then one JSON line: the per-iteration times in ms after
the warm-up, their median and the NumPy version.
"""
import argparse
import json
import sys
import time

import numpy as np


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n1", type=int, default=20000)
    p.add_argument("--n2", type=int, default=20000)
    p.add_argument("--rank", type=int, default=5)
    p.add_argument("--m", type=int, default=4000000)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--alpha", type=float, default=1e-6)
    p.add_argument("--mu", type=float, default=0.25)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    rng = np.random.default_rng(a.seed)
    n1, n2, k, m = a.n1, a.n2, a.k, a.m
    idx = rng.choice(n1 * n2, size=m, replace=False)
    rows, cols = idx // n2, idx % n2
    c = np.sqrt(n1 * n2 / m)

    U = np.linalg.qr(rng.standard_normal((n1, a.rank)))[0]
    Vs = np.linalg.qr(rng.standard_normal((n2, a.rank)))[0]
    y = c * np.einsum("ij,ij->i", U[rows], Vs[cols])
    V = a.alpha * rng.standard_normal((n1, k)) / np.sqrt(k)
    W = a.alpha * rng.standard_normal((n2, k)) / np.sqrt(k)
    times = []
    for t in range(a.warmup + a.iters):
        t0 = time.perf_counter()
        Vr, Wc = V[rows], W[cols]
        r = c * np.einsum("ij,ij->i", Vr, Wc) - y
        cr = c * r
        gV = np.empty((n1, k))
        gW = np.empty((n2, k))
        for q in range(k):
            gV[:, q] = np.bincount(rows, weights=cr * Wc[:, q], minlength=n1)
            gW[:, q] = np.bincount(cols, weights=cr * Vr[:, q], minlength=n2)
        V, W = V - a.mu * gV, W - a.mu * gW
        times.append((time.perf_counter() - t0) * 1e3)
    measured = times[a.warmup:]
    if not np.all(np.isfinite(V)) or not np.all(np.isfinite(W)):
        print("completion_peer: the iteration diverged", file=sys.stderr)
        return 1
    median = float(np.median(measured))
    print(f"completion n1={n1} n2={n2} m={m} k={k}: {median / 1e3:.3f} s/iteration")
    print(json.dumps({"ms": measured, "median_ms": median, "numpy": np.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
