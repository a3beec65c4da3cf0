package org.msense.cuda;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jcuda.jcublas.JCublas2;
import org.msense.core.backend.BackendException;

/**
 * Makes JCublas2 loadable on this host, before anything touches {@link JCublas2}, and says how.
 *
 * <p>JCublas2 12.6.0's JNI library links {@code libcublas.so.12} with versioned symbols. Two cases:
 * <ul>
 *   <li><b>CUDA 12</b> ({@code libcublas.so.12} chosen): it is loaded from where it was found (so the JNI
 *       library's needed entry is satisfied by its soname) and JCublas2 loads as shipped. Bridge: none.</li>
 *   <li><b>CUDA 13</b> ({@code libcublas.so.13} chosen): cuBLAS 13 (and cuBLAS Lt next to it) are loaded
 *       first from their directory; the JNI library is taken from the jcublas-natives jar and retargeted to
 *       {@code libcublas.so.13} by {@link ElfNeededPatcher} (the needed name and the version requirement,
 *       with its ELF hash). Bridge: so.12→so.13 patch.</li>
 * </ul>
 * Either way the JNI library (stock or patched) is installed in the private cache of {@link NativeCache}
 * and loaded from there by {@link JCudaNatives}, never from JCuda's fixed file in {@code java.io.tmpdir}.
 *
 * <p>Which cuBLAS ({@link #choose}): the one in {@code MSENSE_CUBLAS_PATH} (a directory, or the library file
 * itself) when that is set, whatever else is installed; otherwise the first {@code libcublas.so.12}, else
 * the first {@code libcublas.so.13}, in this order of places: {@code LD_LIBRARY_PATH},
 * {@code CUDA_HOME}/{@code CUDA_PATH}, {@code /usr/local/cuda*} ({@code lib64} and
 * {@code targets/x86_64-linux/lib}), the system library directories, and the NVIDIA Python wheels
 * ({@code site-packages/nvidia/cu13/lib}, {@code site-packages/nvidia/cublas/lib}, under {@code lib} and
 * {@code lib64}) of the active virtual or conda environment, of the environments whose {@code bin} is on
 * {@code PATH}, and of the system Pythons.
 *
 * <p>When none is found there, JCublas2 is loaded as shipped in case the dynamic loader's own search
 * (ldconfig cache) knows {@code libcublas.so.12}; if that fails too, the answer is "no cuBLAS found".
 *
 * <p>{@link #prepare} runs once per JVM; its outcome (or its failure) is cached.
 */
final class CublasBridge {
    static final String CUBLAS_12 = "libcublas.so.12";
    static final String CUBLAS_13 = "libcublas.so.13";

    /** How cuBLAS was made available. */
    record Outcome(String bridge, Path cublas) {
    }

    private static Outcome outcome;
    private static BackendException failure;

    private CublasBridge() {
    }

    /**
     * Loads cuBLAS and JCublas2 (bridged if needed). Idempotent; a failure is remembered and rethrown.
     *
     * @throws BackendException naming what was missing and where it was looked for
     */
    static synchronized Outcome prepare() {
        if (outcome != null) {
            return outcome;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            outcome = load(System.getenv());
            return outcome;
        } catch (BackendException e) {
            failure = e;
            throw e;
        } catch (IOException | RuntimeException | LinkageError e) {
            failure = new BackendException("cuBLAS could not be loaded: " + firstLine(e), e);
            throw failure;
        }
    }

    private static Outcome load(Map<String, String> env) throws IOException {
        List<Path> dirs = searchDirectories(env);
        Optional<Path> chosen = choose(env, dirs);
        if (chosen.isEmpty()) {
            // Last chance: the dynamic loader's own search (ldconfig cache, RUNPATH) may know libcublas.so.12.
            try {
                JCudaNatives.loadCublas2(JCudaNatives.stockImage(JCudaNatives.CUBLAS2), env);
                return new Outcome("none (" + CUBLAS_12 + " from the loader's search path)", Path.of(CUBLAS_12));
            } catch (LinkageError e) {
                throw new BackendException("no cuBLAS found: neither " + CUBLAS_12 + " nor " + CUBLAS_13 + " in "
                        + dirs.size() + " places searched (set MSENSE_CUBLAS_PATH to the directory holding libcublas.so.*)", e);
            }
        }
        Path cublas = chosen.get();
        if (cublas.getFileName().toString().equals(CUBLAS_12)) {
            preload(cublas, "libcublasLt.so.12");
            JCudaNatives.loadCublas2(JCudaNatives.stockImage(JCudaNatives.CUBLAS2), env);
            return new Outcome("none (" + CUBLAS_12 + ")", cublas);
        }
        preload(cublas, "libcublasLt.so.13");
        ElfNeededPatcher.Result patched = ElfNeededPatcher.patch(JCudaNatives.stockImage(JCudaNatives.CUBLAS2),
                CUBLAS_12, CUBLAS_13);
        if (patched.neededRewritten() != 1 || patched.versionNamesRewritten() < 1) {
            throw new BackendException("the JCublas2 JNI library does not link " + CUBLAS_12
                    + " as expected; cannot retarget it to " + CUBLAS_13);
        }
        Path lib = JCudaNatives.loadCublas2(patched.image(), env);
        return new Outcome("so.12→so.13 patch (" + lib + ")", cublas);
    }

