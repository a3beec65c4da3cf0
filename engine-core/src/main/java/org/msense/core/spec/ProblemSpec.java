package org.msense.core.spec;

/**
 * A sensing problem: the ground truth X* = U* diag(σ) V*ᵀ ∈ R^{n1×n2} of rank r, with σ geometric from
 * σ₁ = scale down to σ_r = scale/κ, observed through m measurements y = 𝒜(X*) + ξ, ξ_i iid N(0, σ_noise²).
 * Every random quantity derives from {@code seed}. With {@code symmetric} the ground truth is positive
 * semidefinite, X* = U* diag(σ) U*ᵀ (V* = U*, so n1 = n2), as the symmetric model U Uᵀ needs
 * ({@link Method#GD_SYMMETRIC}; docs/math.md, "The symmetric model").
 *
 * @param n1           rows of X*
 * @param n2           columns of X*
 * @param rank         r, 1 ≤ r ≤ min(n1, n2)
 * @param condition    κ = σ₁/σ_r ≥ 1
 * @param scale        σ₁ &gt; 0
 * @param measurements m ≥ 1
 * @param operator     the family of 𝒜
 * @param noise        σ_noise ≥ 0
 * @param seed         key of every random stream of the problem
 * @param symmetric    whether X* is positive semidefinite with V* = U* (needs n1 = n2)
 */
public record ProblemSpec(int n1, int n2, int rank, double condition, double scale, int measurements,
        OperatorKind operator, double noise, long seed, boolean symmetric) {

    public ProblemSpec {
        Checks.atLeast("n1", n1, 1);
        Checks.atLeast("n2", n2, 1);
        if ((long) n1 * n2 > Integer.MAX_VALUE - 8) {
            throw new InvalidSpecException("n1", "n1·n2 = " + (long) n1 * n2 + " exceeds the 2³¹ entries a matrix may have");
        }
        if (rank < 1 || rank > Math.min(n1, n2)) {
            throw new InvalidSpecException("rank", "must be between 1 and min(n1, n2) = " + Math.min(n1, n2) + ", got " + rank);
        }
        if (!Double.isFinite(condition) || condition < 1) {
            throw new InvalidSpecException("condition", "κ = σ₁/σ_r must be a finite number ≥ 1, got " + condition);
        }
        Checks.positive("scale", scale);
        Checks.atLeast("measurements", measurements, 1);
        Checks.present("operator", operator);
        Checks.nonNegative("noise", noise);
        if (symmetric && n1 != n2) {
            throw new InvalidSpecException("model", "a positive semidefinite X* = U*ΣU*ᵀ is square; got n1 = " + n1
                    + ", n2 = " + n2 + " (give n1 = n2 for the symmetric model)");
        }
    }

    /** A problem with a general (not necessarily symmetric) ground truth X* = U* diag(σ) V*ᵀ. */
    public ProblemSpec(int n1, int n2, int rank, double condition, double scale, int measurements,
            OperatorKind operator, double noise, long seed) {
        this(n1, n2, rank, condition, scale, measurements, operator, noise, seed, false);
    }

    /** n1·n2, the number of entries of X* and the number of columns of the stacked 𝒜. */
    public int entries() {
        return n1 * n2;
    }

    /** The r singular values of X*: σ_i = scale·κ^{−(i−1)/(r−1)} (all equal to scale when r = 1). */
    public double[] singularValues() {
        double[] s = new double[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = rank == 1 ? scale : scale * Math.pow(condition, -(double) i / (rank - 1));
        }
        return s;
    }
}
