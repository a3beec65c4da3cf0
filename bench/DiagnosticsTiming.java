import java.util.Arrays;
import java.util.SplittableRandom;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.Transpose;
import org.msense.core.diagnostics.DiagnosticsCalculator;
import org.msense.core.diagnostics.DiagnosticsProbe;
import org.msense.core.diagnostics.ProbeReadout;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * Diagnostics time per logged iteration for one trajectory on the CPU backend: the probe (Gram matrices and
 * projections on the engine, read-backs) and {@code DiagnosticsCalculator.compute} on its readout; medians over
 * {@code reps} repetitions after three warm-ups. It uses only the probe's and the calculator's public API, so the
 * same file times any build of the project. Arguments: n1 n2 k reps. Run it against a build's jars:
 *
 * <pre>
 * ./mvnw -q -pl engine-cli -am package -DskipTests
 * java --add-modules jdk.incubator.vector -Xmx4g -cp "engine-cli/target/lib/*" bench/DiagnosticsTiming.java 400 400 400 7
 * </pre>
 */
public class DiagnosticsTiming {
    public static void main(String[] args) {
        int n1 = Integer.parseInt(args[0]);
        int n2 = Integer.parseInt(args[1]);
        int k = Integer.parseInt(args[2]);
        int reps = Integer.parseInt(args[3]);
        int r = 5;
        try (Engine engine = Backends.select("cpu", Backends.discover()).backend().open(EngineOptions.defaults())) {
            SensingProblem problem = SensingProblem.generate(engine, new ProblemSpec(n1, n2, r, 1, 1, 8, OperatorKind.GAUSSIAN, 0, 1), Precision.FP64);
            var rng = new SplittableRandom(5);
            double[] v = new double[n1 * k];
            double[] w = new double[n2 * k];
            for (int i = 0; i < v.length; i++) v[i] = (i % k < r ? 1 : 1e-3) * rng.nextGaussian() / Math.sqrt(n1);
            for (int i = 0; i < w.length; i++) w[i] = (i % k < r ? 1 : 1e-3) * rng.nextGaussian() / Math.sqrt(n2);
            MatrixBatch vb = engine.allocate(Precision.FP64, 1, n1, k);
            MatrixBatch wb = engine.allocate(Precision.FP64, 1, n2, k);
            MatrixBatch x = engine.allocate(Precision.FP64, 1, n1, n2);
            MatrixBatch e = engine.allocate(Precision.FP64, 1, n1, n2);
            MatrixBatch res = engine.allocate(Precision.FP64, 1, 8, 1);
            engine.upload(v, vb);
            engine.upload(w, wb);
            engine.gemm(1, vb, Transpose.NONE, wb, Transpose.TRANSPOSE, 0, x);
            DiagnosticsProbe probe = new DiagnosticsProbe(problem, 1, k, Precision.FP64);
            DiagnosticsCalculator calc = new DiagnosticsCalculator(problem.truth().sigma(), problem.truth().frobeniusNorm(), Math.min(k, Math.min(n1, n2)));
            double[] tProbe = new double[reps];
            double[] tCompute = new double[reps];
            double sink = 0;
            for (int i = -3; i < reps; i++) {
                long t0 = System.nanoTime();
                ProbeReadout[] p = probe.read(vb, wb, x, res, e);
                engine.synchronize();
                long t1 = System.nanoTime();
                var d = calc.compute(0, 0, 0, p[0]);
                long t2 = System.nanoTime();
                sink += d.singularValues()[0] + d.imbalanceSpectral();
                if (i >= 0) {
                    tProbe[i] = (t1 - t0) / 1e6;
                    tCompute[i] = (t2 - t1) / 1e6;
                }
            }
            Arrays.sort(tProbe);
            Arrays.sort(tCompute);
            System.out.printf("n1=%d n2=%d k=%d: probe.read median %.1f ms, compute median %.1f ms (min %.1f), total %.1f ms  [sink %.3g]%n",
                    n1, n2, k, tProbe[reps / 2], tCompute[reps / 2], tCompute[0], tProbe[reps / 2] + tCompute[reps / 2], sink);
            probe.release();
        }
    }
}