    /**
     * The cuBLAS to load: the one in {@code MSENSE_CUBLAS_PATH} when that is set (so.12 before so.13 there;
     * an explicit choice wins over everything else found), else the first {@code libcublas.so.12} in
     * {@code dirs}, else the first {@code libcublas.so.13}; empty when there is none.
     *
     * @throws BackendException when {@code MSENSE_CUBLAS_PATH} is set but holds neither library
     */
    static Optional<Path> choose(Map<String, String> env, List<Path> dirs) {
        String explicit = env.get("MSENSE_CUBLAS_PATH");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit.strip());
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            if (Files.isRegularFile(p) && (name.equals(CUBLAS_12) || name.equals(CUBLAS_13))) {
                return Optional.of(p);
            }
            Path dir = Files.isRegularFile(p) && p.getParent() != null ? p.getParent() : p;
            Optional<Path> found = find(CUBLAS_12, List.of(dir)).or(() -> find(CUBLAS_13, List.of(dir)));
            if (found.isEmpty()) {
                throw new BackendException("no cuBLAS found in MSENSE_CUBLAS_PATH (" + explicit.strip() + "): neither "
                        + CUBLAS_12 + " nor " + CUBLAS_13 + " there");
            }
            return found;
        }
        return find(CUBLAS_12, dirs).or(() -> find(CUBLAS_13, dirs));
    }

    /** Loads the Lt library next to cuBLAS (if present) and then cuBLAS, by absolute path. */
    private static void preload(Path cublas, String ltName) {
        Path lt = cublas.resolveSibling(ltName);
        if (Files.exists(lt)) {
            System.load(lt.toAbsolutePath().toString());
        }
        System.load(cublas.toAbsolutePath().toString());
    }

    /** The directories searched for cuBLAS, in order, without duplicates; only existing ones. */
    static List<Path> searchDirectories(Map<String, String> env) {
        LinkedHashSet<Path> out = new LinkedHashSet<>();
        String explicit = env.get("MSENSE_CUBLAS_PATH");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit.strip());
            out.add(Files.isRegularFile(p) && p.getParent() != null ? p.getParent() : p);
        }
        for (String var : List.of("LD_LIBRARY_PATH")) {
            String v = env.get(var);
            if (v != null) {
                for (String part : v.split(":")) {
                    if (!part.isBlank()) {
                        out.add(Path.of(part));
                    }
                }
            }
        }
        for (String var : List.of("CUDA_HOME", "CUDA_PATH")) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                out.add(Path.of(v, "lib64"));
                out.add(Path.of(v, "targets", "x86_64-linux", "lib"));
            }
        }
        out.add(Path.of("/usr/local/cuda/lib64"));
        out.add(Path.of("/usr/local/cuda/targets/x86_64-linux/lib"));
        for (Path cuda : listMatching(Path.of("/usr/local"), "cuda-*")) {
            out.add(cuda.resolve("lib64"));
            out.add(cuda.resolve("targets/x86_64-linux/lib"));
        }
        out.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        out.add(Path.of("/usr/lib64"));
        out.add(Path.of("/lib/x86_64-linux-gnu"));
        // Python installation prefixes; wheels live in <prefix>/lib/pythonX.Y or, for platform-specific
        // packages on Red Hat-like systems (pip's "platlib"), <prefix>/lib64/pythonX.Y.
        List<Path> prefixes = new ArrayList<>();
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                prefixes.add(Path.of(v));
                if (var.equals("CONDA_PREFIX")) {
                    out.add(Path.of(v, "lib"));
                }
            }
        }
        // A Python environment that is on PATH but not activated (e.g. a container's /opt/venv/bin): <root>/bin.
        String path = env.get("PATH");
        if (path != null) {
            for (String part : path.split(":")) {
                Path bin = part.isBlank() ? null : Path.of(part);
                if (bin != null && bin.getFileName() != null && bin.getFileName().toString().equals("bin")
                        && bin.getParent() != null) {
                    prefixes.add(bin.getParent());
                }
            }
        }
        String home = System.getProperty("user.home");
        if (home != null) {
            prefixes.add(Path.of(home, ".local"));
        }
        prefixes.add(Path.of("/usr/local"));
        prefixes.add(Path.of("/usr"));
        prefixes.add(Path.of("/opt/conda"));
        List<Path> pythonRoots = new ArrayList<>();
        for (Path prefix : prefixes) {
            pythonRoots.add(prefix.resolve("lib"));
            pythonRoots.add(prefix.resolve("lib64"));
        }
        for (Path root : pythonRoots) {
            for (Path py : listMatching(root, "python3*")) {
                for (String packages : List.of("site-packages", "dist-packages")) {
                    out.add(py.resolve(packages).resolve("nvidia/cu13/lib"));
                    out.add(py.resolve(packages).resolve("nvidia/cublas/lib"));
                }
            }
        }
        return out.stream().filter(Files::isDirectory).toList();
    }

    static Optional<Path> find(String fileName, List<Path> dirs) {
        for (Path d : dirs) {
            Path p = d.resolve(fileName);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static List<Path> listMatching(Path dir, String glob) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            for (Path p : s) {
                found.add(p);
            }
        } catch (IOException | SecurityException e) {
            // An unreadable directory is simply not searched.
        }
        found.sort(null);
        return found;
    }

    static String firstLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        String line = m.strip().lines().findFirst().orElse(m);
        return line;
    }
}
