package org.msense.core.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.msense.core.problem.GroundTruth;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * The relative error computed from the factors ({@link DiagnosticsCalculator}, readouts without a dense distance)
 * against an exact reference: ‖VWᵀ − U*ΣV*ᵀ‖_F² summed in double-double arithmetic (error-free products by FMA,
 * compensated sums), so the reference is exact to about u² and independent of the formula tested. Checked far from
 * X* and at relative error 10⁻⁹, where the expanded trace form would have lost every digit (its cancellation error is
 * u·‖X*‖², i.e. 10⁻⁸ relative after the square root).
 */
class FactoredErrorTest {
    private static final int N1 = 40;
    private static final int N2 = 30;
    private static final int R = 3;
    private static final int K = 6;
    private static final double U = 0x1p-53;

    private static final GroundTruth TRUTH = GroundTruth.generate(new ProblemSpec(N1, N2, R, 4, 2, 10,
            OperatorKind.GAUSSIAN, 0, 13));

    /** (hi, lo) accumulator. */
    private static double[] add(double[] acc, double a, double b) {
        double p = a * b;
        double pe = Math.fma(a, b, -p);
        double s = acc[0] + p;
        double bb = s - acc[0];
        double se = (acc[0] - (s - bb)) + (p - bb);
        acc[0] = s;
        acc[1] += se + pe;
        return acc;
    }

    private static double exactSquaredDistance(double[] v, double[] w) {
        double[] total = {0, 0};
        for (int i = 0; i < N1; i++) {
            for (int j = 0; j < N2; j++) {
                double[] d = {0, 0};
                for (int q = 0; q < K; q++) {
                    add(d, v[i * K + q], w[j * K + q]);
                }
                for (int q = 0; q < R; q++) {
                    add(d, -TRUTH.left()[i * R + q] * TRUTH.sigma()[q], TRUTH.right()[j * R + q]);
                    // the product u·σ is rounded: add back its rounding error times v*
                    double us = TRUTH.left()[i * R + q] * TRUTH.sigma()[q];
                    add(d, -Math.fma(TRUTH.left()[i * R + q], TRUTH.sigma()[q], -us), TRUTH.right()[j * R + q]);
                }
                double value = d[0] + d[1];
                add(total, value, value);
            }
        }
        return total[0] + total[1];
    }

    private static ProbeReadout readout(double[] v, double[] w) {
        double[] gv = new double[K * K];
        double[] gw = new double[K * K];
        for (int a = 0; a < K; a++) {
            for (int b = 0; b < K; b++) {
                for (int i = 0; i < N1; i++) {
                    gv[a * K + b] += v[i * K + a] * v[i * K + b];
                }
                for (int i = 0; i < N2; i++) {
                    gw[a * K + b] += w[i * K + a] * w[i * K + b];
                }
            }
        }
        double[] pv = new double[R * K];
        double[] pw = new double[R * K];
        for (int q = 0; q < R; q++) {
            for (int a = 0; a < K; a++) {
                for (int i = 0; i < N1; i++) {
                    pv[q * K + a] += TRUTH.left()[i * R + q] * v[i * K + a];
                }
                for (int i = 0; i < N2; i++) {
                    pw[q * K + a] += TRUTH.right()[i * R + q] * w[i * K + a];
                }
            }
        }
        return new ProbeReadout(N1, N2, K, R, 1, 1, Double.NaN, v, w, gv, gw, gv.clone(), gw.clone(), pv, pw);
    }

    private static double frobenius(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static void check(double[] v, double[] w) {
        DiagnosticsCalculator calc = new DiagnosticsCalculator(TRUTH, K);
        double got = calc.compute(0, 0, 0, readout(v, w)).relativeError() * TRUTH.frobeniusNorm();
        double exact = Math.sqrt(exactSquaredDistance(v, w));
        // backward stability of Householder QR and the small product: c·(n + r + k)·u·(‖X*‖ + ‖V‖‖W‖)
        double tol = 4 * (Math.max(N1, N2) + R + K) * U * (TRUTH.frobeniusNorm() + frobenius(v) * frobenius(w));
        assertTrue(Math.abs(got - exact) <= tol, "‖VWᵀ − X*‖ = " + exact + ", factored " + got + ", off by "
                + Math.abs(got - exact) + " > " + tol);
    }

    @Test
    void farFromTheTruth() {
        Random rnd = new Random(1);
        double[] v = new double[N1 * K];
        double[] w = new double[N2 * K];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.3 * rnd.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.3 * rnd.nextGaussian();
        }
        check(v, w);
    }

    @Test
    void atRelativeErrorOneInABillion() {
        // V = [U*√σ, 0] + δG, W = [V*√σ, 0]: VWᵀ − X* ≈ δ G Wᵀ, of relative size ~1e-9
        Random rnd = new Random(2);
        double[] v = new double[N1 * K];
        double[] w = new double[N2 * K];
        for (int q = 0; q < R; q++) {
            double root = Math.sqrt(TRUTH.sigma()[q]);
            for (int i = 0; i < N1; i++) {
                v[i * K + q] = TRUTH.left()[i * R + q] * root;
            }
            for (int i = 0; i < N2; i++) {
                w[i * K + q] = TRUTH.right()[i * R + q] * root;
            }
        }
        for (int i = 0; i < v.length; i++) {
            v[i] += 1e-10 * rnd.nextGaussian();
        }
        double exact = Math.sqrt(exactSquaredDistance(v, w)) / TRUTH.frobeniusNorm();
        assertTrue(exact > 1e-10 && exact < 1e-8, "the case is near X*: " + exact);
        check(v, w);
        DiagnosticsCalculator calc = new DiagnosticsCalculator(TRUTH, K);
        double got = calc.compute(0, 0, 0, readout(v, w)).relativeError();
        assertEquals(exact, got, 1e-4 * exact, "four digits of a 1e-9 relative error");
    }
}
