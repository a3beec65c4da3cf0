package org.msense.lab.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.msense.core.spec.InvalidSpecException;
import org.msense.core.algorithm.HostFactors;
import org.msense.lab.io.Npy;
import org.msense.lab.io.NpyArray;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.problem.GroundTruth;

/**
 * NumPy interop: the files of an exported problem and how to read them back.
 * <ul>
 * <li>{@code X_star.npy} (n1, n2) — the ground truth;</li>
 * <li>{@code A.npy} (m, n1·n2) — the stacked sensing matrix, row i = vec(A_i)/√m with row-major vec, so
 *     {@code A @ X.ravel()} are the measurements;</li>
 * <li>{@code y.npy} (m,) — the observations;</li>
 * <li>{@code V0.npy} (B, n1, k), {@code W0.npy} (B, n2, k) — the initial factors of the B trajectories;</li>
 * <li>{@code V.npy}, {@code W.npy} — the factors at the end of the run, same shapes.</li>
 * </ul>
 */
public final class NpyExchange {
    public static final String TRUTH = "X_star.npy";
    public static final String OPERATOR = "A.npy";
    public static final String OBSERVATIONS = "y.npy";
    public static final String V0 = "V0.npy";
    public static final String W0 = "W0.npy";
    public static final String V = "V.npy";
    public static final String W = "W.npy";
    /** Completion: the observed entries, (m, 2) float64 rows (j, l), in row-major order; measurement i is row i. */
    public static final String ENTRIES = "entries.npy";
    /** The factors of X* (written for operators other than the dense Gaussian, whose X* is X_star.npy). */
    public static final String TRUTH_LEFT = "U_star.npy";
    public static final String TRUTH_SIGMA = "sigma_star.npy";
    public static final String TRUTH_RIGHT = "V_star.npy";

    private NpyExchange() {
    }

    /**
     * A problem read from files.
     *
     * @param truth    X* with its SVD (or as given by its factors)
     * @param operator the operator's data: the dense A (m × n1·n2 row-major) or the completion entries
     * @param y        observations
     * @param initial  V0/W0 if both files exist, else null
     */
    public record LoadedProblem(GroundTruth truth, OperatorDescription operator, double[] y, HostFactors initial,
            int batch, int width) {
        /** m, the number of measurements. */
        public int m() {
            return operator.m();
        }
    }

