package org.msense.lab.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.msense.core.backend.Precision;
import org.msense.core.problem.GroundTruth;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.InvalidSpecException;
import org.msense.core.spec.Method;
import org.msense.core.spec.ModelSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;

/**
 * A {@link RunConfig} resolved into what a run needs: the batch spec (derived defaults filled in: width
 * min(n1, n2), α_W = α, init seed = seed, λ = 0.01·σ_r(X*) for scaledgd and apgd, c = 1 for precgd; sweeps
 * expanded to one trajectory per combination of α, step size, damping (λ or c) and init seed, in that nesting
 * order) and, for {@code --problem-from}, the loaded problem.
 *
 * @param spec     the batch
 * @param config   the config with every derived value made explicit (what {@code config.json} records)
 * @param loaded   the problem read from .npy files, or null when it is generated
 */
public record RunPlan(BatchSpec spec, RunConfig config, NpyExchange.LoadedProblem loaded) {

    /**
     * Resolves a config.
     *
     * @throws InvalidSpecException naming the parameter at fault
     * @throws IOException          when {@code --problem-from} files cannot be read
     */
    public static RunPlan resolve(RunConfig input) throws IOException {
        RunConfig c = input.copy();
        NpyExchange.LoadedProblem loaded = null;
        boolean initFromFiles = false;
        if (c.getPath("problem-from") != null) {
            loaded = NpyExchange.load(c.getPath("problem-from"), 0);
            requireAgrees(c, "n1", loaded.truth().n1(), NpyExchange.TRUTH);
            requireAgrees(c, "n2", loaded.truth().n2(), NpyExchange.TRUTH);
            requireAgrees(c, "measurements", loaded.m(), "the operator files");
            requireAgrees(c, "rank", loaded.truth().rank(), NpyExchange.TRUTH + " (its numerical rank)");
            double[] sigma = loaded.truth().sigma();
            double kappa = sigma[0] / sigma[sigma.length - 1];
            requireAgrees(c, "condition", kappa, NpyExchange.TRUTH + " (σ₁/σ_r)");
            requireAgrees(c, "scale", sigma[0], NpyExchange.TRUTH + " (σ₁)");
            refuseWith(c, "noise", NpyExchange.OBSERVATIONS + ", which holds the measurements as they are");
            String kind = loaded.operator().kind().id();
            if (c.isExplicit("operator") && c.getString("operator") != null
                    && !OperatorKind.parse(c.getString("operator")).id().equals(kind)) {
                throw new InvalidSpecException("operator", "is " + c.getString("operator") + " but the files of --problem-from"
                        + " hold a " + kind + " operator" + (kind.equals("gaussian")
                        ? " (a gaussian-implicit export is its dense matrix A.npy, run as gaussian)" : "")
                        + ", and the files decide it; leave --operator out or make it agree");
            }
            c.set("operator", kind);
            c.set("n1", loaded.truth().n1());
            c.set("n2", loaded.truth().n2());
            c.set("measurements", loaded.m());
            c.set("rank", loaded.truth().rank());
            c.set("condition", kappa);
            c.set("scale", sigma[0]);
            if (loaded.initial() != null) {
                initFromFiles = true;
                String files = NpyExchange.V0 + " and " + NpyExchange.W0 + ", which hold the initial factors";
                requireAgrees(c, "width", loaded.width(), NpyExchange.V0);
                for (String name : List.of("alpha", "alpha-w", "init", "init-seed", "seed")) {
                    refuseWith(c, name, files);
                }
                c.set("width", loaded.width());
            }
        }
        Method method = Method.parse(c.getString("method"));
        boolean symmetric = symmetricModel(c, method);
        if (symmetric) {
            method = Method.GD_SYMMETRIC;
            c.set("method", method.id());
            if (loaded == null && !c.isExplicit("n2")) {
                c.set("n2", c.getInt("n1")); // X* = U*ΣU*ᵀ is square
            }
            if (loaded != null) {
                requireSymmetric(loaded.truth());
            }
        }
        int n1 = c.getInt("n1");
        int n2 = c.getInt("n2");
        Precision precision = parse("precision", () -> Precision.parse(c.getString("precision")));
        ProblemSpec problem = new ProblemSpec(n1, n2, c.getInt("rank"), c.getDouble("condition"), c.getDouble("scale"),
                c.getInt("measurements"), OperatorKind.parse(c.getString("operator")), c.getDouble("noise"), c.getLong("seed"),
                symmetric);
        if (loaded != null) {
            c.set("noise", null); // y.npy decides it; not written to config.json
        }
        if (c.get("width") == null) {
            c.set("width", Math.min(n1, n2));
        }
        if (c.getString("operator-precision") == null) {
            c.set("operator-precision", precision.id());
        }
        Precision operatorPrecision = parse("operator-precision", () -> Precision.parse(c.getString("operator-precision")));
        ModelSpec model = new ModelSpec(c.getInt("width"), InitNormalization.parse(c.getString("init")), precision,
                operatorPrecision);
        if (c.getInt("minibatch") > 0 && problem.operator() != OperatorKind.GAUSSIAN) {
            throw new InvalidSpecException("minibatch", "draws fresh dense Gaussian measurements at every step, which the "
                    + problem.operator().id() + " operator does not have; use --minibatch 0 or --operator gaussian");
        }
        AlgorithmSpec algorithm = new AlgorithmSpec(c.getInt("iterations"), c.getInt("log-every"), c.getDouble("tolerance"),
                c.getInt("minibatch"), method);
        double[] dampings = dampings(c, method, loaded != null ? loaded.truth().sigma() : problem.singularValues());

        if (initFromFiles) {
            return fromInitialFiles(c, loaded, model, problem, algorithm, dampings);
        }
        double[] alpha = c.getDoubles("alpha");
        double[] alphaW = c.getDoubles("alpha-w");
        if (alphaW == null) {
            alphaW = alpha.clone();
        } else if (alphaW.length == 1 && alpha.length > 1) {
            double a = alphaW[0];
            alphaW = new double[alpha.length];
            java.util.Arrays.fill(alphaW, a);
        } else if (alphaW.length != alpha.length) {
            throw new InvalidSpecException("alpha-w", "give one value or one per alpha (" + alpha.length + "), got "
                    + alphaW.length);
        }
        c.set("alpha-w", alphaW);
        long[] initSeeds = c.getLongs("init-seed");
        if (initSeeds == null) {
            initSeeds = new long[] {c.getLong("seed")};
            c.set("init-seed", initSeeds);
        }
        List<TrajectorySpec> trajectories = new ArrayList<>();
        for (int i = 0; i < alpha.length; i++) {
            for (double mu : c.getDoubles("step-size")) {
                for (double d : dampings) {
                    for (long s : initSeeds) {
                        trajectories.add(new TrajectorySpec(s, alpha[i], alphaW[i], mu, d));
                    }
                }
            }
        }
        checkExecution(c);
        return new RunPlan(new BatchSpec(problem, model, algorithm, trajectories), c, loaded);
    }

