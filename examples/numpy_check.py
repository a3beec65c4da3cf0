#!/usr/bin/env python3
"""Re-run a problem exported by `msense run --export-npy DIR` with a few lines of NumPy.

Reads X_star.npy, the operator, y.npy, V0.npy, W0.npy from DIR (for matrix completion X* comes as U_star.npy,
sigma_star.npy, V_star.npy instead of X_star.npy) and runs the same method as `msense run
--method` for every trajectory, printing CSV rows `trajectory,iteration,relative_error` at
t = 0, L, 2L, ... and at the last iteration, the same rows as the engine's metrics.csv.
The operator is whichever files DIR holds:
  A.npy                                  dense (gaussian, gaussian-implicit): A(Z) = A @ vec(Z)
  hadamard_rows.npy, hadamard_signs.npy  hadamard: A(Z) = sqrt(N/m) (H D [vec Z; 0])[s], H orthonormal
  rank_one_a.npy, rank_one_b.npy         rank-one: A(Z)_i = a_i^T Z b_i / sqrt(m)
  entries.npy                            completion: A(Z)_i = sqrt(n1 n2/m) Z[j_i, l_i], rows (j_i, l_i)
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


def fwht(x):
    """Orthonormal Walsh-Hadamard transform of a vector whose length is a power of two."""
    n = x.shape[0]
    h = 1
    while h < n:
        x = x.reshape(-1, 2, h)
        x = np.stack([x[:, 0, :] + x[:, 1, :], x[:, 0, :] - x[:, 1, :]], axis=1)
        h *= 2
    return x.reshape(n) / np.sqrt(n)


def load_operator(d, n1, n2):
    """(forward, adjoint) of the operator stored in d: Z (n1, n2) -> (m,), r (m,) -> (n1, n2)."""
    n = n1 * n2
    if os.path.exists(f"{d}/A.npy"):
        A = np.load(f"{d}/A.npy")      # (m, n1*n2), rows are vec(A_i)/sqrt(m), row-major vec
        return (lambda Z: A @ Z.ravel()), (lambda r: (A.T @ r).reshape(n1, n2))
    if os.path.exists(f"{d}/hadamard_rows.npy"):
        s = np.load(f"{d}/hadamard_rows.npy").astype(np.int64)
        D = np.load(f"{d}/hadamard_signs.npy")
        N, m = D.shape[0], s.shape[0]
        c = np.sqrt(N / m)

        def forward(Z):
            z = np.zeros(N)
            z[:n] = Z.ravel()
            return c * fwht(D * z)[s]

        def adjoint(r):
            z = np.zeros(N)
            z[s] = r
            return (c * D * fwht(z))[:n].reshape(n1, n2)
        return forward, adjoint
    if os.path.exists(f"{d}/rank_one_a.npy"):
        a, b = np.load(f"{d}/rank_one_a.npy"), np.load(f"{d}/rank_one_b.npy")
        m = a.shape[0]
        return (lambda Z: np.sum((a @ Z) * b, axis=1) / np.sqrt(m)), (lambda r: a.T @ (r[:, None] * b) / np.sqrt(m))
    J, L = np.load(f"{d}/entries.npy").astype(np.int64).T
    c = np.sqrt(n / J.shape[0])

    def adjoint(r):
        E = np.zeros((n1, n2))
        E[J, L] = c * r
        return E
    return (lambda Z: c * Z[J, L]), adjoint


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

    if os.path.exists(f"{a.dir}/entries.npy"):
        U, s, Vs = (np.load(f"{a.dir}/{n}.npy") for n in ("U_star", "sigma_star", "V_star"))
        X = (U * s) @ Vs.T
    else:
        X = np.load(f"{a.dir}/X_star.npy")
    y = np.load(f"{a.dir}/y.npy")
    V0 = np.load(f"{a.dir}/V0.npy")        # (B, n1, k)
    W0 = np.load(f"{a.dir}/W0.npy")        # (B, n2, k)
    n1, n2 = X.shape
    B, k = V0.shape[0], V0.shape[2]
    forward, backward = load_operator(a.dir, n1, n2)

    def per_trajectory(text):
        v = [float(s) for s in text.split(",")]
        return v * B if len(v) == 1 else v

    if a.method == "gd-symmetric" and not (np.array_equal(V0, W0)
                                           and np.allclose(X, X.T, rtol=0, atol=1e-12 * np.abs(X).max())):
        raise SystemExit("gd-symmetric needs V0 = W0 and a symmetric X_star")

    mus, lams, cs = per_trajectory(a.step_size), per_trajectory(a.lam), per_trajectory(a.damping)

    def adjoint(Z):
        res = forward(Z) - y
        return backward(res), res

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
