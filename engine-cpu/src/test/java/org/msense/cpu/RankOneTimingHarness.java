package org.msense.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * A command-line timing harness (not a unit test) for the rank-one gradient step on the CPU, reporting per-thread
 * CPU time (ThreadMXBean) as well as wall time, so that variants can be compared while other processes load the
 * machine: the CPU time a thread spends is inflated far less by the load than the wall time.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp engine-cpu/target/classes:engine-cpu/target/test-classes:\
 *       engine-core/target/classes:engine-cli/target/lib/'*' org.msense.cpu.RankOneTimingHarness \
 *       M N K THREADS REPS VARIANT [B]
 * </pre>
 * VARIANT: {@code fused} (residualAndGradients, one pass over A and B), {@code unfused} (the four tall-skinny products
 * of {@link TallProducts}: A V, B W, then Aᵀ S and Bᵀ S, reading A and B twice), {@code residual} (the residual
 * alone) or {@code stream} (a plain SIMD sum over A and B: the memory read time of one pass). Prints, for the best
 * of REPS calls each: the wall time, the largest CPU time of one thread in the call, and the CPU time summed over
 * threads.
 */
public final class RankOneTimingHarness {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private RankOneTimingHarness() {
    }

    /** CPU time (ns) of the calling thread and of the CPU backend's workers, by thread id. */
    private static Map<Long, Long> cpuTimes() {
        Map<Long, Long> out = new HashMap<>();
        for (ThreadInfo info : MX.getThreadInfo(MX.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("msense-cpu")
                    || info.getThreadId() == Thread.currentThread().getId())) {
                out.put(info.getThreadId(), MX.getThreadCpuTime(info.getThreadId()));
            }
        }
        return out;
    }

    public static void main(String[] args) {
        if (args.length < 6) {
            System.err.println("usage: RankOneTimingHarness M N K THREADS REPS fused|unfused|residual|stream [B]");
            System.exit(2);
        }
        int m = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        int k = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        int reps = Integer.parseInt(args[4]);
        String variant = args[5];
        int batch = args.length > 6 ? Integer.parseInt(args[6]) : 1;
        try (ParallelLoops loops = new ParallelLoops(threads)) {
            RankOneProducts op = RankOneProducts.generate(loops, 7, m, n, n);
            Random rnd = new Random(1);
            DMatrixRMaj[] v = new DMatrixRMaj[batch];
            DMatrixRMaj[] w = new DMatrixRMaj[batch];
            DMatrixRMaj[] gv = new DMatrixRMaj[batch];
            DMatrixRMaj[] gw = new DMatrixRMaj[batch];
            for (int b = 0; b < batch; b++) {
                v[b] = new DMatrixRMaj(n, k);
                w[b] = new DMatrixRMaj(n, k);
                gv[b] = new DMatrixRMaj(n, k);
                gw[b] = new DMatrixRMaj(n, k);
                for (int i = 0; i < n * k; i++) {
                    v[b].data[i] = rnd.nextGaussian();
                    w[b].data[i] = rnd.nextGaussian();
                }
            }
            double[][] y = new double[1][m];
            for (int i = 0; i < m; i++) {
                y[0][i] = rnd.nextGaussian();
            }
            double[][] res = new double[batch][m];
            Runnable call = switch (variant) {
                case "fused" -> () -> op.residualAndGradients(v, w, y, res, gv, gw);
                case "residual" -> () -> op.residual(v, w, y, res);
                case "unfused" -> unfused(loops, op, v[0], w[0], y[0]);
                case "stream" -> () -> stream(loops, op.left().data, op.right().data, m, n);
                default -> throw new IllegalArgumentException("unknown variant " + variant);
            };
            double bestWall = Double.MAX_VALUE;
            double bestMax = Double.MAX_VALUE;
            double bestSum = Double.MAX_VALUE;
            for (int rep = 0; rep < reps; rep++) {
                Map<Long, Long> before = cpuTimes();
                long w0 = System.nanoTime();
                call.run();
                long wall = System.nanoTime() - w0;
                long max = 0;
                long sum = 0;
                for (Map.Entry<Long, Long> e : cpuTimes().entrySet()) {
                    long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                    max = Math.max(max, d);
                    sum += d;
                }
                bestWall = Math.min(bestWall, wall / 1e6);
                bestMax = Math.min(bestMax, max / 1e6);
                bestSum = Math.min(bestSum, sum / 1e6);
            }
            System.out.printf(Locale.ROOT, "%s m=%d n=%d k=%d B=%d threads=%d, best of %d: wall %.1f ms, largest thread CPU"
                    + " %.1f ms, CPU summed over threads %.1f ms%n", variant, m, n, k, batch, threads, reps, bestWall,
                    bestMax, bestSum);
        }
    }

    /** The step as four tall-skinny products (A and B read twice), with the residual and scaling loops between. */
    private static Runnable unfused(ParallelLoops loops, RankOneProducts op, DMatrixRMaj v, DMatrixRMaj w, double[] y) {
        TallProducts tall = new TallProducts(loops);
        int m = op.measurements();
        int k = v.numCols;
        double s = 1.0 / Math.sqrt(m);
        DMatrixRMaj p = new DMatrixRMaj(1, 1);
        DMatrixRMaj q = new DMatrixRMaj(1, 1);
        DMatrixRMaj scaledQ = new DMatrixRMaj(m, k);
        DMatrixRMaj scaledP = new DMatrixRMaj(m, k);
        DMatrixRMaj g = new DMatrixRMaj(1, 1);
        return () -> {
            tall.times(op.left(), v, p);
            tall.times(op.right(), w, q);
            loops.forChunks(m, 1024, (c, from, to) -> {
                for (int i = from; i < to; i++) {
                    double d = 0;
                    for (int c2 = 0; c2 < k; c2++) {
                        d += p.data[i * k + c2] * q.data[i * k + c2];
                    }
                    double r = (d * s - y[i]) * s;
                    for (int c2 = 0; c2 < k; c2++) {
                        scaledQ.data[i * k + c2] = r * q.data[i * k + c2];
                        scaledP.data[i * k + c2] = r * p.data[i * k + c2];
                    }
                }
            });
            tall.transposeTimes(op.left(), scaledQ, g);
            tall.transposeTimes(op.right(), scaledP, g);
        };
    }

    /** A SIMD sum over A and B, split across the workers: one read of both. */
    private static void stream(ParallelLoops loops, double[] a, double[] b, int m, int n) {
        var d = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED;
        int lanes = d.length();
        double[] sink = new double[loops.threads()];
        loops.forChunks(m, 64, (c, from, to) -> {
            var s0 = jdk.incubator.vector.DoubleVector.zero(d);
            var s1 = s0;
            for (double[] arr : new double[][] {a, b}) {
                int j = from * n;
                for (; j + 2 * lanes <= to * n; j += 2 * lanes) {
                    s0 = s0.add(jdk.incubator.vector.DoubleVector.fromArray(d, arr, j));
                    s1 = s1.add(jdk.incubator.vector.DoubleVector.fromArray(d, arr, j + lanes));
                }
            }
            sink[c] = s0.add(s1).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        });
    }
}
