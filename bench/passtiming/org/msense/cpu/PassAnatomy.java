// Measurement harness of docs/benchmarks.md (issue-17 section, fourth round); not part of the build. Compile and run from the
// repository root after ./mvnw -o -q -pl engine-cli -am package -DskipTests:
//   CP=engine-cpu/target/classes:engine-core/target/classes:$(ls engine-cli/target/lib/*.jar | tr '\n' ':')
//   javac --add-modules jdk.incubator.vector -cp $CP -d /tmp/pt bench/passtiming/org/msense/cpu/PassAnatomy.java
//   java --add-modules jdk.incubator.vector -Xmx6g -XX:+UseTransparentHugePages -cp /tmp/pt:$CP org.msense.cpu.PassAnatomy
// PassAnatomy [adjoint]: one thread over 3000 x 10^4 doubles (240 MB), per-thread CPU time, best of 25 after 15, four
// rounds: a streaming read, the 8-row dot products alone (VectorSensingPass.dots8), the whole fused pass
// (VectorSensingPass.rowMajor); then two threads at once, each running the whole pass over its own 240 MB (wall time).
// With "adjoint": only the adjoint as the pass runs it after the dot products (VectorSensingPass.axpy8 on one 8-row block
// that stays in cache, 375 times: the bytes of 3000 rows). It runs in a JVM of its own: calling axpy8 from outside the pass
// left the JIT with code for it (and then for the pass) three times slower.
package org.msense.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/** Where one core's time goes in the fused pass: the read, the dot products, the adjoint; and two cores at once. */
public class PassAnatomy {
    static final VectorSpecies<Double> D = VectorSensingPass.D;
    static final int L = D.length();
    static final int M = 3000;
    static final int N = 10_000;
    static volatile double sink;

    static double read(double[] a) {
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0;
        for (int j = 0; j + 4 * L <= a.length; j += 4 * L) {
            s0 = s0.add(DoubleVector.fromArray(D, a, j));
            s1 = s1.add(DoubleVector.fromArray(D, a, j + L));
            s2 = s2.add(DoubleVector.fromArray(D, a, j + 2 * L));
            s3 = s3.add(DoubleVector.fromArray(D, a, j + 3 * L));
        }
        return s0.add(s1).add(s2).add(s3).lane(0);
    }

    static void dots(double[] a, double[] x, double[] out) {
        for (int i = 0; i + 8 <= M; i += 8) {
            VectorSensingPass.dots8(a, i * N, N, x, out, 0);
        }
    }

    /** The adjoint of one 8-row block (the first) M/8 times: the block stays in L2, as it does after its dot products. */
    static void adjointFromCache(double[] a, double[] r, double[] acc) {
        for (int i = 0; i + 8 <= M; i += 8) {
            VectorSensingPass.axpy8(a, 0, N, r, 0, acc, 0);
        }
    }

    static void pass(double[] a, double[] x, double[] y, double[] res, double[] acc) {
        VectorSensingPass.rowMajor(a, N, 0, M, new double[][] {x}, new double[][] {y}, new double[][] {res}, acc);
    }

    static double[] gaussian(Random rnd, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    public static void main(String[] args) throws Exception {
        Random rnd = new Random(1);
        double[][] a = {gaussian(rnd, M * N), gaussian(rnd, M * N)};
        double[] x = gaussian(rnd, N);
        double[] r8 = gaussian(rnd, 8);
        double gb = (double) M * N * 8 / 1e9;
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        boolean adjointOnly = args.length > 0 && args[0].equals("adjoint");
        String[] names = adjointOnly ? new String[] {"adjoint from cache"}
                : new String[] {"streaming read", "8-row dot products", "whole fused pass"};
        for (int round = 0; round < 4; round++) {
            for (int v = 0; v < names.length; v++) {
                double[] out = new double[8];
                double[] y = new double[M];
                double[] res = new double[M];
                double[] acc = new double[N];
                double best = Double.MAX_VALUE;
                for (int it = 0; it < 40; it++) {
                    long t0 = bean.getCurrentThreadCpuTime();
                    if (adjointOnly) {
                        adjointFromCache(a[0], r8, acc);
                    } else if (v == 0) {
                        sink = read(a[0]);
                    } else if (v == 1) {
                        dots(a[0], x, out);
                    } else {
                        pass(a[0], x, y, res, acc);
                    }
                    long t1 = bean.getCurrentThreadCpuTime();
                    if (it >= 15) {
                        best = Math.min(best, (t1 - t0) / 1e6);
                    }
                }
                System.out.printf(Locale.ROOT, "round %d, one thread, %-20s %6.2f ms  %5.1f GB/s%n", round, names[v], best,
                        gb / (best / 1e3));
            }
        }
        if (adjointOnly) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Double>> walls = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    double[] mine = a[t];
                    walls.add(pool.submit(() -> {
                        double[] y = new double[M];
                        double[] res = new double[M];
                        double[] acc = new double[N];
                        double best = Double.MAX_VALUE;
                        for (int it = 0; it < 30; it++) {
                            together.await();
                            long w0 = System.nanoTime();
                            pass(mine, x, y, res, acc);
                            if (it >= 10) {
                                best = Math.min(best, (System.nanoTime() - w0) / 1e6);
                            }
                        }
                        return best;
                    }));
                }
                double w0 = walls.get(0).get();
                double w1 = walls.get(1).get();
                System.out.printf(Locale.ROOT, "round %d, two threads, whole fused pass each: %.2f and %.2f ms, %.1f GB/s together%n",
                        round, w0, w1, 2 * gb / (Math.max(w0, w1) / 1e3));
            }
        } finally {
            pool.shutdown();
        }
    }
}
