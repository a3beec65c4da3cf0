package org.msense.cpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The fused sensing pass for one trajectory (B = 1) in C ({@code native/cpu/sensing_pass.c}), called through JNI:
 * for rows [from, to) of the row-major m×N operator it writes res[i] = ⟨A_i, x⟩ − y[i] and adds Σ_i res[i]·A_i into
 * acc, like {@link VectorSensingPass#rowMajor} for an fp64 operator: the same blocks of eight rows and every sum in
 * the same order, fixed by the row and column indices (so the results do not depend on the thread count, and where
 * the Java pass runs 512-bit vectors the two give the same bits), but about a fifth faster on two cores
 * (docs/benchmarks.md, issue 17, fourth round). An fp32-stored operator stays on the Java pass: the same code in C
 * was no faster there.
 *
 * <p>The library ships inside this jar ({@value #RESOURCE}, built by {@code native/cpu/build.sh} for Linux x86-64 with
 * AVX2 and FMA, and with AVX-512 where the processor has it) and is copied to a temporary file and loaded the first
 * time this class is used. Where it cannot run (another system or processor, the library missing, or
 * {@code -Dmsense.cpu.native=false}) {@link #available()} is false and {@link #status()} says why; the engine then
 * runs the Java pass and names it in its properties and the run summary.
 */
final class NativeSensingPass {
    /** Where the library lies in the jar. */
    static final String RESOURCE = "/org/msense/cpu/native/linux-x86_64/libmsense_cpu.so";
    /** System property that turns the native pass off ({@code false}). */
    static final String PROPERTY = "msense.cpu.native";

    /** The instruction set the library runs: 2 AVX-512, 1 AVX2 and FMA, 0 not loaded. */
    private static final int LEVEL;
    private static final String STATUS;

    static {
        int level = 0;
        String status;
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            status = "turned off with -D" + PROPERTY + "=false";
        } else if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            status = "no native pass for " + os + "/" + arch + " (it is built for Linux x86-64)";
        } else {
            try (InputStream in = NativeSensingPass.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    status = "the native library is not in this build (native/cpu/build.sh builds it)";
                } else {
                    Path file = Files.createTempFile("msense-cpu-", ".so");
                    file.toFile().deleteOnExit();
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                    System.load(file.toString());
                    level = isa();
                    status = level == 2 ? "native C, AVX-512" : level == 1 ? "native C, AVX2"
                            : "the processor has no AVX2 and FMA, which the native pass needs";
                }
            } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
                status = "the native library could not be loaded: " + e.getMessage();
                level = 0;
            }
        }
        LEVEL = level;
        STATUS = status;
    }

    private NativeSensingPass() {
    }

    /** Whether the native pass can run here. */
    static boolean available() {
        return LEVEL > 0;
    }

    /** "native C, AVX-512" or "native C, AVX2" when available, else why not. */
    static String status() {
        return STATUS;
    }

    /** The instruction-set level in use (2 AVX-512, 1 AVX2), 0 when not available. */
    static int level() {
        return LEVEL;
    }

    /**
     * Rows [from, to): res[i] = ⟨A_i, x⟩ − y[i], acc += Σ_i res[i]·A_i (A row-major with n columns). Modifies res and
     * acc. Needs {@link #available()}; throws IllegalStateException when the JVM cannot give the C code direct access
     * to the arrays (then nothing was computed).
     */
    static void rowMajor(double[] a, int n, int from, int to, double[] x, double[] y, double[] res, double[] acc) {
        rowMajor(LEVEL, a, n, from, to, x, y, res, acc);
    }

    /** As {@link #rowMajor(double[], int, int, int, double[], double[], double[], double[])} at a chosen level ≤ {@link #level()}. */
    static void rowMajor(int level, double[] a, int n, int from, int to, double[] x, double[] y, double[] res, double[] acc) {
        check(level, a.length, n, from, to, x.length, y.length, res.length, acc.length);
        int status = rowMajor64(level, a, n, from, to, x, y, res, acc);
        if (status != 0) {
            throw new IllegalStateException(status == 1
                    ? "native pass: the JVM gave no direct access to the arrays (out of memory?); nothing was computed"
                    : "native pass: the library has no level " + level);
        }
    }

    /** The bounds the C code relies on (it checks none): a violation would corrupt the heap, so it is refused here. */
    private static void check(int level, long aLength, int n, int from, int to, int x, int y, int res, int acc) {
        if (level < 1 || level > LEVEL) {
            throw new IllegalStateException("native pass level " + level + " is not available here (" + STATUS + ")");
        }
        if (n < 1 || from < 0 || to < from || (long) to * n > aLength || x < n || acc < n || y < to || res < to) {
            throw new IllegalArgumentException("native pass: rows [" + from + ", " + to + ") of an operator of " + aLength
                    + " entries with " + n + " columns, x of " + x + ", y of " + y + ", res of " + res + ", acc of " + acc);
        }
    }

    private static native int isa();

    /** 0: done; 1: the arrays could not be pinned, nothing computed; 2: no such level in the library. */
    private static native int rowMajor64(int level, double[] a, int n, int from, int to, double[] x, double[] y,
            double[] res, double[] acc);
}
