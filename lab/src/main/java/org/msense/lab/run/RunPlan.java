package org.msense.lab.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.msense.core.backend.Precision;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.InvalidSpecException;
import org.msense.core.spec.ModelSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;

/**
 * A {@link RunConfig} resolved into what a run needs: the batch spec (derived defaults filled in: width
 * min(n1, n2), α_W = α, init seed = seed; sweeps expanded to one trajectory per combination of α, step
 * size and init seed, in that nesting order) and, for {@code --problem-from}, the loaded problem.
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
        if (c.getPath("problem-from") != null) {
            int rank = c.isExplicit("rank") ? c.getInt("rank") : 0;
            loaded = NpyExchange.load(c.getPath("problem-from"), rank);
            requireAgrees(c, "n1", loaded.truth().n1());
            requireAgrees(c, "n2", loaded.truth().n2());
            requireAgrees(c, "measurements", loaded.m());
            c.set("n1", loaded.truth().n1());
            c.set("n2", loaded.truth().n2());
            c.set("measurements", loaded.m());
            c.set("rank", loaded.truth().rank());
            if (loaded.initial() != null) {
                requireAgrees(c, "width", loaded.width());
                c.set("width", loaded.width());
            }
        }
        int n1 = c.getInt("n1");
        int n2 = c.getInt("n2");
        Precision precision = parse("precision", () -> Precision.parse(c.getString("precision")));
        ProblemSpec problem = new ProblemSpec(n1, n2, c.getInt("rank"), c.getDouble("condition"), c.getDouble("scale"),
                c.getInt("measurements"), OperatorKind.parse(c.getString("operator")), c.getDouble("noise"), c.getLong("seed"));
        if (c.get("width") == null) {
            c.set("width", Math.min(n1, n2));
        }
        if (c.getString("operator-precision") == null) {
            c.set("operator-precision", precision.id());
        }
        Precision operatorPrecision = parse("operator-precision", () -> Precision.parse(c.getString("operator-precision")));
        ModelSpec model = new ModelSpec(c.getInt("width"), InitNormalization.parse(c.getString("init")), precision,
                operatorPrecision);
        AlgorithmSpec algorithm = new AlgorithmSpec(c.getInt("iterations"), c.getInt("log-every"), c.getDouble("tolerance"),
                c.getInt("minibatch"));

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
                for (long s : initSeeds) {
                    trajectories.add(new TrajectorySpec(s, alpha[i], alphaW[i], mu));
                }
            }
        }
        if (loaded != null && loaded.initial() != null && loaded.batch() != trajectories.size()) {
            throw new InvalidSpecException("problem-from", "V0.npy holds " + loaded.batch() + " initial factors but the run has "
                    + trajectories.size() + " trajectories (one per α × step size × init seed); make them agree");
        }
        if (c.getInt("threads") < 0) {
            throw new InvalidSpecException("threads", "must be ≥ 0 (0: one per processor), got " + c.getInt("threads"));
        }
        ProgressBar.checkSetting(c.getString("progress"));
        String backend = c.getString("backend");
        if (backend == null || backend.isBlank()) {
            throw new InvalidSpecException("backend", "must be auto, cpu or cuda");
        }
        return new RunPlan(new BatchSpec(problem, model, algorithm, trajectories), c, loaded);
    }

    private static void requireAgrees(RunConfig c, String name, int fromFiles) {
        if (c.isExplicit(name) && c.get(name) != null && c.getInt(name) != fromFiles) {
            throw new InvalidSpecException(name, "is " + c.getInt(name) + " but the files of --problem-from give "
                    + fromFiles + "; leave it out or make it agree");
        }
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T parse(String field, Parse<T> p) {
        try {
            return p.get();
        } catch (InvalidSpecException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(field, e.getMessage());
        }
    }
}
