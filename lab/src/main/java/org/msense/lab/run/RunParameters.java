package org.msense.lab.run;

import static org.msense.lab.run.Parameter.Kind.DOUBLE;
import static org.msense.lab.run.Parameter.Kind.DOUBLE_LIST;
import static org.msense.lab.run.Parameter.Kind.FLAG;
import static org.msense.lab.run.Parameter.Kind.INT;
import static org.msense.lab.run.Parameter.Kind.LONG;
import static org.msense.lab.run.Parameter.Kind.LONG_LIST;
import static org.msense.lab.run.Parameter.Kind.PATH;
import static org.msense.lab.run.Parameter.Kind.STRING;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of {@code msense run}, in help order. Names are shared by the command line and JSON
 * configs; scripts depend on them, so they do not change.
 */
public final class RunParameters {
    public static final String PROBLEM = "Problem";
    public static final String MODEL = "Model and initialization";
    public static final String TRAINING = "Training";
    public static final String EXECUTION = "Execution and output";

    private static final List<Parameter> ALL = List.of(
            new Parameter("n1", INT, 40, "N", "rows of X*", PROBLEM),
            new Parameter("n2", INT, 30, "N", "columns of X*", PROBLEM),
            new Parameter("rank", INT, 3, "R", "rank r of X* (1 ≤ r ≤ min(n1, n2))", PROBLEM),
            new Parameter("condition", DOUBLE, 1.0, "K",
                    "condition number κ = σ₁/σ_r; singular values are geometric from scale to scale/κ", PROBLEM),
            new Parameter("scale", DOUBLE, 1.0, "S", "largest singular value σ₁ of X*", PROBLEM),
            new Parameter("measurements", INT, 1000, "M", "number m of Gaussian measurements y_i = ⟨A_i, X*⟩/√m + ξ_i", PROBLEM),
            new Parameter("operator", STRING, "gaussian", "KIND", "sensing operator family: gaussian (dense, every backend), or on the CPU gaussian-implicit (the same numbers, regenerated), hadamard (subsampled Walsh–Hadamard), completion (m distinct entries), rank-one (a_iᵀ Z b_i)", PROBLEM),
            new Parameter("noise", DOUBLE, 0.0, "SIGMA", "standard deviation σ_noise of the measurement noise ξ_i", PROBLEM),
            new Parameter("seed", LONG, 1L, "SEED", "seed of the problem: X*, 𝒜, noise (and of the initialization unless --init-seed)", PROBLEM),
            new Parameter("problem-from", PATH, null, "DIR",
                    "load X_star.npy, A.npy, y.npy (and V0.npy, W0.npy if present) from DIR instead of generating the problem", PROBLEM),

            new Parameter("model", STRING, null, "MODEL",
                    "asymmetric (X = VWᵀ) or symmetric (X = UUᵀ with a positive semidefinite X* = U*ΣU*ᵀ, n1 = n2;"
                            + " trained by gd-symmetric); default asymmetric, symmetric with --method gd-symmetric", MODEL),
            new Parameter("width", INT, null, "K", "width k of the factors V (n1×k), W (n2×k); default min(n1, n2)", MODEL),
            new Parameter("alpha", DOUBLE_LIST, new double[] {1e-1, 1e-2, 1e-3, 1e-4}, "A[,A…]",
                    "initialization scale α (of V₀; also of W₀ unless --alpha-w); a list makes a sweep, one trajectory each", MODEL),
            new Parameter("alpha-w", DOUBLE_LIST, null, "A[,A…]",
                    "initialization scale of W₀: one value for all, or one per --alpha value; default equal to --alpha", MODEL),
            new Parameter("init", STRING, "1/k", "NORM", "variance of the Gaussian initial directions: 1/k, 1/n (n1 for V, n2 for W) or 1", MODEL),
            new Parameter("init-seed", LONG_LIST, null, "SEED[,SEED…]",
                    "seed(s) of the initial directions; a list makes trajectories with different random inits; default --seed", MODEL),

            new Parameter("method", STRING, "gd", "NAME",
                    "update rule: gd, scaledgd (ScaledGD(λ)), precgd (PrecGD, damping c·‖𝒜(VWᵀ) − y‖), apgd"
                            + " (alternating preconditioned GD) or gd-symmetric (GD on UUᵀ, --model symmetric);"
                            + " see docs/math.md", TRAINING),
            new Parameter("step-size", DOUBLE_LIST, new double[] {0.25}, "MU[,MU…]", "step size μ; a list makes a sweep", TRAINING),
            new Parameter("lambda", DOUBLE_LIST, null, "L[,L…]",
                    "damping λ ≥ 0 of scaledgd and apgd, in (WᵀW + λI)⁻¹; a list makes a sweep; default 0.01·σ_r(X*)", TRAINING),
            new Parameter("damping", DOUBLE_LIST, null, "C[,C…]",
                    "constant c of precgd's damping η_t = c·‖𝒜(V_tW_tᵀ) − y‖₂; a list makes a sweep; default 1", TRAINING),
            new Parameter("iterations", INT, 1000, "T", "number of gradient steps", TRAINING),
            new Parameter("log-every", INT, 10, "L", "record diagnostics every L iterations (and at the last one)", TRAINING),
            new Parameter("tolerance", DOUBLE, 0.0, "TOL",
                    "stop a trajectory once its relative error ‖VWᵀ − X*‖_F/‖X*‖_F ≤ TOL (checked when logging; 0: never)", TRAINING),
            new Parameter("minibatch", INT, 0, "B",
                    "0: full-batch gradient descent; B > 0: SGD drawing B fresh Gaussian measurements at every step", TRAINING),

            new Parameter("precision", STRING, "fp64", "P", "fp64 or fp32", EXECUTION),
            new Parameter("operator-precision", STRING, null, "P",
                    "storage of the sensing matrix 𝒜: fp32 with --precision fp64 halves its memory and bytes read per"
                            + " step (arithmetic stays fp64); default equal to --precision", EXECUTION),
            new Parameter("backend", STRING, "auto", "ID", "auto (best available), cpu or cuda", EXECUTION),
            new Parameter("threads", INT, 0, "N", "CPU worker threads (0: one per processor)", EXECUTION),
            new Parameter("tf32", FLAG, false, "", "let the CUDA backend use TF32 tensor cores for fp32 GEMMs (less accurate)", EXECUTION),
            new Parameter("out", PATH, null, "DIR", "run directory (default: a new timestamped folder under runs/)", EXECUTION),
            new Parameter("checkpoint-every", INT, 0, "N",
                    "save the state every N iterations into the run directory (checkpoint/), so that msense resume DIR"
                            + " goes on from there after a kill, exactly as an uninterrupted run (0: never)", EXECUTION),
            new Parameter("overwrite", FLAG, false, "",
                    "replace the files of an earlier run in --out (not a live one) and an earlier --export-npy", EXECUTION),
            new Parameter("export-npy", PATH, null, "DIR",
                    "write X_star, A, y, V0, W0 (and V, W after the run) as NumPy .npy files into DIR", EXECUTION),
            new Parameter("plots", FLAG, true, "", "write PNG and SVG plots into the run directory", EXECUTION),
            new Parameter("progress", STRING, "auto", "WHEN",
                    "progress on stderr: auto (a bar redrawn in place on a terminal, a plain line every 10 s otherwise),"
                            + " always (the redrawn bar, even when not a terminal) or never (no progress lines)", EXECUTION));

    private static final Map<String, Parameter> BY_NAME = new LinkedHashMap<>();

    static {
        for (Parameter p : ALL) {
            BY_NAME.put(p.name(), p);
        }
    }

    private RunParameters() {
    }

    /** All parameters in help order. */
    public static List<Parameter> all() {
        return ALL;
    }

    /** The parameter of that name, or null. */
    public static Parameter byName(String name) {
        return BY_NAME.get(name);
    }

    /** Known names closest to an unknown one (edit distance ≤ 2, or a shared prefix), for "did you mean". */
    public static List<String> suggestions(String unknown) {
        List<String> out = new ArrayList<>();
        for (String n : BY_NAME.keySet()) {
            if (editDistance(n, unknown) <= 2 || (unknown.length() >= 3 && n.startsWith(unknown))) {
                out.add(n);
            }
        }
        return out;
    }

    /** The Levenshtein distance between two names (insertions, deletions and substitutions of one character). */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
