package org.msense.lab.reproduce;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ImbalanceIdentity} on a step taken in fp32 arithmetic on the host: the true step passes within the
 * rounding bound with the μ² term well above it, and a wrong step (W updated from the new V) is caught.
 */
class ImbalanceIdentityTest {
    private static final int N1 = 6;
    private static final int N2 = 5;
    private static final int K = 3;
    private static final int M = 40;
    private static final double MU = 0.25;

    @Test
    void fp32StepPassesAndASequentialUpdateFails() {
        SplittableRandom rnd = new SplittableRandom(3);
        int nn = N1 * N2;
        double[] op = new double[M * nn];
        for (int i = 0; i < op.length; i++) {
            op[i] = (float) (rnd.nextGaussian() / Math.sqrt(M));
        }
        double[] xStar = new double[nn];
        for (int a = 0; a < N1; a++) {
            for (int b = 0; b < N2; b++) {
                xStar[a * N2 + b] = (a + 1) * (b % 2 == 0 ? 0.1 : -0.1);
            }
        }
        double[] y = new double[M];
        for (int i = 0; i < M; i++) {
            double s = 0;
            for (int j = 0; j < nn; j++) {
                s += op[i * nn + j] * xStar[j];
            }
            y[i] = (float) s;
        }
        double[] v = new double[N1 * K];
        double[] w = new double[N2 * K];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.3 * rnd.nextGaussian());
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.3 * rnd.nextGaussian());
        }
        ImbalanceIdentity identity = new ImbalanceIdentity(op, y, M, N1, N2, K, 0x1p-24);

        float[] e = gradient(op, y, v, w);
        double[] v1 = new double[v.length];
        double[] w1 = new double[w.length];
        update(e, v, w, v1, w1, false);
        ImbalanceIdentity.Outcome ok = identity.check(v, w, v1, w1, MU);
        assertTrue(ok.worstRatio() <= 1, "the fp32 step obeys the identity within the bound: " + ok.worstRatio());
        assertTrue(ok.largestTerm() >= 2, "the μ² term stands above the bound: " + ok.largestTerm());

        update(e, v, w, v1, w1, true);
        ImbalanceIdentity.Outcome wrong = identity.check(v, w, v1, w1, MU);
        assertTrue(wrong.worstRatio() > 1, "W updated from the new V changes Δ by another O(μ²) term: " + wrong.worstRatio());
    }

    /** E = 𝒜*(𝒜(VWᵀ) − y), every operation rounded to fp32. */
    private static float[] gradient(double[] op, double[] y, double[] v, double[] w) {
        int nn = N1 * N2;
        float[] x = new float[nn];
        for (int a = 0; a < N1; a++) {
            for (int b = 0; b < N2; b++) {
                float s = 0;
                for (int c = 0; c < K; c++) {
                    s += (float) v[a * K + c] * (float) w[b * K + c];
                }
                x[a * N2 + b] = s;
            }
        }
        float[] r = new float[M];
        for (int i = 0; i < M; i++) {
            float s = 0;
            for (int j = 0; j < nn; j++) {
                s += (float) op[i * nn + j] * x[j];
            }
            r[i] = s - (float) y[i];
        }
        float[] e = new float[nn];
        for (int j = 0; j < nn; j++) {
            float s = 0;
            for (int i = 0; i < M; i++) {
                s += (float) op[i * nn + j] * r[i];
            }
            e[j] = s;
        }
        return e;
    }

    /** V ← V − μEW, W ← W − μEᵀV in fp32, with W's step from the old V or (a bug) from the new one. */
    private static void update(float[] e, double[] v, double[] w, double[] v1, double[] w1, boolean sequential) {
        float mu = (float) MU;
        for (int a = 0; a < N1; a++) {
            for (int c = 0; c < K; c++) {
                float g = 0;
                for (int b = 0; b < N2; b++) {
                    g += e[a * N2 + b] * (float) w[b * K + c];
                }
                v1[a * K + c] = (float) v[a * K + c] - mu * g;
            }
        }
        double[] from = sequential ? v1 : v;
        for (int b = 0; b < N2; b++) {
            for (int c = 0; c < K; c++) {
                float g = 0;
                for (int a = 0; a < N1; a++) {
                    g += e[a * N2 + b] * (float) from[a * K + c];
                }
                w1[b * K + c] = (float) w[b * K + c] - mu * g;
            }
        }
    }
}
