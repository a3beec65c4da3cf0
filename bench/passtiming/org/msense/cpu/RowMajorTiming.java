// Measurement harness of docs/benchmarks.md (issue-17 section, second round); not part of the build. Compile and run from the
// repository root after ./mvnw -o -q -pl engine-cli -am package -DskipTests:
//   CP=engine-cpu/target/classes:engine-core/target/classes:$(ls engine-cli/target/lib/*.jar | tr '\n' ':')
//   javac --add-modules jdk.incubator.vector -cp $CP -d /tmp/pt bench/passtiming/org/msense/cpu/RowMajorTiming.java
//   java --add-modules jdk.incubator.vector -Xmx6g -cp /tmp/pt:$CP org.msense.cpu.RowMajorTiming ARGS
// PassHarness: M N REPS [2t]; StepPhases: THREADS REPS; RowMajorTiming: M N REPS.
package org.msense.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/** Per-thread CPU time (best of N) of VectorSensingPass.rowMajor, fp64 and fp32 operator, B = 1, plus a checksum. */
public class RowMajorTiming {
    public static void main(String[] args) {
        int m = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        int reps = Integer.parseInt(args[2]);
        Random rnd = new Random(1);
        double[] a = new double[m * n];
        float[] f = new float[m * n];
        for (int i = 0; i < a.length; i++) { a[i] = rnd.nextGaussian(); f[i] = (float) a[i]; }
        double[][] x = {new double[n]};
        for (int i = 0; i < n; i++) x[0][i] = rnd.nextGaussian();
        double[][] y = {new double[m]};
        for (int i = 0; i < m; i++) y[0][i] = rnd.nextGaussian();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double b64 = Double.MAX_VALUE, b32 = Double.MAX_VALUE;
        long h64 = 0, h32 = 0;
        for (int rep = 0; rep < reps; rep++) {
            double[][] res = {new double[m]};
            double[] acc = new double[n];
            long c0 = mx.getCurrentThreadCpuTime();
            VectorSensingPass.rowMajor(a, n, 0, m, x, y, res, acc);
            b64 = Math.min(b64, (mx.getCurrentThreadCpuTime() - c0) / 1e6);
            h64 = java.util.Arrays.hashCode(acc) * 31L + java.util.Arrays.hashCode(res[0]);
            acc = new double[n];
            c0 = mx.getCurrentThreadCpuTime();
            VectorSensingPass.rowMajor(f, n, 0, m, x, y, res, acc);
            b32 = Math.min(b32, (mx.getCurrentThreadCpuTime() - c0) / 1e6);
            h32 = java.util.Arrays.hashCode(acc) * 31L + java.util.Arrays.hashCode(res[0]);
        }
        System.out.printf("fp64 cpu %6.2f ms (%5.1f GB/s) hash %x | fp32 cpu %6.2f ms (%5.1f GB/s) hash %x%n", b64,
                8.0 * m * n / b64 / 1e6, h64, b32, 4.0 * m * n / b32 / 1e6, h32);
    }
}
