package org.msense.core.algorithm;

import java.util.List;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.TrajectorySpec;

/**
 * Factors of a batch on the host (B items, row-major, item after item). The initial ones: V₀_b = α_V,b·G_V and W₀_b = α_W,b·G_W, where G_V (n1×k) and
 * G_W (n2×k) are Gaussian with the chosen normalization, drawn row-major from streams
 * {@link StreamPurpose#INIT_V} and {@link StreamPurpose#INIT_W} keyed by the trajectory's init seed.
 * Trajectories with the same init seed thus share their directions and differ only in scale.
 *
 * @param v B×n1×k, row-major, item after item
 * @param w B×n2×k
 */
public record HostFactors(double[] v, double[] w) {

    /**
     * Draws the initial factors of every trajectory of a batch: {@link #drawInitial(List, int, int, int, InitNormalization)}
     * for the asymmetric methods; for a symmetric one ({@link org.msense.core.spec.Method#symmetric}) the single
     * factor U₀ = α·G_U with G_U from stream {@link StreamPurpose#INIT_V}, stored as V₀ = W₀ = U₀.
     */
    public static HostFactors drawInitial(BatchSpec spec) {
        int n1 = spec.problem().n1();
        int n2 = spec.problem().n2();
        HostFactors f = drawInitial(spec.trajectories(), n1, n2, spec.model().width(), spec.model().normalization());
        return spec.algorithm().method().symmetric() ? new HostFactors(f.v(), f.v().clone()) : f;
    }

    /** Draws the initial factors of every trajectory. */
    public static HostFactors drawInitial(List<TrajectorySpec> trajectories, int n1, int n2, int k, InitNormalization norm) {
        int b = trajectories.size();
        double[] v = new double[b * n1 * k];
        double[] w = new double[b * n2 * k];
        for (int i = 0; i < b; i++) {
            TrajectorySpec t = trajectories.get(i);
            new GaussianStream(t.initSeed(), StreamPurpose.INIT_V, 0)
                    .fill(0, t.alphaV() * norm.stddev(n1, k), v, i * n1 * k, n1 * k);
            new GaussianStream(t.initSeed(), StreamPurpose.INIT_W, 0)
                    .fill(0, t.alphaW() * norm.stddev(n2, k), w, i * n2 * k, n2 * k);
        }
        return new HostFactors(v, w);
    }
}
