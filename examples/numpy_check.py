#!/usr/bin/env python3
"""Re-run a problem exported by `msense run --export-npy DIR` with a few lines of NumPy.

Reads X_star.npy, A.npy, y.npy, V0.npy, W0.npy from DIR and runs the same gradient descent
(V <- V - mu E W, W <- W - mu E^T V with E = A*(A(V W^T) - y)) for every trajectory, printing
CSV rows `trajectory,iteration,relative_error` at t = 0, L, 2L, ... and at the last iteration,
the same rows as the engine's metrics.csv.

usage: numpy_check.py DIR --step-size MU[,MU...] --iterations T --log-every L
"""
import argparse
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--step-size", required=True, help="one value, or one per trajectory")
    ap.add_argument("--iterations", type=int, required=True)
    ap.add_argument("--log-every", type=int, required=True)
    a = ap.parse_args()

    X = np.load(f"{a.dir}/X_star.npy")
    A = np.load(f"{a.dir}/A.npy")          # (m, n1*n2), rows are vec(A_i)/sqrt(m), row-major vec
    y = np.load(f"{a.dir}/y.npy")
    V0 = np.load(f"{a.dir}/V0.npy")        # (B, n1, k)
    W0 = np.load(f"{a.dir}/W0.npy")        # (B, n2, k)
    n1, n2 = X.shape
    mus = [float(s) for s in a.step_size.split(",")]
    if len(mus) == 1:
        mus = mus * V0.shape[0]
    print("trajectory,iteration,relative_error")
    for b in range(V0.shape[0]):
        V, W, mu = V0[b].copy(), W0[b].copy(), mus[b]
        for t in range(a.iterations + 1):
            Z = V @ W.T
            if t % a.log_every == 0 or t == a.iterations:
                print(f"{b},{t},{np.linalg.norm(Z - X) / np.linalg.norm(X):.17g}")
            if t == a.iterations:
                break
            E = (A.T @ (A @ Z.ravel() - y)).reshape(n1, n2)
            V, W = V - mu * E @ W, W - mu * E.T @ V


if __name__ == "__main__":
    main()
