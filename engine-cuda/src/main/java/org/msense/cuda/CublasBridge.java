package org.msense.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jcuda.JCudaVersion;
import jcuda.LibUtils;
import jcuda.jcublas.JCublas2;
import org.msense.core.backend.BackendException;

/**
 * Makes JCublas2 loadable on this host, before anything touches {@link JCublas2}, and says how.
 *
 * <p>JCublas2 12.6.0's JNI library links {@code libcublas.so.12} with versioned symbols. Two cases:
 * <ul>
 *   <li><b>CUDA 12</b> ({@code libcublas.so.12} found): it is loaded from where it was found (so the JNI
 *       library's needed entry is satisfied by its soname) and JCublas2 loads as shipped. Bridge: none.</li>
 *   <li><b>CUDA 13 only</b> ({@code libcublas.so.13} found, no .so.12): the JNI library is taken from the
 *       jcublas-natives jar, retargeted to {@code libcublas.so.13} by {@link ElfNeededPatcher} (the needed
 *       name and the version requirement, with its ELF hash), written to a cache directory under the exact
 *       file name JCuda's {@code LibUtils} uses, and loaded; cuBLAS 13 (and cuBLAS Lt next to it) are
 *       loaded first from their directory. JCublas2 is then initialized with {@code java.io.tmpdir}
 *       pointing at that cache directory for the duration of the call, so {@code LibUtils} finds the
 *       patched file (already loaded: the JVM does not load a path twice) instead of extracting the stock
 *       one. Bridge: so.12→so.13 patch.</li>
 * </ul>
 *
 * <p>Where cuBLAS is looked for, in order: {@code MSENSE_CUBLAS_PATH} (a directory, or the library file
 * itself), {@code LD_LIBRARY_PATH}, {@code CUDA_HOME}/{@code CUDA_PATH}, {@code /usr/local/cuda*}
 * ({@code lib64} and {@code targets/x86_64-linux/lib}), the system library directories, and the NVIDIA
 * Python wheels ({@code site-packages/nvidia/cu13/lib}, {@code site-packages/nvidia/cublas/lib}) of the
 * active virtual or conda environment, of the environments whose {@code bin} is on {@code PATH}, and of the
 * system Pythons. The patched library is cached in
 * {@code MSENSE_CACHE_DIR}, else {@code ~/.cache/msense}, else the temporary directory.
 *
 * <p>When neither is found there, JCublas2 is loaded as shipped in case the dynamic loader's own search
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

    /** The resource path of JCublas2's JNI library in the jcublas-natives jar (no leading slash). */
    static String jniResourceName() {
        return "lib/" + LibUtils.createLibraryFileName(jniLibraryName());
    }

    /** JCublas2's platform library name, e.g. {@code JCublas2-12.6.0-linux-x86_64}. */
    static String jniLibraryName() {
        return LibUtils.createPlatformLibraryName("JCublas2-" + JCudaVersion.get());
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
        Optional<Path> v12 = find(CUBLAS_12, dirs);
        if (v12.isPresent()) {
            preload(v12.get(), "libcublasLt.so.12");
            JCublas2.initialize();
            return new Outcome("none (" + CUBLAS_12 + ")", v12.get());
        }
        Optional<Path> v13 = find(CUBLAS_13, dirs);
        if (v13.isEmpty()) {
            // Last chance: the dynamic loader's own search (ldconfig cache, RUNPATH) may know libcublas.so.12.
            try {
                JCublas2.initialize();
                return new Outcome("none (" + CUBLAS_12 + " from the loader's search path)", Path.of(CUBLAS_12));
            } catch (LinkageError e) {
                throw new BackendException("no cuBLAS found: neither " + CUBLAS_12 + " nor " + CUBLAS_13 + " in "
                        + dirs.size() + " places searched (set MSENSE_CUBLAS_PATH to the directory holding libcublas.so.*)", e);
            }
        }
        preload(v13.get(), "libcublasLt.so.13");
        byte[] stock;
        try (InputStream in = CublasBridge.class.getClassLoader().getResourceAsStream(jniResourceName())) {
            if (in == null) {
                throw new BackendException("the JCublas2 JNI library " + jniResourceName()
                        + " is not on the class path (the jcublas-natives jar for linux-x86_64 is missing)");
            }
            stock = in.readAllBytes();
        }
        ElfNeededPatcher.Result patched = ElfNeededPatcher.patch(stock, CUBLAS_12, CUBLAS_13);
        if (patched.neededRewritten() != 1 || patched.versionNamesRewritten() < 1) {
            throw new BackendException("the JCublas2 JNI library does not link " + CUBLAS_12
                    + " as expected; cannot retarget it to " + CUBLAS_13);
        }
        Path dir = cacheDirectory(env).resolve("cublas-bridge-" + sha256(patched.image()).substring(0, 16));
        Files.createDirectories(dir);
        Path lib = dir.resolve(LibUtils.createLibraryFileName(jniLibraryName()));
        if (!Files.exists(lib) || !java.util.Arrays.equals(Files.readAllBytes(lib), patched.image())) {
            Path tmp = Files.createTempFile(dir, "jcublas2", ".part");
            try {
                Files.write(tmp, patched.image());
                Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp); // only left when the write or the move failed
            }
        }
        System.load(lib.toAbsolutePath().toString());
        String previous = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", dir.toAbsolutePath().toString());
        try {
            JCublas2.initialize();
        } finally {
            System.setProperty("java.io.tmpdir", previous);
        }
        return new Outcome("so.12→so.13 patch (" + lib + ")", v13.get());
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
        List<Path> pythonRoots = new ArrayList<>();
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                pythonRoots.add(Path.of(v, "lib"));
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
                    pythonRoots.add(bin.getParent().resolve("lib"));
                }
            }
        }
        String home = System.getProperty("user.home");
        if (home != null) {
            pythonRoots.add(Path.of(home, ".local", "lib"));
        }
        pythonRoots.add(Path.of("/usr/local/lib"));
        pythonRoots.add(Path.of("/usr/lib"));
        pythonRoots.add(Path.of("/opt/conda/lib"));
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

    private static Path cacheDirectory(Map<String, String> env) {
        String explicit = env.get("MSENSE_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit.strip());
        }
        String home = System.getProperty("user.home");
        if (home != null && Files.isWritable(Path.of(home))) {
            return Path.of(home, ".cache", "msense");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "msense-" + System.getProperty("user.name", "user"));
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
