// Measurement harness of docs/benchmarks.md (issue-17 section, second round); not part of the build. Compile and run from the
// repository root after ./mvnw -o -q -pl engine-cli -am package -DskipTests:
//   CP=engine-cpu/target/classes:engine-core/target/classes:$(ls engine-cli/target/lib/*.jar | tr '\n' ':')
//   javac --add-modules jdk.incubator.vector -cp $CP -d /tmp/pt bench/passtiming/org/msense/cpu/PassHarness.java
//   java --add-modules jdk.incubator.vector -Xmx6g -cp /tmp/pt:$CP org.msense.cpu.PassHarness ARGS
// PassHarness: M N REPS [2t]; StepPhases: THREADS REPS; RowMajorTiming: M N REPS.
package org.msense.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;

/** Per-thread CPU time of fused-pass variants (B = 1, fp64). */
public class PassHarness {
    static final jdk.incubator.vector.VectorSpecies<Double> D = VectorSensingPass.D;
    static final int L = D.length();
    static volatile double sink;

    interface Pass { void run(double[] a, int n, int from, int to, double[] x, double[] y, double[] res, double[] acc); }

    // V0: the current pass
    static void v0(double[] a, int n, int from, int to, double[] x, double[] y, double[] res, double[] acc) {
        VectorSensingPass.rowMajor(a, n, from, to, new double[][] {x}, new double[][] {y}, new double[][] {res}, acc);
    }

    // dots only
    static void dotsOnly(double[] a, int n, int from, int to, double[] x, double[] y, double[] res, double[] acc) {
        double[] r = new double[4];
        double s = 0;
        for (int i = from; i + 4 <= to; i += 4) {
            VectorSensingPass.dots4(a, i * n, n, x, r, 0);
            s += r[0] + r[1] + r[2] + r[3];
        }
        sink = s;
    }