    /**
     * The batch of a run whose initial factors come from V0.npy/W0.npy: one trajectory per initial pair, with one step
     * size for all or one each. α and α_W, which the files decide, are measured from them (‖V0_b‖_F/√n1 and
     * ‖W0_b‖_F/√n2: the α of the default 1/k initialization) for the labels and the record, and config.json leaves out
     * what the files decide (α, α_W, init, init seed, seed, noise), so that it reruns as it is.
     */
    private static RunPlan fromInitialFiles(RunConfig c, NpyExchange.LoadedProblem loaded, ModelSpec model,
            ProblemSpec problem, AlgorithmSpec algorithm, double[] dampings) {
        int b = loaded.batch();
        if (dampings.length != 1) {
            String name = algorithm.method() == Method.PREC_GD ? "damping" : "lambda";
            throw new InvalidSpecException(name, "give one value with initial factors from " + NpyExchange.V0
                    + " (one trajectory per initial pair), got " + dampings.length);
        }
        double[] mu = c.getDoubles("step-size");
        if (mu.length != 1 && mu.length != b) {
            throw new InvalidSpecException("step-size", "give one value, or one per initial pair of " + NpyExchange.V0
                    + " (" + b + "), got " + mu.length);
        }
        int n1 = problem.n1();
        int n2 = problem.n2();
        int k = loaded.width();
        double[] v = loaded.initial().v();
        double[] w = loaded.initial().w();
        List<TrajectorySpec> trajectories = new ArrayList<>();
        for (int t = 0; t < b; t++) {
            double av = norm(v, t * (long) n1 * k, n1 * k) / Math.sqrt(n1);
            double aw = norm(w, t * (long) n2 * k, n2 * k) / Math.sqrt(n2);
            if (!(av > 0) || !(aw > 0) || !Double.isFinite(av) || !Double.isFinite(aw)) {
                throw new InvalidSpecException("problem-from", "the initial factors of trajectory " + t + " in "
                        + NpyExchange.V0 + "/" + NpyExchange.W0 + " are zero or not finite");
            }
            trajectories.add(new TrajectorySpec(0, av, aw, mu.length == 1 ? mu[0] : mu[t], dampings[0]));
        }
        for (String decided : List.of("alpha", "alpha-w", "init", "init-seed", "seed", "noise")) {
            c.set(decided, null);
        }
        checkExecution(c);
        return new RunPlan(new BatchSpec(problem, model, algorithm, trajectories), c, loaded);
    }

