package org.msense.core.rng;

/**
 * What a Gaussian stream is used for. The {@link #id()} becomes counter word 2 of the Philox
 * block (see {@link GaussianStream}), so streams of different purposes never share counters.
 *
 * <p>The ids are part of the reproducibility contract (the CUDA kernels use the same numbers):
 * never renumber or reuse them; append new purposes with new ids.
 */
public enum StreamPurpose {
    /** Gaussian matrix whose QR factorization gives the left ground-truth factor U*. */
    TRUTH_LEFT(1),
    /** Gaussian matrix whose QR factorization gives the right ground-truth factor V*. */
    TRUTH_RIGHT(2),
    /** Entries of the sensing matrices A_i. */
    SENSING(3),
    /** Measurement noise ξ. */
    NOISE(4),
    /** Initial factor V. */
    INIT_V(5),
    /** Initial factor W. */
    INIT_W(6),
    /** Fresh sensing matrices drawn at each stochastic gradient step. */
    SGD_SENSING(7),
    /** Fresh measurement noise drawn at each stochastic gradient step. */
    SGD_NOISE(8),
    /** Candidate entries (j, l) of the matrix-completion operator ({@code DistinctIndexSampler}). */
    COMPLETION_ENTRIES(9),
    /** Random signs D of the subsampled Hadamard operator. */
    HADAMARD_SIGNS(10),
    /** Candidate rows s_i of the subsampled Hadamard operator ({@code DistinctIndexSampler}). */
    HADAMARD_ROWS(11),
    /** Left vectors a_i of the rank-one projection operator. */
    RANK_ONE_LEFT(12),
    /** Right vectors b_i of the rank-one projection operator. */
    RANK_ONE_RIGHT(13),
    /** Directions of the bounded perturbation P injected into the perturbed gradient flow. */
    PERTURBATION(14);

    private final int id;

    StreamPurpose(int id) {
        this.id = id;
    }

    /**
     * The stable numeric id of this purpose.
     *
     * @return the id, used as counter word 2 of the stream's Philox blocks
     */
    public int id() {
        return id;
    }
}
