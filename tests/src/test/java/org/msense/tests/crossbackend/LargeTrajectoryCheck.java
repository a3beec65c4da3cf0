package org.msense.tests.crossbackend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.msense.core.backend.Availability;
import org.msense.core.backend.Backend;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.Precision;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.ModelSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;

/**
 * The cross-backend trajectories of {@link CudaCrossBackendTest} on a large problem, as a program for
 * bin/msense-gpu-check: n1 = n2 = n, m measurements, rank 5, k = 10, three trajectories (α = 10⁻³, 10⁻², 10⁻¹,
 * μ = 0.25), 300 iterations logged every 25, in fp64 and fp32, on the CPU and on the GPU, each generating its own 𝒜.
 * Prints a Markdown table (worst relative difference of the diagnostics and of V_bW_bᵀ, the tolerance, the
 * verdict) and exits 0 when both precisions are within tolerance, 1 when one is not, 3 when the GPU is unavailable.
 *
 * <p>Tolerances: fp64 10⁻⁹ relative, as in the small test; fp32 10·γ_L(2⁻²⁴) with L = max(m, n1·n2), the inner
 * dimension of the sensing contractions (the small test's derivation with its L).
 *
 * <p>{@code --dry-run}: where no GPU is available, the "GPU" side is the CPU backend on one thread (a different
 * summation grouping from the default), so the whole program, the comparison and the table run anywhere.
 *
 * <p>Usage: {@code LargeTrajectoryCheck [--n N] [--m M] [--iterations T] [--dry-run]} (defaults 256, 12800, 300).
 */
public final class LargeTrajectoryCheck {
    private LargeTrajectoryCheck() {
    }

    static BatchSpec spec(int n, int m, int iterations, Precision precision) {
        ProblemSpec p = new ProblemSpec(n, n, 5, 1.0, 1.0, m, OperatorKind.GAUSSIAN, 0.0, 3);
        List<TrajectorySpec> ts = new ArrayList<>();
        for (double a : new double[] {1e-3, 1e-2, 1e-1}) {
            ts.add(new TrajectorySpec(p.seed(), a, a, 0.25));
        }
        return new BatchSpec(p, new ModelSpec(10, InitNormalization.PER_WIDTH, precision),
                new AlgorithmSpec(iterations, 25, 0, 0), ts);
    }

    public static void main(String[] args) {
        int n = 256;
        int m = 12_800;
        int iterations = 300;
        boolean dryRun = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--n" -> n = Integer.parseInt(args[++i]);
                case "--m" -> m = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--dry-run" -> dryRun = true;
                default -> {
                    System.err.println("LargeTrajectoryCheck: unknown argument " + args[i]
                            + "; usage: [--n N] [--m M] [--iterations T] [--dry-run]");
                    System.exit(2);
                }
            }
        }
        Backend cuda = Backends.discover().stream().filter(b -> b.id().equals("cuda")).findFirst().orElseThrow();
        Availability a = Backends.probe(cuda);
        Backend cpu = Backends.select("cpu", Backends.discover()).backend();
        String other;
        if (a.available()) {
            other = "cuda (" + a.reason() + ")";
        } else if (dryRun) {
            other = "cpu on 1 thread (dry run: cuda unavailable: " + a.reason() + ")";
        } else {
            System.out.println("CUDA unavailable: " + a.reason());
            System.exit(3);
            return;
        }
        System.out.printf(Locale.ROOT, "Trajectories n1 = n2 = %d, m = %d, rank 5, k = 10, B = 3, %d iterations: cpu against %s%n%n",
                n, m, iterations, other);
        System.out.println("| precision | worst diagnostic difference | where | worst ‖ΔVWᵀ‖_F/‖VWᵀ‖_F | tolerance | cpu s | other s | verdict |");
        System.out.println("|---|--:|---|--:|--:|--:|--:|---|");
        boolean ok = true;
        for (Precision p : Precision.values()) {
            BatchSpec spec = spec(n, m, iterations, p);
            long t0 = System.nanoTime();
            TrajectoryRun onCpu;
            try (Engine e = cpu.open(EngineOptions.defaults())) {
                onCpu = TrajectoryRun.run(e, spec);
            }
            long t1 = System.nanoTime();
            TrajectoryRun onOther;
            try (Engine e = a.available() ? cuda.open(EngineOptions.defaults()) : cpu.open(EngineOptions.defaults().withThreads(1))) {
                onOther = TrajectoryRun.run(e, spec);
                if (a.available()) {
                    CudaSupport.assertRanOnGpu(e);
                    CudaSupport.assertFusedPassRanWhereOn(e);
                }
            }
            long t2 = System.nanoTime();
            double tolerance;
            TrajectoryRun.Difference d;
            if (p == Precision.FP64) {
                tolerance = CudaCrossBackendTest.FP64_TOLERANCE;
                d = TrajectoryRun.compare(onCpu, onOther);
            } else {
                tolerance = 10 * CudaCrossBackendTest.gamma(Math.max(m, n * n), p.unitRoundoff());
                d = TrajectoryRun.compare(onCpu, onOther, CudaCrossBackendTest.truthNorm(spec));
            }
            boolean pass = d.worst() <= tolerance && d.worstProduct() <= tolerance;
            ok &= pass;
            System.out.printf(Locale.ROOT, "| %s | %.2e | %s | %.2e | %.1e | %.1f | %.1f | %s |%n", p.id(), d.worst(),
                    d.where().replace("|", "/"), d.worstProduct(), tolerance, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                    pass ? "pass" : "FAIL");
            System.out.flush();
        }
        System.exit(ok ? 0 : 1);
    }
}