    private static double norm(double[] a, long from, int count) {
        double s = 0;
        for (int i = 0; i < count; i++) {
            double x = a[(int) (from + i)];
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static void checkExecution(RunConfig c) {
        if (c.getInt("checkpoint-every") < 0) {
            throw new InvalidSpecException("checkpoint-every", "must be ≥ 0 (0: no checkpoints), got "
                    + c.getInt("checkpoint-every"));
        }
        if (c.getInt("threads") < 0) {
            throw new InvalidSpecException("threads", "must be ≥ 0 (0: one per processor), got " + c.getInt("threads"));
        }
        ProgressBar.checkSetting(c.getString("progress"));
        String backend = c.getString("backend");
        if (backend == null || backend.isBlank()) {
            throw new InvalidSpecException("backend", "must be auto, cpu or cuda");
        }
    }

    /**
     * Whether the run trains the symmetric model X = UUᵀ: {@code --model symmetric}, or {@code --method gd-symmetric}
     * (then {@code model} is recorded as symmetric). {@code --model symmetric} turns the default {@code gd} into
     * {@code gd-symmetric}; with a preconditioned method, or {@code --model asymmetric} with {@code gd-symmetric}, it
     * is an error (the symmetric model is trained by plain GD only).
     */
    private static boolean symmetricModel(RunConfig c, Method method) {
        String model = c.getString("model");
        if (model == null) {
            model = method.symmetric() ? "symmetric" : "asymmetric";
            c.set("model", model);
        }
        switch (model) {
            case "symmetric" -> {
                if (method != Method.GD && !method.symmetric()) {
                    throw new InvalidSpecException("model", "the symmetric model X = UUᵀ is trained by gd-symmetric only;"
                            + " leave --method out (or give gd-symmetric), or use --model asymmetric with --method "
                            + method.id());
                }
                return true;
            }
            case "asymmetric" -> {
                if (method.symmetric()) {
                    throw new InvalidSpecException("model", "--method " + method.id()
                            + " trains the symmetric model; give --model symmetric or leave --model out");
                }
                return false;
            }
            default -> throw new InvalidSpecException("model", "must be asymmetric (X = VWᵀ) or symmetric (X = UUᵀ), got '"
                    + model + "'");
        }
    }

    /** The symmetric model with --problem-from needs X_star.npy symmetric (to 10⁻¹² of its largest entry). */
    private static void requireSymmetric(GroundTruth truth) {
        int n = truth.n1();
        if (truth.n2() != n) {
            throw new InvalidSpecException("model", "the symmetric model needs a square X*; " + NpyExchange.TRUTH
                    + " of --problem-from is " + n + "×" + truth.n2());
        }
        if (!truth.hasMatrix()) {
            // only the factors are held: X* = U*ΣV*ᵀ is symmetric positive semidefinite when V* = U*
            double gap = 0;
            for (int i = 0; i < truth.left().length; i++) {
                gap = Math.max(gap, Math.abs(truth.left()[i] - truth.right()[i]));
            }
            if (gap > 1e-12) {
                throw new InvalidSpecException("model", "the symmetric model needs a symmetric X*; the factors of"
                        + " --problem-from differ, max |U*_ij − V*_ij| = " + gap);
            }
            return;
        }
        double[] x = truth.matrix();
        double largest = 0;
        double asymmetry = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                largest = Math.max(largest, Math.abs(x[i * n + j]));
                asymmetry = Math.max(asymmetry, Math.abs(x[i * n + j] - x[j * n + i]));
            }
        }
        if (asymmetry > 1e-12 * largest) {
            throw new InvalidSpecException("model", "the symmetric model needs a symmetric X*; " + NpyExchange.TRUTH
                    + " of --problem-from has max |X_ij − X_ji| = " + asymmetry + " (largest entry " + largest + ")");
        }
    }

