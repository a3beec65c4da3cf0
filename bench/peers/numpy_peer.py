#!/usr/bin/env python3
"""NumPy peer for `msense bench`: factorized gradient descent on matrix sensing written the way a
researcher would, with one dense Gaussian sensing matrix A (m x n1*n2) and BLAS matrix-vector products.

One GD step on f(V, W) = 1/2 ||A vec(V W^T) - y||^2:
    X = V @ W.T;  r = A @ X.ravel() - y;  G = (A.T @ r).reshape(n1, n2)
    V, W = V - mu * G @ W, W - mu * G.T @ V
With --batch B > 1 the B trajectories run at once: A @ X with B columns, then A.T @ R.

Prints one JSON line: the per-iteration times in ms after the warm-up, their median, the NumPy version.
With --gemm N it instead times an N x N x N matrix product (best of 5) and prints its GFLOP/s.
With --matvec it instead times A @ x for the m x n1*n2 A of the problem (best of --iters, after --warmup) and
prints the rate at which that product reads A, in GB/s: NumPy's own memory floor.
"""
import argparse
import json
import sys
import time

import numpy as np


def gemm_rate(n, dtype):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    a @ b
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2.0 * n ** 3 / best / 1e9


def matvec_rate(m, n, dtype, warmup, iters):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((m, n), dtype=dtype)
    x = rng.standard_normal(n, dtype=dtype)
    for _ in range(warmup):
        A @ x
    best = float("inf")
    for _ in range(iters):
        t0 = time.perf_counter()
        A @ x
        best = min(best, time.perf_counter() - t0)
    return A.nbytes / best / 1e9


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n1", type=int, default=100)
    p.add_argument("--n2", type=int, default=100)
    p.add_argument("--rank", type=int, default=5)
    p.add_argument("--m", type=int, default=6000)
    p.add_argument("--k", type=int, default=100)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--iters", type=int, default=7)
    p.add_argument("--alpha", type=float, default=1e-3)
    p.add_argument("--mu", type=float, default=0.25)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--gemm", type=int, default=0, help="time an N x N x N product instead")
    p.add_argument("--matvec", action="store_true", help="time A @ x alone and print its read rate")
    a = p.parse_args()
    dtype = np.dtype(a.dtype)
    if a.matvec:
        rate = matvec_rate(a.m, a.n1 * a.n2, dtype, a.warmup, a.iters)
        print(json.dumps({"matvec_gbps": rate, "numpy": np.__version__}))
        return 0
    if a.gemm > 0:
        print(json.dumps({"gemm_gflops": gemm_rate(a.gemm, dtype), "numpy": np.__version__}))
        return 0

    rng = np.random.default_rng(a.seed)
    n1, n2, k, m, B = a.n1, a.n2, a.k, a.m, a.batch
    A = rng.standard_normal((m, n1 * n2), dtype=dtype) / dtype.type(np.sqrt(m))
    # X* = U Vs^T with singular values of order 1, so that mu = 0.25 is a stable step
    U = (rng.standard_normal((n1, a.rank)) / np.sqrt(n1)).astype(dtype)
    Vs = (rng.standard_normal((n2, a.rank)) / np.sqrt(n2)).astype(dtype)
    y = A @ (U @ Vs.T).ravel()
    mu = dtype.type(a.mu)
    times = []
    if B == 1:
        V = (a.alpha * rng.standard_normal((n1, k)) / np.sqrt(k)).astype(dtype)
        W = (a.alpha * rng.standard_normal((n2, k)) / np.sqrt(k)).astype(dtype)
        for t in range(a.warmup + a.iters):
            t0 = time.perf_counter()
            X = V @ W.T
            r = A @ X.ravel() - y
            G = (A.T @ r).reshape(n1, n2)
            V, W = V - mu * (G @ W), W - mu * (G.T @ V)
            times.append((time.perf_counter() - t0) * 1e3)
    else:
        alphas = np.logspace(-1, -4, B)
        V = (alphas[:, None, None] * rng.standard_normal((B, n1, k)) / np.sqrt(k)).astype(dtype)
        W = (alphas[:, None, None] * rng.standard_normal((B, n2, k)) / np.sqrt(k)).astype(dtype)
        for t in range(a.warmup + a.iters):
            t0 = time.perf_counter()
            X = (V @ W.transpose(0, 2, 1)).reshape(B, n1 * n2)
            R = A @ X.T - y[:, None]
            G = (A.T @ R).T.reshape(B, n1, n2)
            V, W = V - mu * (G @ W), W - mu * (G.transpose(0, 2, 1) @ V)
            times.append((time.perf_counter() - t0) * 1e3)
    measured = times[a.warmup:]
    if not np.all(np.isfinite(V)) or not np.all(np.isfinite(W)):
        print("numpy_peer: the iteration diverged", file=sys.stderr)
        return 1
    print(json.dumps({"ms": measured, "median_ms": float(np.median(measured)), "numpy": np.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
