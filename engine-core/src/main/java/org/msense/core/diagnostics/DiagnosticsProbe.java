package org.msense.core.diagnostics;

import java.util.Arrays;
import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.SensingOperator;
import org.msense.core.backend.Transpose;
import org.msense.core.problem.SensingProblem;

/**
 * Gathers, on the engine, what the diagnostics need for a batch of B trajectories — Gram matrices VᵀV, WᵀW,
 * V_⊥ᵀV_⊥, W_⊥ᵀW_⊥ (k×k), projections U*ᵀV, V*ᵀW (r×k) and three squared norms — and reads back those and the
 * factors V, W themselves. ‖VWᵀ − X*‖_F² is measured directly (X = VWᵀ formed in scratch, then the engine's fp64
 * distance to X*) only when the problem holds X* as a matrix (n1·n2 ≤ {@link SensingOperator#DENSE_LIMIT}); above
 * that it is left NaN for {@link DiagnosticsCalculator} to compute from the factors, and no n1×n2 buffer exists.
 * ‖𝒜*(res)‖_F² comes from {@link SensingOperator#adjointSquaredNorms}. The factors are needed for accurate singular values of VWᵀ (from their QR on the
 * host; see {@link DiagnosticsCalculator}); reading them costs (n1 + n2)·k numbers per trajectory and logged
 * iteration, far less than an iteration itself, which forms VWᵀ (n1·n2·k multiply-adds) and passes over 𝒜
 * (m·n1·n2). Owns its scratch buffers (released by {@link #release}).
 */
public final class DiagnosticsProbe {
    private final Engine engine;
    private final SensingProblem problem;
    private final int k;
    private final int r;
    private final MatrixBatch gramV;
    private final MatrixBatch gramW;
    private final MatrixBatch gramVPerp;
    private final MatrixBatch gramWPerp;
    private final MatrixBatch projV;
    private final MatrixBatch projW;
    private final MatrixBatch perpV;
    private final MatrixBatch perpW;
    /** B×n1×n2 scratch for VWᵀ, only when X* is held as a matrix (null otherwise). */
    private final MatrixBatch product;

    public DiagnosticsProbe(SensingProblem problem, int batch, int width, org.msense.core.backend.Precision precision) {
        this.engine = problem.engine();
        this.problem = problem;
        this.k = width;
        this.r = problem.rank();
        gramV = engine.allocate(precision, batch, k, k);
        gramW = engine.allocate(precision, batch, k, k);
        gramVPerp = engine.allocate(precision, batch, k, k);
        gramWPerp = engine.allocate(precision, batch, k, k);
        projV = engine.allocate(precision, batch, r, k);
        projW = engine.allocate(precision, batch, r, k);
        perpV = engine.allocate(precision, batch, problem.n1(), k);
        perpW = engine.allocate(precision, batch, problem.n2(), k);
        product = problem.hasTruthMatrix() ? engine.allocate(precision, batch, problem.n1(), problem.n2()) : null;
    }

    /** Bytes of scratch a probe allocates for the given sizes (for memory estimates). */
    public static long scratchBytes(int batch, int n1, int n2, int k, int r, int bytesPerElement) {
        long perItem = 4L * k * k + 2L * r * k + (long) (n1 + n2) * k
                + ((long) n1 * n2 <= SensingOperator.DENSE_LIMIT ? (long) n1 * n2 : 0);
        return perItem * batch * bytesPerElement;
    }

    /**
     * Reads the diagnostics inputs of every trajectory (the Grams and projections computed on the engine, V and
     * W downloaded). Arguments are not modified.
     *
     * @param v   B×n1×k
     * @param w   B×n2×k
     * @param res      B×m×1, the residuals of (V, W)
     * @param operator the operator that computed {@code res} (for ‖𝒜*(res)‖_F)
     */
    public ProbeReadout[] read(MatrixBatch v, MatrixBatch w, MatrixBatch res, SensingOperator operator) {
        double[] resSq = engine.squaredNorms(res);
        double[] gradSq = operator.adjointSquaredNorms(res);
        double[] distSq;
        if (product != null) {
            engine.gemm(1, v, Transpose.NONE, w, Transpose.TRANSPOSE, 0, product);
            distSq = engine.squaredDistances(product, problem.truthMatrix());
        } else {
            distSq = new double[resSq.length];
            Arrays.fill(distSq, Double.NaN);
        }
        engine.gemm(1, v, Transpose.TRANSPOSE, v, Transpose.NONE, 0, gramV);
        engine.gemm(1, w, Transpose.TRANSPOSE, w, Transpose.NONE, 0, gramW);
        engine.gemm(1, problem.truthLeft(), Transpose.TRANSPOSE, v, Transpose.NONE, 0, projV);
        engine.gemm(1, problem.truthRight(), Transpose.TRANSPOSE, w, Transpose.NONE, 0, projW);
        engine.copy(v, perpV);
        engine.gemm(-1, problem.truthLeft(), Transpose.NONE, projV, Transpose.NONE, 1, perpV);
        engine.copy(w, perpW);
        engine.gemm(-1, problem.truthRight(), Transpose.NONE, projW, Transpose.NONE, 1, perpW);
        engine.gemm(1, perpV, Transpose.TRANSPOSE, perpV, Transpose.NONE, 0, gramVPerp);
        engine.gemm(1, perpW, Transpose.TRANSPOSE, perpW, Transpose.NONE, 0, gramWPerp);
        double[] gv = engine.download(gramV);
        double[] gw = engine.download(gramW);
        double[] gvp = engine.download(gramVPerp);
        double[] gwp = engine.download(gramWPerp);
        double[] pv = engine.download(projV);
        double[] pw = engine.download(projW);
        double[] vh = engine.download(v);
        double[] wh = engine.download(w);
        int batch = resSq.length;
        ProbeReadout[] out = new ProbeReadout[batch];
        int n1 = problem.n1();
        int n2 = problem.n2();
        for (int b = 0; b < batch; b++) {
            out[b] = new ProbeReadout(n1, n2, k, r, resSq[b], gradSq[b], distSq[b],
                    item(vh, b, n1 * k), item(wh, b, n2 * k),
                    item(gv, b, k * k), item(gw, b, k * k), item(gvp, b, k * k), item(gwp, b, k * k),
                    item(pv, b, r * k), item(pw, b, r * k));
        }
        return out;
    }

    /** Item b of a downloaded batch whose items hold {@code size} numbers each, copied out. */
    private static double[] item(double[] batch, int b, int size) {
        return Arrays.copyOfRange(batch, b * size, (b + 1) * size);
    }

    /** Frees the scratch buffers. */
    public void release() {
        for (MatrixBatch m : new MatrixBatch[] {gramV, gramW, gramVPerp, gramWPerp, projV, projW, perpV, perpW, product}) {
            if (m != null && !m.isReleased()) {
                engine.release(m);
            }
        }
    }
}