    /** Default λ of scaledgd and apgd, as a multiple of the smallest singular value σ_r of X*. */
    public static final double DEFAULT_LAMBDA_FACTOR = 0.01;
    /** Default constant c of PrecGD's damping η_t = c·‖𝒜(V_tW_tᵀ) − y‖₂. */
    public static final double DEFAULT_DAMPING = 1.0;

    /**
     * The per-trajectory damping values of the method ({0} for gd), with the default made explicit in the config:
     * λ = {@value #DEFAULT_LAMBDA_FACTOR}·σ_r(X*) for scaledgd and apgd, c = {@value #DEFAULT_DAMPING} for precgd.
     * A value given for a method that does not use it is an error, so that a sweep is never silently ignored.
     */
    private static double[] dampings(RunConfig c, Method method, double[] sigma) {
        String own = method.usesLambda() ? "lambda" : method == Method.PREC_GD ? "damping" : null;
        for (String name : new String[] {"lambda", "damping"}) {
            if (!name.equals(own) && c.getDoubles(name) != null) {
                throw new InvalidSpecException(name, "does not apply to --method " + method.id()
                        + (name.equals("lambda") ? " (it is the damping of scaledgd and apgd)" : " (it is the constant of precgd)"));
            }
        }
        if (own == null) {
            return new double[] {0};
        }
        double[] values = c.getDoubles(own);
        if (values == null) {
            values = new double[] {own.equals("lambda") ? DEFAULT_LAMBDA_FACTOR * sigma[sigma.length - 1] : DEFAULT_DAMPING};
            c.set(own, values);
        }
        for (double v : values) {
            if (!Double.isFinite(v) || v < 0) {
                throw new InvalidSpecException(own, "must be a finite number ≥ 0, got " + v);
            }
        }
        return values;
    }

    private static void requireAgrees(RunConfig c, String name, int fromFiles, String file) {
        if (c.isExplicit(name) && c.get(name) != null && c.getInt(name) != fromFiles) {
            throw new InvalidSpecException(name, "is " + c.getInt(name) + " but " + file + " of --problem-from gives "
                    + fromFiles + ", and the files decide it; leave --" + name + " out or make it agree");
        }
    }

    private static void requireAgrees(RunConfig c, String name, double fromFiles, String file) {
        if (c.isExplicit(name) && c.get(name) != null
                && !(Math.abs(c.getDouble(name) - fromFiles) <= 1e-9 * Math.abs(fromFiles))) {
            throw new InvalidSpecException(name, "is " + Parameter.formatDouble(c.getDouble(name)) + " but " + file
                    + " of --problem-from gives " + Parameter.formatDouble(fromFiles)
                    + ", and the files decide it; leave --" + name + " out or make it agree");
        }
    }

    /** A parameter that the files of --problem-from decide, given anyway: an error naming the file. */
    private static void refuseWith(RunConfig c, String name, String files) {
        if (c.isExplicit(name) && c.get(name) != null) {
            throw new InvalidSpecException(name, "has no effect with --problem-from: it is decided by " + files
                    + "; leave --" + name + " out");
        }
    }

    private static <T> T parse(String field, Supplier<T> p) {
        try {
            return p.get();
        } catch (InvalidSpecException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(field, e.getMessage());
        }
    }
}
