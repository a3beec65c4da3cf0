package org.msense.lab.reproduce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;

/**
 * The problem sizes the experiments share. The theory needs m well above the degrees of freedom
 * r(n1 + n2 − r) of a rank-r matrix (so 𝒜 is near-isometric on low-rank matrices) but below n1·n2 (so
 * that 𝒜 has a null space and the overparameterized model could fit y without recovering X*: only the
 * implicit bias of small initialization makes it generalize).
 *
 * @param n1   rows of X*
 * @param n2   columns of X*
 * @param rank r
 * @param m    measurements
 */
public record Setup(int n1, int n2, int rank, int m) {
    /** The seed of every problem the experiments generate. */
    public static final long SEED = 20230324L;

    /** The common setup of quick mode (a few hundred measurements of a 24×20 matrix). */
    public static Setup base(boolean quick) {
        return quick ? new Setup(24, 20, 2, 300) : new Setup(60, 50, 3, 1200);
    }

    /** The same with another rank and number of measurements. */
    public Setup with(int r, int measurements) {
        return new Setup(n1, n2, r, measurements);
    }

    /** min(n1, n2). */
    public int minDim() {
        return Math.min(n1, n2);
    }

    /** Degrees of freedom of a rank-r n1×n2 matrix. */
    public int degreesOfFreedom() {
        return rank * (n1 + n2 - rank);
    }

    /** A noiseless problem with condition number κ. */
    public ProblemSpec problem(double condition) {
        return problem(condition, 0);
    }

    /** A problem with condition number κ and noise σ_noise. */
    public ProblemSpec problem(double condition, double noise) {
        return new ProblemSpec(n1, n2, rank, condition, 1.0, m, OperatorKind.GAUSSIAN, noise, SEED);
    }

    /** A problem with condition number κ, noise σ_noise and its own seed (X*, 𝒜 and ξ all drawn from it). */
    public ProblemSpec problem(double condition, double noise, long seed) {
        return new ProblemSpec(n1, n2, rank, condition, 1.0, m, OperatorKind.GAUSSIAN, noise, seed);
    }

    /**
     * How many seeds the multi-seed experiments draw (X*, 𝒜, ξ and the initial directions from each): 2 in quick mode,
     * 3 in full mode. Their numbers are reported as median and spread ({@link Spread}).
     */
    public static int seeds(boolean quick) {
        return quick ? 2 : 3;
    }

    /** The i-th seed of a multi-seed experiment ({@link #SEED} + i). */
    public static long seed(int i) {
        return SEED + i;
    }

    /** One balanced trajectory per α with init directions from {@code initSeed}. */
    public static List<TrajectorySpec> balanced(long initSeed, double mu, double... alphas) {
        List<TrajectorySpec> t = new ArrayList<>();
        for (double a : alphas) {
            t.add(new TrajectorySpec(initSeed, a, a, mu));
        }
        return t;
    }

    /** Full-batch gradient descent for T steps, logging every L. */
    public static AlgorithmSpec gd(int iterations, int logEvery) {
        return new AlgorithmSpec(iterations, logEvery, 0, 0);
    }

    /** One balanced trajectory per α, all with the same init directions. */
    public static List<TrajectorySpec> balanced(double mu, double... alphas) {
        List<TrajectorySpec> t = new ArrayList<>();
        for (double a : alphas) {
            t.add(new TrajectorySpec(SEED, a, a, mu));
        }
        return t;
    }

    /** A sentence describing the problem. */
    public String describe(double condition) {
        return String.format(Locale.ROOT,
                "X* ∈ R^{%d×%d} of rank r = %d (σ₁ = 1, κ = %s), m = %d Gaussian measurements (%.1f× the %d degrees of"
                        + " freedom, %.2f·n1n2), seed %d",
                n1, n2, rank, Check.format(condition), m, m / (double) degreesOfFreedom(), degreesOfFreedom(),
                m / (double) (n1 * n2), SEED);
    }
}
