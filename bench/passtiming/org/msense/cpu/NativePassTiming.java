// Measurement harness of docs/benchmarks.md (issue-17 section, fourth round); not part of the build. Compile and run from the
// repository root after ./mvnw -o -q -pl engine-cli -am package -DskipTests:
//   CP=engine-cpu/target/classes:engine-core/target/classes:$(ls engine-cli/target/lib/*.jar | tr '\n' ':')
//   javac --add-modules jdk.incubator.vector -cp $CP -d /tmp/pt bench/passtiming/org/msense/cpu/NativePassTiming.java
//   java --add-modules jdk.incubator.vector -Xmx6g -XX:+UseTransparentHugePages -cp $CP:/tmp/pt org.msense.cpu.NativePassTiming
// NativePassTiming: no arguments. The fused pass over 6000 x 10^4 (dense-fp64's operator, 480 MB; and the same stored in
// fp32) on two threads in the engine's chunks (SensingKernels.chunkRows, taken from a shared counter), the Java pass
// (VectorSensingPass.rowMajor) against the native one (NativeSensingPass.rowMajor, fp64 only; for fp32 the C code
// widening on load was timed the same way before it was dropped), wall time, median and best of 20 after 10, four rounds;
// then whether the two give the same bits.
package org.msense.cpu;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/** The native fused pass against the Java one, on two threads as the engine runs them. */
public class NativePassTiming {
    public static void main(String[] args) {
        System.out.println("native pass: " + NativeSensingPass.status());
        int m = 6000;
        int n = 10_000;
        Random rnd = new Random(1);
        double[] a = new double[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian();
        }
        float[] a32 = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            a32[i] = (float) a[i];
        }
        double[] x = new double[n];
        for (int j = 0; j < n; j++) {
            x[j] = rnd.nextGaussian();
        }
        double[] y = new double[m];
        double[] resJava = new double[m];
        double[] resNative = new double[m];
        int rows = SensingKernels.chunkRows(m, 1);
        int chunks = (m + rows - 1) / rows;
        double[][] acc = new double[chunks][n];
        String[] names = {"Java fp64", "native fp64", "Java fp32 storage"};
        try (ParallelLoops loops = new ParallelLoops(2)) {
            for (int round = 0; round < 4; round++) {
                StringBuilder line = new StringBuilder("round " + round + ":");
                for (int v = 0; v < names.length; v++) {
                    int variant = v;
                    double[] t = new double[30];
                    for (int it = 0; it < t.length; it++) {
                        long t0 = System.nanoTime();
                        loops.forTasks(chunks, c -> {
                            Arrays.fill(acc[c], 0.0);
                            int from = c * rows;
                            int to = Math.min(m, from + rows);
                            if (variant == 0) {
                                VectorSensingPass.rowMajor(a, n, from, to, new double[][] {x}, new double[][] {y},
                                        new double[][] {resJava}, acc[c]);
                            } else if (variant == 1) {
                                NativeSensingPass.rowMajor(a, n, from, to, x, y, resNative, acc[c]);
                            } else {
                                VectorSensingPass.rowMajor(a32, n, from, to, new double[][] {x}, new double[][] {y},
                                        new double[][] {resJava}, acc[c]);
                            }
                        });
                        t[it] = (System.nanoTime() - t0) / 1e6;
                    }
                    double[] timed = Arrays.copyOfRange(t, 10, t.length);
                    Arrays.sort(timed);
                    line.append(String.format(Locale.ROOT, "  %s median %.2f best %.2f ms;", names[v], timed[timed.length / 2],
                            timed[0]));
                }
                System.out.println(line);
            }
        }
        double[] accJava = new double[n];
        double[] accNative = new double[n];
        VectorSensingPass.rowMajor(a, n, 0, m, new double[][] {x}, new double[][] {y}, new double[][] {resJava}, accJava);
        NativeSensingPass.rowMajor(a, n, 0, m, x, y, resNative, accNative);
        System.out.println("the same bits: residuals " + Arrays.equals(resJava, resNative) + ", adjoint "
                + Arrays.equals(accJava, accNative));
    }
}
