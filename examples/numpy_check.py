#!/usr/bin/env python3
"""Re-run a problem exported by `msense run --export-npy DIR` with a few lines of NumPy.

Reads X_star.npy, A.npy, y.npy, V0.npy, W0.npy from DIR (for matrix completion: U_star.npy,
sigma_star.npy, V_star.npy and entries.npy, the (j, l) of each measurement, instead of X_star and A;
A(Z)_i = sqrt(n1 n2 / m) Z[j_i, l_i]) and runs the same method as `msense run
--method` for every trajectory, printing CSV rows `trajectory,iteration,relative_error` at
t = 0, L, 2L, ... and at the last iteration, the same rows as the engine's metrics.csv.
With E = A*(A(V W^T) - y) and solves (not inverses) of the k x k systems:

  gd        V <- V - mu E W,                 W <- W - mu E^T V                  (simultaneous)
  scaledgd  V <- V - mu E W (W^T W + lam I)^-1, W <- W - mu E^T V (V^T V + lam I)^-1 (simultaneous)
  precgd    the same with lam replaced by eta_t = c * ||A(V W^T) - y||_2
  apgd      V as in scaledgd; then W <- W - mu E'^T V' (V'^T V' + lam I)^-1 with the new V' and
            E' = A*(A(V' W^T) - y)
  gd-symmetric  U <- U - mu E_sym U with E_sym = (E + E^T)/2, E = A*(A(U U^T) - y): GD on
            f(U) = 1/4 ||A(U U^T) - y||^2 for a symmetric X* (needs V0 = W0 = U0)

usage: numpy_check.py DIR --step-size MU[,MU...] --iterations T --log-every L
                      [--method gd|scaledgd|precgd|apgd|gd-symmetric] [--lambda L[,L...]] [--damping C[,C...]]
"""
import argparse
import os
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--step-size", required=True, help="one value, or one per trajectory")
    ap.add_argument("--iterations", type=int, required=True)
    ap.add_argument("--log-every", type=int, required=True)
    ap.add_argument("--method", default="gd", choices=["gd", "scaledgd", "precgd", "apgd", "gd-symmetric"])
    ap.add_argument("--lambda", dest="lam", default="0", help="scaledgd/apgd: one value, or one per trajectory")
    ap.add_argument("--damping", default="1", help="precgd: the constant c, one value or one per trajectory")
    a = ap.parse_args()

    completion = os.path.exists(f"{a.dir}/entries.npy")
    if completion:                          # A(Z)_i = sqrt(n1 n2 / m) Z[j_i, l_i]
        U, s, Vs = (np.load(f"{a.dir}/{n}.npy") for n in ("U_star", "sigma_star", "V_star"))
        X = (U * s) @ Vs.T
        J, L = np.load(f"{a.dir}/entries.npy").astype(np.int64).T
    else:
        X = np.load(f"{a.dir}/X_star.npy")
        A = np.load(f"{a.dir}/A.npy")      # (m, n1*n2), rows are vec(A_i)/sqrt(m), row-major vec
    y = np.load(f"{a.dir}/y.npy")
    V0 = np.load(f"{a.dir}/V0.npy")        # (B, n1, k)
    W0 = np.load(f"{a.dir}/W0.npy")        # (B, n2, k)
    n1, n2 = X.shape
    B, k = V0.shape[0], V0.shape[2]
    scale = np.sqrt(n1 * n2 / len(y))

    def per_trajectory(text):
        v = [float(s) for s in text.split(",")]
        return v * B if len(v) == 1 else v

    if a.method == "gd-symmetric" and not (np.array_equal(V0, W0)
                                           and np.allclose(X, X.T, rtol=0, atol=1e-12 * np.abs(X).max())):
        raise SystemExit("gd-symmetric needs V0 = W0 and a symmetric X_star")

    mus, lams, cs = per_trajectory(a.step_size), per_trajectory(a.lam), per_trajectory(a.damping)

    def adjoint(Z):
        if completion:
            res = scale * Z[J, L] - y
            E = np.zeros((n1, n2))
            E[J, L] = scale * res
            return E, res
        res = A @ Z.ravel() - y
        return (A.T @ res).reshape(n1, n2), res

    def precondition(G, F, d):
        # G (F^T F + d I)^-1 = solve(F^T F + d I, G^T)^T, the matrix being symmetric
        return np.linalg.solve(F.T @ F + d * np.eye(k), G.T).T

    print("trajectory,iteration,relative_error")
    for b in range(B):
        V, W, mu = V0[b].copy(), W0[b].copy(), mus[b]
        for t in range(a.iterations + 1):
            Z = V @ W.T
            if t % a.log_every == 0 or t == a.iterations:
                print(f"{b},{t},{np.linalg.norm(Z - X) / np.linalg.norm(X):.17g}")
            if t == a.iterations:
                break
            E, res = adjoint(Z)
            if a.method == "gd":
                V, W = V - mu * E @ W, W - mu * E.T @ V
            elif a.method == "gd-symmetric":
                V = V - mu * (0.5 * (E + E.T)) @ V
                W = V
            elif a.method in ("scaledgd", "precgd"):
                d = lams[b] if a.method == "scaledgd" else cs[b] * np.linalg.norm(res)
                V, W = V - mu * precondition(E @ W, W, d), W - mu * precondition(E.T @ V, V, d)
            else:
                V = V - mu * precondition(E @ W, W, lams[b])
                E, _ = adjoint(V @ W.T)
                W = W - mu * precondition(E.T @ V, V, lams[b])


if __name__ == "__main__":
    main()