    /** 8 rows × 2 vectors of accumulators: x loaded once per 8 rows; per-row order as dots4. */
    static void dots8(double[] a, int b0, int n, double[] x, double[] out, int o) {
        int b1 = b0 + n, b2 = b1 + n, b3 = b2 + n, b4 = b3 + n, b5 = b4 + n, b6 = b5 + n, b7 = b6 + n;
        DoubleVector z = DoubleVector.zero(D);
        DoubleVector s0 = z, s1 = z, s2 = z, s3 = z, s4 = z, s5 = z, s6 = z, s7 = z;
        DoubleVector t0 = z, t1 = z, t2 = z, t3 = z, t4 = z, t5 = z, t6 = z, t7 = z;
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            DoubleVector xv = DoubleVector.fromArray(D, x, j);
            DoubleVector xw = DoubleVector.fromArray(D, x, j + L);
            s0 = DoubleVector.fromArray(D, a, b0 + j).fma(xv, s0);
            t0 = DoubleVector.fromArray(D, a, b0 + j + L).fma(xw, t0);
            s1 = DoubleVector.fromArray(D, a, b1 + j).fma(xv, s1);
            t1 = DoubleVector.fromArray(D, a, b1 + j + L).fma(xw, t1);
            s2 = DoubleVector.fromArray(D, a, b2 + j).fma(xv, s2);
            t2 = DoubleVector.fromArray(D, a, b2 + j + L).fma(xw, t2);
            s3 = DoubleVector.fromArray(D, a, b3 + j).fma(xv, s3);
            t3 = DoubleVector.fromArray(D, a, b3 + j + L).fma(xw, t3);
            s4 = DoubleVector.fromArray(D, a, b4 + j).fma(xv, s4);
            t4 = DoubleVector.fromArray(D, a, b4 + j + L).fma(xw, t4);
            s5 = DoubleVector.fromArray(D, a, b5 + j).fma(xv, s5);
            t5 = DoubleVector.fromArray(D, a, b5 + j + L).fma(xw, t5);
            s6 = DoubleVector.fromArray(D, a, b6 + j).fma(xv, s6);
            t6 = DoubleVector.fromArray(D, a, b6 + j + L).fma(xw, t6);
            s7 = DoubleVector.fromArray(D, a, b7 + j).fma(xv, s7);
            t7 = DoubleVector.fromArray(D, a, b7 + j + L).fma(xw, t7);
        }
        out[o] = s0.add(t0).reduceLanes(VectorOperators.ADD);
        out[o + 1] = s1.add(t1).reduceLanes(VectorOperators.ADD);
        out[o + 2] = s2.add(t2).reduceLanes(VectorOperators.ADD);
        out[o + 3] = s3.add(t3).reduceLanes(VectorOperators.ADD);
        out[o + 4] = s4.add(t4).reduceLanes(VectorOperators.ADD);
        out[o + 5] = s5.add(t5).reduceLanes(VectorOperators.ADD);
        out[o + 6] = s6.add(t6).reduceLanes(VectorOperators.ADD);
        out[o + 7] = s7.add(t7).reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            for (int q = 0; q < 8; q++) out[o + q] += a[b0 + q * n + j] * x[j];
        }
    }

    static void axpy8(double[] a, int b0, int n, double[] r, int o, double[] acc) {
        int b1 = b0 + n, b2 = b1 + n, b3 = b2 + n, b4 = b3 + n, b5 = b4 + n, b6 = b5 + n, b7 = b6 + n;
        DoubleVector v0 = DoubleVector.broadcast(D, r[o]), v1 = DoubleVector.broadcast(D, r[o + 1]);
        DoubleVector v2 = DoubleVector.broadcast(D, r[o + 2]), v3 = DoubleVector.broadcast(D, r[o + 3]);
        DoubleVector v4 = DoubleVector.broadcast(D, r[o + 4]), v5 = DoubleVector.broadcast(D, r[o + 5]);
        DoubleVector v6 = DoubleVector.broadcast(D, r[o + 6]), v7 = DoubleVector.broadcast(D, r[o + 7]);
        int j = 0;
        for (; j + L <= n; j += L) {
            DoubleVector e = DoubleVector.fromArray(D, acc, j);
            e = DoubleVector.fromArray(D, a, b0 + j).fma(v0, e);
            e = DoubleVector.fromArray(D, a, b1 + j).fma(v1, e);
            e = DoubleVector.fromArray(D, a, b2 + j).fma(v2, e);
            e = DoubleVector.fromArray(D, a, b3 + j).fma(v3, e);
            e = DoubleVector.fromArray(D, a, b4 + j).fma(v4, e);
            e = DoubleVector.fromArray(D, a, b5 + j).fma(v5, e);
            e = DoubleVector.fromArray(D, a, b6 + j).fma(v6, e);
            e = DoubleVector.fromArray(D, a, b7 + j).fma(v7, e);
            e.intoArray(acc, j);
        }
        for (; j < n; j++) {
            double s = acc[j];
            for (int q = 0; q < 8; q++) s = Math.fma(a[b0 + q * n + j], r[o + q], s);
            acc[j] = s;
        }
    }

    /** E tile of 4 vectors in registers across 8 rows. */
    static void axpy8x4(double[] a, int b0, int n, double[] r, int o, double[] acc) {
        DoubleVector[] v = new DoubleVector[8];
        int j = 0;
        DoubleVector v0 = DoubleVector.broadcast(D, r[o]), v1 = DoubleVector.broadcast(D, r[o + 1]);
        DoubleVector v2 = DoubleVector.broadcast(D, r[o + 2]), v3 = DoubleVector.broadcast(D, r[o + 3]);
        DoubleVector v4 = DoubleVector.broadcast(D, r[o + 4]), v5 = DoubleVector.broadcast(D, r[o + 5]);
        DoubleVector v6 = DoubleVector.broadcast(D, r[o + 6]), v7 = DoubleVector.broadcast(D, r[o + 7]);
        for (; j + 4 * L <= n; j += 4 * L) {
            DoubleVector e0 = DoubleVector.fromArray(D, acc, j);
            DoubleVector e1 = DoubleVector.fromArray(D, acc, j + L);
            DoubleVector e2 = DoubleVector.fromArray(D, acc, j + 2 * L);
            DoubleVector e3 = DoubleVector.fromArray(D, acc, j + 3 * L);
            int p = b0 + j;
            e0 = DoubleVector.fromArray(D, a, p).fma(v0, e0); e1 = DoubleVector.fromArray(D, a, p + L).fma(v0, e1);
            e2 = DoubleVector.fromArray(D, a, p + 2 * L).fma(v0, e2); e3 = DoubleVector.fromArray(D, a, p + 3 * L).fma(v0, e3);
            p += n;
            e0 = DoubleVector.fromArray(D, a, p).fma(v1, e0); e1 = DoubleVector.fromArray(D, a, p + L).fma(v1, e1);
            e2 = DoubleVector.fromArray(D, a, p + 2 * L).fma(v1, e2); e3 = DoubleVector.fromArray(D, a, p + 3 * L).fma(v1, e3);
            p += n;
            e0 = DoubleVector.fromArray(D, a, p).fma(v2, e0); e1 = DoubleVector.fromArray(D, a, p + L).fma(v2, e1);
            e2 = DoubleVector.fromArray(D, a, p + 2 * L).fma(v2, e2); e3 = DoubleVector.fromArray(D, a, p + 3 * L).fma(v2, e3);
            p += n;
            e0 = DoubleVector.fromArray(D, a, p).fma(v3, e0); e1 = DoubleVector.fromArray(D, a, p + L).fma(v3, e1);
            e2 = DoubleVector.fromArray(D, a, p + 2 * L).fma(v3, e2); e3 = DoubleVector.fromArray(D, a, p + 3 * L).fma(v3, e3);
            p += n;
            e0 = DoubleVector.fromArray(D, a, p).fma(v4, e0); e1 = DoubleVector.fromArray(D, a, p + L).fma(v4, e1);
            e2 = DoubleVector.fromArray(D, a, p + 2 * L).fma(v4, e2); e3 = DoubleVector.fromArray(D, a, p + 3 * L).fma(v4, e3);
            p += n;
            e0 = DoubleVector.fromArray(D, a, p).fma(v5, e0); e1 = DoubleVector.fromArray(D, a, p + L).fma(v5, e1);
            e2 = DoubleVector.fromArray(D, a, p + 2 * L).fma(v5, e2); e3 = DoubleVector.fromArray(D, a, p + 3 * L).fma(v5, e3);
            p += n;
            e0 = DoubleVector.fromArray(D, a, p).fma(v6, e0); e1 = DoubleVector.fromArray(D, a, p + L).fma(v6, e1);
            e2 = DoubleVector.fromArray(D, a, p + 2 * L).fma(v6, e2); e3 = DoubleVector.fromArray(D, a, p + 3 * L).fma(v6, e3);
            p += n;
            e0 = DoubleVector.fromArray(D, a, p).fma(v7, e0); e1 = DoubleVector.fromArray(D, a, p + L).fma(v7, e1);
            e2 = DoubleVector.fromArray(D, a, p + 2 * L).fma(v7, e2); e3 = DoubleVector.fromArray(D, a, p + 3 * L).fma(v7, e3);
            e0.intoArray(acc, j); e1.intoArray(acc, j + L); e2.intoArray(acc, j + 2 * L); e3.intoArray(acc, j + 3 * L);
        }
        for (; j + L <= n; j += L) {
            DoubleVector e = DoubleVector.fromArray(D, acc, j);
            e = DoubleVector.fromArray(D, a, b0 + j).fma(v0, e);
            e = DoubleVector.fromArray(D, a, b0 + n + j).fma(v1, e);
            e = DoubleVector.fromArray(D, a, b0 + 2 * n + j).fma(v2, e);
            e = DoubleVector.fromArray(D, a, b0 + 3 * n + j).fma(v3, e);
            e = DoubleVector.fromArray(D, a, b0 + 4 * n + j).fma(v4, e);
            e = DoubleVector.fromArray(D, a, b0 + 5 * n + j).fma(v5, e);
            e = DoubleVector.fromArray(D, a, b0 + 6 * n + j).fma(v6, e);
            e = DoubleVector.fromArray(D, a, b0 + 7 * n + j).fma(v7, e);
            e.intoArray(acc, j);
        }
        for (; j < n; j++) {
            double s = acc[j];
            for (int q = 0; q < 8; q++) s = Math.fma(a[b0 + q * n + j], r[o + q], s);
            acc[j] = s;
        }
    }

    /** E tile of 4 vectors across R rows (R multiple of 8 not needed: generic loop over rows). */
    static void axpyRx4(double[] a, int b0, int n, int rows, double[] r, int o, double[] acc) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            DoubleVector e0 = DoubleVector.fromArray(D, acc, j);
            DoubleVector e1 = DoubleVector.fromArray(D, acc, j + L);
            DoubleVector e2 = DoubleVector.fromArray(D, acc, j + 2 * L);
            DoubleVector e3 = DoubleVector.fromArray(D, acc, j + 3 * L);
            int p = b0 + j;
            for (int q = 0; q < rows; q++, p += n) {
                DoubleVector v = DoubleVector.broadcast(D, r[o + q]);
                e0 = DoubleVector.fromArray(D, a, p).fma(v, e0);
                e1 = DoubleVector.fromArray(D, a, p + L).fma(v, e1);
                e2 = DoubleVector.fromArray(D, a, p + 2 * L).fma(v, e2);
                e3 = DoubleVector.fromArray(D, a, p + 3 * L).fma(v, e3);
            }
            e0.intoArray(acc, j); e1.intoArray(acc, j + L); e2.intoArray(acc, j + 2 * L); e3.intoArray(acc, j + 3 * L);
        }
        for (; j < n; j++) {
            double s = acc[j];
            for (int q = 0; q < rows; q++) s = Math.fma(a[b0 + q * n + j], r[o + q], s);
            acc[j] = s;
        }
    }


    /** E tile of 4 vectors across R rows; touches one vector of each of the next R rows per tile (nb < 0: none). */
    static void axpyRx4t(double[] a, int b0, int n, int rows, double[] r, int o, double[] acc, int nb) {
        int j = 0;
        DoubleVector t0 = DoubleVector.zero(D), t1 = t0;
        for (; j + 4 * L <= n; j += 4 * L) {
            DoubleVector e0 = DoubleVector.fromArray(D, acc, j);
            DoubleVector e1 = DoubleVector.fromArray(D, acc, j + L);
            DoubleVector e2 = DoubleVector.fromArray(D, acc, j + 2 * L);
            DoubleVector e3 = DoubleVector.fromArray(D, acc, j + 3 * L);
            int p = b0 + j;
            for (int q = 0; q < rows; q++, p += n) {
                DoubleVector v = DoubleVector.broadcast(D, r[o + q]);
                e0 = DoubleVector.fromArray(D, a, p).fma(v, e0);
                e1 = DoubleVector.fromArray(D, a, p + L).fma(v, e1);
                e2 = DoubleVector.fromArray(D, a, p + 2 * L).fma(v, e2);
                e3 = DoubleVector.fromArray(D, a, p + 3 * L).fma(v, e3);
            }
            e0.intoArray(acc, j); e1.intoArray(acc, j + L); e2.intoArray(acc, j + 2 * L); e3.intoArray(acc, j + 3 * L);
            if (nb >= 0) {
                int t = nb + j;
                for (int q = 0; q < rows; q += 2, t += 2 * n) {
                    t0 = t0.add(DoubleVector.fromArray(D, a, t));
                    t1 = t1.add(DoubleVector.fromArray(D, a, t + n));
                }
            }
        }
        for (; j < n; j++) {
            double s = acc[j];
            for (int q = 0; q < rows; q++) s = Math.fma(a[b0 + q * n + j], r[o + q], s);
            acc[j] = s;
        }
        sink = t0.add(t1).reduceLanes(VectorOperators.ADD);
    }

    static Pass touching(int R, boolean d8) {
        return (a, n, from, to, x, y, res, acc) -> {
            double[] r = new double[16];
            int i = from;
            for (; i + R <= to; i += R) {
                int base = i * n;
                if (d8) dots8(a, base, n, x, r, 0);
                else for (int q = 0; q < R; q += 4) VectorSensingPass.dots4(a, base + q * n, n, x, r, q);
                for (int q = 0; q < R; q++) { r[q] -= y[i + q]; res[i + q] = r[q]; }
                axpyRx4t(a, base, n, R, r, 0, acc, i + 2 * R <= to ? base + R * n : -1);
            }
            if (i < to) v0(a, n, i, to, x, y, res, acc);
        };
    }

    static Pass blocked(int mode) {
        return (a, n, from, to, x, y, res, acc) -> {
            double[] r = new double[16];
            int i = from;
            int R = mode == 3 ? 16 : 8;
            for (; i + R <= to; i += R) {
                int base = i * n;
                if (mode == 0) {
                    VectorSensingPass.dots4(a, base, n, x, r, 0);
                    VectorSensingPass.dots4(a, base + 4 * n, n, x, r, 4);
                } else if (mode == 1 || mode == 4) {
                    dots8(a, base, n, x, r, 0);
                    if (R == 16) dots8(a, base + 8 * n, n, x, r, 8);
                } else {
                    for (int q = 0; q < R; q += 4) VectorSensingPass.dots4(a, base + q * n, n, x, r, q);
                }
                for (int q = 0; q < R; q++) { r[q] -= y[i + q]; res[i + q] = r[q]; }
                if (mode == 1 || mode == 0) axpy8(a, base, n, r, 0, acc);
                else if (mode == 2 || mode == 4) axpy8x4(a, base, n, r, 0, acc);
                else axpyRx4(a, base, n, R, r, 0, acc);
            }
            if (i < to) v0(a, n, i, to, x, y, res, acc);
        };
    }


    /** Each pass on two threads (rows split in halves, as the engine does): best wall and both threads' CPU time. */
    static void twoThreads(String[] names, Pass[] passes, double[] a, int n, int m, double[] x, double[] y, int reps)
            throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        double[][] best = new double[passes.length][3];
        for (double[] b : best) Arrays.fill(b, Double.MAX_VALUE);
        double[][] acc = {new double[n], new double[n]};
        double[] res = new double[m];
        for (int rep = 0; rep < reps; rep++) {
            for (int p = 0; p < passes.length; p++) {
                Pass pass = passes[p];
                long w0 = System.nanoTime();
                java.util.concurrent.Future<Double> other = pool.submit(() -> {
                    long c = mx.getCurrentThreadCpuTime();
                    pass.run(a, n, m / 2, m, x, y, res, acc[1]);
                    return (mx.getCurrentThreadCpuTime() - c) / 1e6;
                });
                long c0 = mx.getCurrentThreadCpuTime();
                pass.run(a, n, 0, m / 2, x, y, res, acc[0]);
                double mine = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                double theirs = other.get();
                long w1 = System.nanoTime();
                best[p][0] = Math.min(best[p][0], (w1 - w0) / 1e6);
                best[p][1] = Math.min(best[p][1], mine);
                best[p][2] = Math.min(best[p][2], theirs);
            }
        }
        pool.shutdown();
        double gb = (double) m * n * 8 / 1e9;
        for (int p = 0; p < passes.length; p++) {
            System.out.printf("2T %-26s wall %7.2f ms (%5.1f GB/s)  cpu %7.2f / %7.2f ms%n", names[p], best[p][0],
                    gb / best[p][0] * 1e3, best[p][1], best[p][2]);
        }
    }

    public static void main(String[] args) throws Exception {
        int m = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        int reps = Integer.parseInt(args[2]);
        Random rnd = new Random(1);
        double[] a = new double[m * n];
        for (int i = 0; i < a.length; i++) a[i] = rnd.nextGaussian();
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextGaussian();
        double[] y = new double[m];
        for (int i = 0; i < m; i++) y[i] = rnd.nextGaussian();
        String[] names = {"current", "dots-only", "dots8+axpy8", "dots4+axpy8x4", "dots4+axpy16x4", "dots8+axpy8x4", "R8 d8 touch", "R4 d4 touch", "R8 d4x2 touch"};
        Pass[] passes = {PassHarness::v0, PassHarness::dotsOnly, blocked(1), blocked(2), blocked(3), blocked(4), touching(8, true), touching(4, false), touching(8, false)};
        if (args.length > 3) {
            String[] n2 = {"previous (dots4x2+axpy8)", "current", "dots-only"};
            Pass[] p2 = {blocked(0), passes[0], passes[1]};
            twoThreads(n2, p2, a, n, m, x, y, reps);
            return;
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] refRes = new double[m];
        double[] refAcc = new double[n];
        v0(a, n, 0, m, x, y, refRes, refAcc);
        double[][] best = new double[passes.length][2];
        for (double[] b : best) Arrays.fill(b, Double.MAX_VALUE);
        for (int rep = 0; rep < reps; rep++) {
            for (int p = 0; p < passes.length; p++) {
                double[] res = new double[m];
                double[] acc = new double[n];
                long c0 = mx.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                passes[p].run(a, n, 0, m, x, y, res, acc);
                long w1 = System.nanoTime();
                long c1 = mx.getCurrentThreadCpuTime();
                best[p][0] = Math.min(best[p][0], (c1 - c0) / 1e6);
                best[p][1] = Math.min(best[p][1], (w1 - w0) / 1e6);
                if (rep == 0 && p != 1) {
                    boolean same = Arrays.equals(res, refRes) && Arrays.equals(acc, refAcc);
                    System.out.println(names[p] + " bit-identical to current: " + same);
                }
            }
        }
        double gb = (double) m * n * 8 / 1e9;
        for (int p = 0; p < passes.length; p++) {
            System.out.printf("%-16s cpu %7.2f ms (%5.1f GB/s)  wall %7.2f ms%n", names[p], best[p][0], gb / best[p][0] * 1e3, best[p][1]);
        }
    }
}
