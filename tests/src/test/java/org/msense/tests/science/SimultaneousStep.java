package org.msense.tests.science;

import java.util.Random;
import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.problem.SensingProblem;

/**
 * One simultaneous gradient step V₁ = V₀ − μ·gradV, W₁ = W₀ − μ·gradW from random factors (entries 0.4·N(0, 1), seed 8)
 * with an operator's own gradients, taken on the engine and brought to the host, and the host arithmetic of the μ²
 * imbalance identity Δ₁ − Δ₀ = μ²(gradVᵀgradV − gradWᵀgradW) (Δ = VᵀV − WᵀW) that the identity tests check it with.
 * Arrays are row-major, n×k; nothing passed in is modified.
 *
 * @param res the residual 𝒜(V₀W₀ᵀ) − y of the step
 */
record SimultaneousStep(int n1, int n2, int k, double mu, double[] v0, double[] w0, double[] v1, double[] w1, double[] gv,
        double[] gw, double[] res, SensingOperator op, SensingProblem problem) {

    /** Takes the step on the problem's engine (fp64). */
    static SimultaneousStep take(SensingProblem problem, int k, double mu) {
        Engine engine = problem.engine();
        SensingOperator op = problem.operator();
        int n1 = problem.n1();
        int n2 = problem.n2();
        Random rnd = new Random(8);
        double[] v0 = new double[n1 * k];
        double[] w0 = new double[n2 * k];
        for (int i = 0; i < v0.length; i++) {
            v0[i] = 0.4 * rnd.nextGaussian();
        }
        for (int i = 0; i < w0.length; i++) {
            w0[i] = 0.4 * rnd.nextGaussian();
        }
        MatrixBatch v = upload(engine, v0, n1, k);
        MatrixBatch w = upload(engine, w0, n2, k);
        MatrixBatch res = engine.allocate(Precision.FP64, 1, problem.measurements(), 1);
        MatrixBatch gvb = engine.allocate(Precision.FP64, 1, n1, k);
        MatrixBatch gwb = engine.allocate(Precision.FP64, 1, n2, k);
        op.residualAndGradients(v, w, problem.observations(), res, gvb, gwb);
        double[] gv = engine.download(gvb);
        double[] gw = engine.download(gwb);
        return new SimultaneousStep(n1, n2, k, mu, v0, w0, step(v0, gv, mu), step(w0, gw, mu), gv, gw,
                engine.download(res), op, problem);
    }

    /**
     * The identity's mismatch when W is instead updated from the new V (a sequential step), which leaves a
     * first-order term: ‖(Δ₁ − Δ₀) − μ²(gVᵀgV − gW'ᵀgW')‖_F with gW' the gradient of W at (V₁, W₀).
     */
    double sequentialMismatch() {
        Engine engine = problem.engine();
        MatrixBatch v1b = upload(engine, v1, n1, k);
        MatrixBatch w0b = upload(engine, w0, n2, k);
        MatrixBatch res = engine.allocate(Precision.FP64, 1, problem.measurements(), 1);
        MatrixBatch gvb = engine.allocate(Precision.FP64, 1, n1, k);
        MatrixBatch gwb = engine.allocate(Precision.FP64, 1, n2, k);
        op.residualAndGradients(v1b, w0b, problem.observations(), res, gvb, gwb);
        double[] gwSequential = engine.download(gwb);
        return mismatch(v0, w0, v1, step(w0, gwSequential, mu), gv, gwSequential);
    }

    /** ‖(Δ₁ − Δ₀) − μ²(gVᵀgV − gWᵀgW)‖_F of this step. */
    double mismatch() {
        return mismatch(v0, w0, v1, w1, gv, gw);
    }

    /** Σ of the squared norms the rounding of the identity scales with: ‖V₀‖² + ‖W₀‖² + ‖V₁‖² + ‖W₁‖² + μ²(‖gV‖² + ‖gW‖²). */
    double norms() {
        return squared(v0) + squared(w0) + squared(v1) + squared(w1) + mu * mu * (squared(gv) + squared(gw));
    }

    /** The size of the μ² term, μ²·‖(gVᵀgV, gWᵀgW)‖_F. */
    double secondOrder() {
        return mu * mu * Math.sqrt(squared(gram(gv, n1)) + squared(gram(gw, n2)));
    }

    private double mismatch(double[] va, double[] wa, double[] vb, double[] wb, double[] g, double[] h) {
        double[] a = gram(vb, n1);
        double[] b = gram(wb, n2);
        double[] c = gram(va, n1);
        double[] d = gram(wa, n2);
        double[] p = gram(g, n1);
        double[] q = gram(h, n2);
        double s = 0;
        for (int i = 0; i < k * k; i++) {
            double moved = (a[i] - b[i]) - (c[i] - d[i]);
            double predicted = mu * mu * (p[i] - q[i]);
            s += (moved - predicted) * (moved - predicted);
        }
        return Math.sqrt(s);
    }

    /** AᵀA of an n×k row-major A. */
    double[] gram(double[] a, int n) {
        double[] g = new double[k * k];
        for (int x = 0; x < k; x++) {
            for (int y = 0; y < k; y++) {
                for (int i = 0; i < n; i++) {
                    g[x * k + y] += a[i * k + x] * a[i * k + y];
                }
            }
        }
        return g;
    }

    static double squared(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x * x;
        }
        return s;
    }

    private static double[] step(double[] a, double[] grad, double mu) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - mu * grad[i];
        }
        return out;
    }

    private static MatrixBatch upload(Engine engine, double[] values, int rows, int cols) {
        MatrixBatch b = engine.allocate(Precision.FP64, 1, rows, cols);
        engine.upload(values, b);
        return b;
    }
}
