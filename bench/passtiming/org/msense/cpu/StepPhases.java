// Measurement harness of docs/benchmarks.md (issue-17 section, second round); not part of the build. Compile and run from the
// repository root after ./mvnw -o -q -pl engine-cli -am package -DskipTests:
//   CP=engine-cpu/target/classes:engine-core/target/classes:$(ls engine-cli/target/lib/*.jar | tr '\n' ':')
//   javac --add-modules jdk.incubator.vector -cp $CP -d /tmp/pt bench/passtiming/org/msense/cpu/StepPhases.java
//   java --add-modules jdk.incubator.vector -Xmx6g -cp /tmp/pt:$CP org.msense.cpu.StepPhases ARGS
// PassHarness: M N REPS [2t]; StepPhases: THREADS REPS; RowMajorTiming: M N REPS.
package org.msense.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.Transpose;

/** Wall and calling-thread CPU time of the phases of one dense-fp64 gradient evaluation (m = 6000, n = 100, k = 100). */
public class StepPhases {
    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]);
        int reps = Integer.parseInt(args[1]);
        int m = 6000, n1 = 100, n2 = 100, k = 100;
        Random rnd = new Random(3);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (CpuEngine e = (CpuEngine) new CpuBackend().open(EngineOptions.defaults().withThreads(threads))) {
            MatrixBatch op = e.allocate(Precision.FP64, 1, m, n1 * n2);
            double[] a = new double[m * n1 * n2];
            for (int i = 0; i < a.length; i++) a[i] = rnd.nextGaussian() / 100;
            e.upload(a, op);
            a = null;
            MatrixBatch v = e.allocate(Precision.FP64, 1, n1, k), w = e.allocate(Precision.FP64, 1, n2, k);
            MatrixBatch x = e.allocate(Precision.FP64, 1, n1, n2), ee = e.allocate(Precision.FP64, 1, n1, n2);
            MatrixBatch y = e.allocate(Precision.FP64, 1, m, 1), res = e.allocate(Precision.FP64, 1, m, 1);
            MatrixBatch gv = e.allocate(Precision.FP64, 1, n1, k), gw = e.allocate(Precision.FP64, 1, n2, k);
            double[] vv = new double[n1 * k];
            for (int i = 0; i < vv.length; i++) vv[i] = rnd.nextGaussian() * 1e-3;
            e.upload(vv, v);
            e.upload(vv, w);
            double[] yy = new double[m];
            for (int i = 0; i < m; i++) yy[i] = rnd.nextGaussian();
            e.upload(yy, y);
            String[] names = {"X = V W^T", "fused pass", "E W", "E^T V", "whole"};
            double[][] wall = new double[5][reps], cpu = new double[5][reps];
            for (int r = 0; r < reps; r++) {
                long w0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime();
                e.gemm(1, v, Transpose.NONE, w, Transpose.TRANSPOSE, 0, x);
                long w1 = System.nanoTime(), c1 = mx.getCurrentThreadCpuTime();
                e.residualAndAdjoint(op, x, y, res, ee);
                long w2 = System.nanoTime(), c2 = mx.getCurrentThreadCpuTime();
                e.gemm(1, ee, Transpose.NONE, w, Transpose.NONE, 0, gv);
                long w3 = System.nanoTime(), c3 = mx.getCurrentThreadCpuTime();
                e.gemm(1, ee, Transpose.TRANSPOSE, v, Transpose.NONE, 0, gw);
                long w4 = System.nanoTime(), c4 = mx.getCurrentThreadCpuTime();
                long[] ws = {w0, w1, w2, w3, w4}, cs = {c0, c1, c2, c3, c4};
                for (int p = 0; p < 4; p++) {
                    wall[p][r] = (ws[p + 1] - ws[p]) / 1e6;
                    cpu[p][r] = (cs[p + 1] - cs[p]) / 1e6;
                }
                wall[4][r] = (w4 - w0) / 1e6;
                cpu[4][r] = (c4 - c0) / 1e6;
            }
            System.out.printf("threads %d, %d reps after 5 warm-up (median / min), calling thread:%n", threads, reps - 5);
            for (int p = 0; p < 5; p++) {
                double[] ww = Arrays.copyOfRange(wall[p], 5, reps), cc = Arrays.copyOfRange(cpu[p], 5, reps);
                Arrays.sort(ww);
                Arrays.sort(cc);
                System.out.printf("  %-11s wall %7.3f / %7.3f ms   cpu %7.3f / %7.3f ms%n", names[p], ww[ww.length / 2], ww[0],
                        cc[cc.length / 2], cc[0]);
            }
        }
    }
}
