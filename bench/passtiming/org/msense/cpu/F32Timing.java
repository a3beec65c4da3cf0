// Measurement harness of docs/benchmarks.md (issue-17 section, third round); not part of the build. Compile and run from the
// repository root after ./mvnw -o -q -pl engine-cli -am package -DskipTests:
//   CP=engine-cpu/target/classes:engine-core/target/classes:$(ls engine-cli/target/lib/*.jar | tr '\n' ':')
//   javac --add-modules jdk.incubator.vector -cp $CP -d /tmp/pt bench/passtiming/org/msense/cpu/F32Timing.java
//   java --add-modules jdk.incubator.vector -Xmx6g -cp /tmp/pt:$CP org.msense.cpu.F32Timing
// F32Timing: no arguments (3000 x 10^4 floats, best of 20 per-thread CPU time).
package org.msense.cpu;
import java.lang.management.*;
import java.util.*;
import jdk.incubator.vector.*;
/** Per-thread CPU time of the fp32 fused pass against its dot products alone (4 rows, 8 rows, one 512-bit load in two parts). */
public class F32Timing {
  static final VectorSpecies<Double> D = VectorSensingPass.D;
  static final VectorSpecies<Float> F = VectorSensingPass.F;
  static final VectorSpecies<Float> F2 = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize()));
  static final int L = D.length();
  static volatile double sink;
  static DoubleVector load(float[] a, int off) { return (DoubleVector) FloatVector.fromArray(F, a, off).convertShape(VectorOperators.F2D, D, 0); }
  static void dots4(float[] a, int b0, int n, double[] x, double[] out) {
    int b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
    int j = 0;
    for (; j + 2 * L <= n; j += 2 * L) {
      DoubleVector xv = DoubleVector.fromArray(D, x, j), xw = DoubleVector.fromArray(D, x, j + L);
      s0 = load(a, b0 + j).fma(xv, s0); s1 = load(a, b1 + j).fma(xv, s1); s2 = load(a, b2 + j).fma(xv, s2); s3 = load(a, b3 + j).fma(xv, s3);
      t0 = load(a, b0 + j + L).fma(xw, t0); t1 = load(a, b1 + j + L).fma(xw, t1); t2 = load(a, b2 + j + L).fma(xw, t2); t3 = load(a, b3 + j + L).fma(xw, t3);
    }
    out[0] = LaneSum.of(s0.add(t0)); out[1] = LaneSum.of(s1.add(t1)); out[2] = LaneSum.of(s2.add(t2)); out[3] = LaneSum.of(s3.add(t3));
  }
  // one 512-bit float load, both halves converted
  static void dots4w(float[] a, int b0, int n, double[] x, double[] out) {
    int b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
    int j = 0;
    for (; j + 2 * L <= n; j += 2 * L) {
      DoubleVector xv = DoubleVector.fromArray(D, x, j), xw = DoubleVector.fromArray(D, x, j + L);
      FloatVector f0 = FloatVector.fromArray(F2, a, b0 + j), f1 = FloatVector.fromArray(F2, a, b1 + j), f2 = FloatVector.fromArray(F2, a, b2 + j), f3 = FloatVector.fromArray(F2, a, b3 + j);
      s0 = ((DoubleVector) f0.convertShape(VectorOperators.F2D, D, 0)).fma(xv, s0);
      t0 = ((DoubleVector) f0.convertShape(VectorOperators.F2D, D, 1)).fma(xw, t0);
      s1 = ((DoubleVector) f1.convertShape(VectorOperators.F2D, D, 0)).fma(xv, s1);
      t1 = ((DoubleVector) f1.convertShape(VectorOperators.F2D, D, 1)).fma(xw, t1);
      s2 = ((DoubleVector) f2.convertShape(VectorOperators.F2D, D, 0)).fma(xv, s2);
      t2 = ((DoubleVector) f2.convertShape(VectorOperators.F2D, D, 1)).fma(xw, t2);
      s3 = ((DoubleVector) f3.convertShape(VectorOperators.F2D, D, 0)).fma(xv, s3);
      t3 = ((DoubleVector) f3.convertShape(VectorOperators.F2D, D, 1)).fma(xw, t3);
    }
    out[0] = LaneSum.of(s0.add(t0)); out[1] = LaneSum.of(s1.add(t1)); out[2] = LaneSum.of(s2.add(t2)); out[3] = LaneSum.of(s3.add(t3));
  }
  static void dots8(float[] a, int b0, int n, double[] x, double[] out, int o) {
    DoubleVector z = DoubleVector.zero(D);
    DoubleVector s0 = z, s1 = z, s2 = z, s3 = z, s4 = z, s5 = z, s6 = z, s7 = z, t0 = z, t1 = z, t2 = z, t3 = z, t4 = z, t5 = z, t6 = z, t7 = z;
    int j = 0;
    for (; j + 2 * L <= n; j += 2 * L) {
      DoubleVector xv = DoubleVector.fromArray(D, x, j), xw = DoubleVector.fromArray(D, x, j + L);
      int p0 = b0 + j;
      s0 = load(a, p0).fma(xv, s0); t0 = load(a, p0 + L).fma(xw, t0);
      s1 = load(a, p0 + n).fma(xv, s1); t1 = load(a, p0 + n + L).fma(xw, t1);
      s2 = load(a, p0 + 2 * n).fma(xv, s2); t2 = load(a, p0 + 2 * n + L).fma(xw, t2);
      s3 = load(a, p0 + 3 * n).fma(xv, s3); t3 = load(a, p0 + 3 * n + L).fma(xw, t3);
      s4 = load(a, p0 + 4 * n).fma(xv, s4); t4 = load(a, p0 + 4 * n + L).fma(xw, t4);
      s5 = load(a, p0 + 5 * n).fma(xv, s5); t5 = load(a, p0 + 5 * n + L).fma(xw, t5);
      s6 = load(a, p0 + 6 * n).fma(xv, s6); t6 = load(a, p0 + 6 * n + L).fma(xw, t6);
      s7 = load(a, p0 + 7 * n).fma(xv, s7); t7 = load(a, p0 + 7 * n + L).fma(xw, t7);
    }
    out[o] = LaneSum.of(s0.add(t0)); out[o + 1] = LaneSum.of(s1.add(t1)); out[o + 2] = LaneSum.of(s2.add(t2)); out[o + 3] = LaneSum.of(s3.add(t3));
    out[o + 4] = LaneSum.of(s4.add(t4)); out[o + 5] = LaneSum.of(s5.add(t5)); out[o + 6] = LaneSum.of(s6.add(t6)); out[o + 7] = LaneSum.of(s7.add(t7));
  }
  interface P { void run(float[] a, int n, int m, double[] x, double[] y, double[] res, double[] acc); }
  public static void main(String[] args) {
    int m = 3000, n = 10000; Random rnd = new Random(1);
    float[] a = new float[m * n]; for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
    double[] x = new double[n]; for (int i = 0; i < n; i++) x[i] = rnd.nextGaussian();
    double[] y = new double[m];
    String[] names = {"current fused", "dots4 only", "dots4w only (512-bit load, 2 parts)", "dots8 only"};
    P[] ps = {
      (aa, nn, mm, xx, yy, rr, acc) -> VectorSensingPass.rowMajor(aa, nn, 0, mm, new double[][] {xx}, new double[][] {yy}, new double[][] {rr}, acc),
      (aa, nn, mm, xx, yy, rr, acc) -> { double[] o = new double[4]; double s = 0; for (int i = 0; i + 4 <= mm; i += 4) { dots4(aa, i * nn, nn, xx, o); s += o[0] + o[3]; } sink = s; },
      (aa, nn, mm, xx, yy, rr, acc) -> { double[] o = new double[4]; double s = 0; for (int i = 0; i + 4 <= mm; i += 4) { dots4w(aa, i * nn, nn, xx, o); s += o[0] + o[3]; } sink = s; },
      (aa, nn, mm, xx, yy, rr, acc) -> { double[] o = new double[8]; double s = 0; for (int i = 0; i + 8 <= mm; i += 8) { dots8(aa, i * nn, nn, xx, o, 0); s += o[0] + o[7]; } sink = s; },
    };
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[] best = new double[ps.length]; Arrays.fill(best, 1e9);
    double[] ref = null;
    for (int r = 0; r < 20; r++) for (int p = 0; p < ps.length; p++) {
      double[] res = new double[m], acc = new double[n];
      long c0 = mx.getCurrentThreadCpuTime(); ps[p].run(a, n, m, x, y, res, acc); best[p] = Math.min(best[p], (mx.getCurrentThreadCpuTime() - c0) / 1e6);
    }
    for (int p = 0; p < ps.length; p++) System.out.printf("%-40s cpu %6.2f ms (%.1f GB/s of fp32)%n", names[p], best[p], 4.0 * m * n / best[p] / 1e6);
    // equality of dots4 and dots4w
    double[] o1 = new double[4], o2 = new double[4]; dots4(a, 0, n, x, o1); dots4w(a, 0, n, x, o2); System.out.println("same bits: " + Arrays.equals(o1, o2));
  }
}