    /**
     * Reads X_star.npy, A.npy, y.npy and, when present, V0.npy and W0.npy from {@code dir}, checking every
     * shape against the others.
     *
     * @param rank the rank of X* to use, or 0 for its numerical rank
     * @throws IOException with a message naming the file and the expected shape
     */
    public static LoadedProblem load(Path dir, int rank) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("problem-from: " + dir + " is not a directory");
        }
        if (Files.exists(dir.resolve(ENTRIES))) {
            return loadCompletion(dir);
        }
        NpyArray x = Npy.read(dir.resolve(TRUTH)).requireRank("X*, (n1, n2)", 2);
        int n1 = x.dim(0);
        int n2 = x.dim(1);
        NpyArray a = Npy.read(dir.resolve(OPERATOR)).requireRank("the stacked sensing matrix, (m, n1·n2)", 2);
        int m = a.dim(0);
        a.requireShape("the stacked sensing matrix, (m, n1·n2) with n1·n2 = " + n1 * n2 + " from X_star.npy", m, n1 * n2);
        NpyArray y = Npy.read(dir.resolve(OBSERVATIONS)).requireShape("the observations, (m,) with m = " + m + " from A.npy", m);
        for (double v : a.data()) {
            if (!Double.isFinite(v)) {
                throw new IOException(OPERATOR + " holds a non-finite entry (" + v + ")");
            }
        }
        for (double v : y.data()) {
            if (!Double.isFinite(v)) {
                throw new IOException(OBSERVATIONS + " holds a non-finite entry (" + v + ")");
            }
        }
        GroundTruth truth;
        try {
            truth = GroundTruth.fromMatrix(x.data(), n1, n2, rank);
        } catch (IllegalArgumentException e) {
            throw new IOException(TRUTH + ": " + e.getMessage());
        }
        return new LoadedProblem(truth, OperatorDescription.ofDense(n1, n2, m, a.data()), y.data(),
                readInitial(dir, n1, n2), batchOf(dir), widthOf(dir));
    }

    /**
     * A completion problem: U_star (n1, r), sigma_star (r,), V_star (n2, r), entries (m, 2) of (j, l) in row-major
     * order, y (m,), and optionally V0/W0.
     */
    private static LoadedProblem loadCompletion(Path dir) throws IOException {
        NpyArray u = Npy.read(dir.resolve(TRUTH_LEFT)).requireRank("U*, (n1, r)", 2);
        int n1 = u.dim(0);
        int r = u.dim(1);
        NpyArray s = Npy.read(dir.resolve(TRUTH_SIGMA)).requireShape("σ*, (r,) with r = " + r + " from " + TRUTH_LEFT, r);
        NpyArray v = Npy.read(dir.resolve(TRUTH_RIGHT)).requireRank("V*, (n2, r)", 2);
        int n2 = v.dim(0);
        v.requireShape("V*, (n2, r) with r = " + r + " from " + TRUTH_LEFT, n2, r);
        NpyArray e = Npy.read(dir.resolve(ENTRIES)).requireRank("the observed entries, (m, 2) rows (j, l)", 2);
        int m = e.dim(0);
        e.requireShape("the observed entries, (m, 2) rows (j, l)", m, 2);
        NpyArray y = Npy.read(dir.resolve(OBSERVATIONS)).requireShape("the observations, (m,) with m = " + m + " from "
                + ENTRIES, m);
        int[] entries = new int[m];
        double[] ed = e.data();
        for (int i = 0; i < m; i++) {
            double j = ed[2 * i];
            double l = ed[2 * i + 1];
            if (!(j >= 0 && j < n1 && l >= 0 && l < n2 && j == Math.rint(j) && l == Math.rint(l))) {
                throw new IOException(ENTRIES + ": row " + i + " is (" + j + ", " + l + "); entries must be integers"
                        + " 0 ≤ j < n1 = " + n1 + ", 0 ≤ l < n2 = " + n2);
            }
            entries[i] = (int) j * n2 + (int) l;
        }
        for (double value : y.data()) {
            if (!Double.isFinite(value)) {
                throw new IOException(OBSERVATIONS + " holds a non-finite entry (" + value + ")");
            }
        }
        GroundTruth truth;
        OperatorDescription op;
        try {
            truth = GroundTruth.fromFactors(n1, n2, s.data(), u.data(), v.data());
            op = OperatorDescription.ofEntries(n1, n2, entries);
        } catch (IllegalArgumentException ex) {
            throw new IOException("problem-from: " + ex.getMessage());
        }
        return new LoadedProblem(truth, op, y.data(), readInitial(dir, n1, n2), batchOf(dir), widthOf(dir));
    }

    /** V0/W0 when both exist (checked against n1, n2 and each other), null when neither. */
    private static HostFactors readInitial(Path dir, int n1, int n2) throws IOException {
        boolean hasV = Files.exists(dir.resolve(V0));
        boolean hasW = Files.exists(dir.resolve(W0));
        if (hasV != hasW) {
            throw new IOException("problem-from: found " + (hasV ? V0 : W0) + " without " + (hasV ? W0 : V0)
                    + "; give both initial factors or neither");
        }
        if (!hasV) {
            return null;
        }
        NpyArray v0 = Npy.read(dir.resolve(V0)).requireRank("the initial V of each trajectory, (B, n1, k)", 3);
        int batch = v0.dim(0);
        int width = v0.dim(2);
        v0.requireShape("the initial V of each trajectory, (B, n1, k) with n1 = " + n1, batch, n1, width);
        NpyArray w0 = Npy.read(dir.resolve(W0)).requireShape(
                "the initial W of each trajectory, (B, n2, k) with B, k from V0.npy and n2 = " + n2, batch, n2, width);
        return new HostFactors(v0.data(), w0.data());
    }

    private static int batchOf(Path dir) throws IOException {
        return Files.exists(dir.resolve(V0)) ? Npy.read(dir.resolve(V0)).dim(0) : 0;
    }

    private static int widthOf(Path dir) throws IOException {
        return Files.exists(dir.resolve(V0)) ? Npy.read(dir.resolve(V0)).dim(2) : 0;
    }

    /**
     * Refuses an export directory that already holds an export (any of X_star, A, y, V0, W0, V, W .npy), unless
     * {@code overwrite}: an earlier export is never replaced silently. A path that is a file is refused too.
     *
     * @throws InvalidSpecException (field {@code export-npy}) naming the files found
     */
    public static void checkExportTarget(Path dir, boolean overwrite) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidSpecException("export-npy", dir + " exists and is not a directory");
        }
        if (overwrite) {
            return;
        }
        List<String> there = new ArrayList<>();
        for (String n : List.of(TRUTH, OPERATOR, OBSERVATIONS, V0, W0, V, W, ENTRIES, TRUTH_LEFT, TRUTH_SIGMA, TRUTH_RIGHT)) {
            if (Files.exists(dir.resolve(n))) {
                there.add(n);
            }
        }
        if (!there.isEmpty()) {
            throw new InvalidSpecException("export-npy", dir + " already holds an export (" + String.join(", ", there)
                    + "); choose another directory, or --overwrite to replace it");
        }
    }

    /** Writes X_star, A, y, V0, W0 into {@code dir} (created if needed). */
    public static void exportProblem(Path dir, double[] truth, int n1, int n2, double[] operator, int m, double[] y,
            HostFactors initial, int batch, int k) throws IOException {
        Files.createDirectories(dir);
        Npy.write(dir.resolve(TRUTH), truth, n1, n2);
        Npy.write(dir.resolve(OPERATOR), operator, m, n1 * n2);
        Npy.write(dir.resolve(OBSERVATIONS), y, m);
        exportFactors(dir, V0, W0, initial, batch, n1, n2, k);
    }

    /**
     * Writes a completion problem into {@code dir}: entries (m, 2) as float64 (j, l) (exact integers), U_star,
     * sigma_star, V_star, y, V0, W0. 𝒜(Z)_i = √(n1·n2/m)·Z[j_i, l_i].
     */
    public static void exportCompletion(Path dir, GroundTruth truth, int[] entries, double[] y, HostFactors initial,
            int batch, int k) throws IOException {
        Files.createDirectories(dir);
        int n1 = truth.n1();
        int n2 = truth.n2();
        int m = entries.length;
        double[] jl = new double[2 * m];
        for (int i = 0; i < m; i++) {
            jl[2 * i] = entries[i] / n2;
            jl[2 * i + 1] = entries[i] % n2;
        }
        Npy.write(dir.resolve(ENTRIES), jl, m, 2);
        Npy.write(dir.resolve(TRUTH_LEFT), truth.left(), n1, truth.rank());
        Npy.write(dir.resolve(TRUTH_SIGMA), truth.sigma(), truth.rank());
        Npy.write(dir.resolve(TRUTH_RIGHT), truth.right(), n2, truth.rank());
        Npy.write(dir.resolve(OBSERVATIONS), y, m);
        exportFactors(dir, V0, W0, initial, batch, n1, n2, k);
    }

    /** Writes factors as {@code vName} (B, n1, k) and {@code wName} (B, n2, k). */
    public static void exportFactors(Path dir, String vName, String wName, HostFactors f, int batch, int n1, int n2, int k)
            throws IOException {
        Files.createDirectories(dir);
        Npy.write(dir.resolve(vName), f.v(), batch, n1, k);
        Npy.write(dir.resolve(wName), f.w(), batch, n2, k);
    }
}
