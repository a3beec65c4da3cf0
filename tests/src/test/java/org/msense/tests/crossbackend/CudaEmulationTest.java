package org.msense.tests.crossbackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java side of the CUDA engine, end to end, without a GPU: host stand-ins for {@code libcuda.so.1} and
 * {@code libcublas.so.13} (test resources in standin/, built here with g++ and gcc; the driver stand-in
 * compiles the engine's real kernel source native/src/msense_kernels.cu through the CUDA-on-CPU shim
 * cuda_host_shim.h, so every launch runs the device code itself, blocks as fibers with real barriers and a
 * cooperative launch as concurrent OS threads; the cuBLAS stand-in computes GEMMs with the column-major BLAS
 * semantics) are put in a child JVM's environment, which then
 * runs the CUDA contract suite, the CUDA-vs-CPU primitive tests and the cross-backend trajectory tests.
 * The backend goes through its real probe (JCuda's driver library, the cuBLAS bridge with the ELF patch,
 * the module load, the self-test) and every call marshals its arguments through JCuda and JCublas2 as on
 * a GPU. What this cannot check is what only the hardware does: warp-level timing, memory ordering weaker than
 * the host's, and speed; nvcc compiles the same source for the GPU (KernelManifestTest).
 *
 * <p>Skipped where gcc or readelf is missing, or where a real NVIDIA driver is installed ({@code libcuda.so.1}
 * in one of {@link #DRIVER_DIRECTORIES}): there the GPU runs the real suites. A cuBLAS 12 on the host does not
 * matter: {@code MSENSE_CUBLAS_PATH} names the stand-in, and an explicit cuBLAS wins over any other.
 */
class CudaEmulationTest {

    static Path onPath(String tool) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, tool))) {
                return Path.of(p, tool);
            }
        }
        return null;
    }

    static String exec(List<String> cmd, Map<String, String> env, boolean mustSucceed)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (env != null) {
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(540, TimeUnit.SECONDS), "timed out: " + cmd);
        if (mustSucceed) {
            assertEquals(0, p.exitValue(), cmd + " failed:\n" + out);
        }
        return out + "\nexit=" + p.exitValue();
    }

    /** Names of the functions a JNI library imports that start with {@code prefix} (versions stripped). */
    static TreeSet<String> imports(Path readelf, Path dir, String resource, String prefix) throws Exception {
        Path lib = dir.resolve("imports.so");
        try (InputStream in = CudaEmulationTest.class.getClassLoader().getResourceAsStream(resource)) {
            Files.write(lib, in.readAllBytes());
        }
        TreeSet<String> names = new TreeSet<>();
        for (String line : exec(List.of(readelf.toString(), "--dyn-syms", "-W", lib.toString()), null, true).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[6].equals("UND") && f[7].startsWith(prefix)) {
                names.add(f[7].contains("@") ? f[7].substring(0, f[7].indexOf('@')) : f[7]);
            }
        }
        Files.delete(lib);
        return names;
    }

    /** The text of a stand-in source (test resource standin/NAME). */
    static String standin(String resource) throws IOException {
        try (InputStream in = CudaEmulationTest.class.getResourceAsStream("/standin/" + resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Copies a stand-in source and appends a failing stub for every other imported function ({@code linkage} is
     * what precedes each stub: "" for C, {@code extern "C" } for C++).
     */
    private static Path source(Path dir, String resource, TreeSet<String> imported, String linkage) throws IOException {
        String c = standin(resource);
        StringBuilder sb = new StringBuilder(c).append("\n/* stubs: never called by the engine */\n");
        for (String n : imported) {
            if (!c.contains(" " + n + "(")) {
                sb.append(linkage).append("int ").append(n).append("(void) { return 999; }\n");
            }
        }
        Path file = dir.resolve(resource);
        Files.writeString(file, sb);
        return file;
    }

    /** Where an installed NVIDIA driver puts {@code libcuda.so.1}. */
    static final List<Path> DRIVER_DIRECTORIES = List.of(Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/lib64"),
            Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/local/nvidia/lib64"));

    /** Whether one of {@code dirs} holds a {@code libcuda.so.1}. */
    static boolean driverIn(List<Path> dirs) {
        return dirs.stream().anyMatch(d -> Files.exists(d.resolve("libcuda.so.1")));
    }

    /** Whether a real NVIDIA driver is installed here. */
    static boolean realDriverPresent() {
        return driverIn(DRIVER_DIRECTORIES);
    }

    /** The JNI library resource of JCuda's library {@code base} (JCudaDriver, JCublas2). */
    static String jniResource(String base) {
        return "lib/" + jcuda.LibUtils.createLibraryFileName(
                jcuda.LibUtils.createPlatformLibraryName(base + "-" + jcuda.JCudaVersion.get()));
    }

    /** Where the sources of the kernels' generator are: the source tree, or the offline bundle's copy. */
    static Path nativeSources() {
        Path nativeSrc = Path.of(System.getProperty("user.dir")).resolve("../native/src").normalize();
        String home = System.getProperty("msense.home"); // set by the offline bundle, which ships native/src
        if (!Files.exists(nativeSrc.resolve("msense_rng.h")) && home != null) {
            nativeSrc = Path.of(home, "native", "src");
        }
        assertTrue(Files.exists(nativeSrc.resolve("msense_rng.h")), "native/src not found at " + nativeSrc);
        return nativeSrc;
    }

    /** The extern "C" __global__ functions of a CUDA source, in order. */
    static List<String> kernelNames(String source) {
        List<String> names = new ArrayList<>();
        Matcher global = Pattern.compile("extern\\s+\"C\"\\s+__global__").matcher(source);
        Pattern name = Pattern.compile("\\b(msense_\\w+)\\s*\\(");
        while (global.find()) {
            Matcher n = name.matcher(source);
            assertTrue(n.find(global.end()), "no kernel name after " + global.group() + " at " + global.end());
            names.add(n.group(1));
        }
        return names;
    }

    /**
     * Builds the stand-in driver and cuBLAS in {@code dir} and returns the environment that makes a child JVM
     * use them (with its native-library cache in {@code dir/cache}).
     */
    static Map<String, String> buildEmulation(Path dir, Path gcc, Path readelf) throws Exception {
        Path nativeSrc = nativeSources();
        Path driver = Files.createDirectories(dir.resolve("driver"));
        Path cublas = Files.createDirectories(dir.resolve("cublas"));
        // The driver stand-in compiles the real kernel sources through the CUDA-on-CPU shim; kernels.inc names them.
        StringBuilder table = new StringBuilder();
        for (String k : kernelNames(Files.readString(nativeSrc.resolve("msense_kernels.cu")))) {
            table.append("MSENSE_EMU_KERNEL(").append(k).append(")\n");
        }
        Files.writeString(dir.resolve("kernels.inc"), table);
        Files.writeString(dir.resolve("cuda_host_shim.h"), standin("cuda_host_shim.h"));
        Path gxx = gcc.resolveSibling("g++");
        exec(List.of(gxx.toString(), "-std=c++17", "-shared", "-fPIC", "-pthread", "-O2", "-ffp-contract=off", "-I",
                nativeSrc.toString(), "-I", dir.toString(), "-o", driver.resolve("libcuda.so.1").toString(),
                "-Wl,-soname,libcuda.so.1", source(dir, "cuda_emulator.cpp", imports(readelf, dir, jniResource("JCudaDriver"),
                "cu"), "extern \"C\" ").toString()), null, true);
        Path map = dir.resolve("cublas.map");
        Files.writeString(map, "libcublas.so.13 { global: *; };\n");
        exec(List.of(gcc.toString(), "-shared", "-fPIC", "-O1", "-ffp-contract=off", "-o",
                cublas.resolve("libcublas.so.13").toString(), "-Wl,-soname,libcublas.so.13",
                "-Wl,--version-script=" + map, source(dir, "cublas_emulator.c", imports(readelf, dir, jniResource("JCublas2"),
                "cublas"), "").toString()), null, true);
        return Map.of("LD_LIBRARY_PATH", driver.toString(), "MSENSE_CUBLAS_PATH", cublas.toString(),
                "MSENSE_CACHE_DIR", dir.resolve("cache").toString());
    }

    /**
     * Runs CUDA test classes (by name, in a child JVM of 1 GiB with the Vector API module) on the host emulation built
     * in {@code dir}, and asserts that the backend was available there, that every case passed and that at least
     * {@code minimumPassed} cases ran; returns the child's output. Skips the calling test where gcc, g++ or readelf is
     * missing, or where a real NVIDIA driver is installed (there the GPU runs the classes themselves).
     */
    static String assertPassOnEmulation(Path dir, int minimumPassed, String... testClasses) throws Exception {
        Path gcc = onPath("gcc");
        Path readelf = onPath("readelf");
        Assumptions.assumeTrue(gcc != null && readelf != null && Files.isExecutable(gcc.resolveSibling("g++")),
                "gcc, g++ and readelf are needed to build the stand-ins");
        Assumptions.assumeFalse(realDriverPresent(),
                "a real NVIDIA driver is installed here; the GPU runs " + String.join(", ", testClasses) + " itself");
        Map<String, String> env = buildEmulation(dir, gcc, readelf);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                EmulatedCudaMain.class.getName()));
        cmd.addAll(List.of(testClasses));
        String out = exec(cmd, env, false);
        System.out.println(out);
        assertTrue(out.contains("probe: true"), "the backend must be available on the emulation:\n" + out);
        assertTrue(out.contains("exit=0") && !out.contains("FAIL "), "every case must pass on the emulation:\n" + out);
        long passed = out.lines().filter(l -> l.startsWith("PASS ")).count();
        assertTrue(passed >= minimumPassed, "only " + passed + " cases ran:\n" + out);
        return out;
    }

    @Test
    void theCudaTestSuitesPassOnTheHostEmulation(@TempDir Path dir) throws Exception {
        Path gcc = onPath("gcc");
        Path readelf = onPath("readelf");
        Assumptions.assumeTrue(gcc != null && readelf != null && Files.isExecutable(gcc.resolveSibling("g++")),
                "gcc, g++ and readelf are needed to build the stand-ins");
        Assumptions.assumeFalse(realDriverPresent(), "a real NVIDIA driver is installed here; the GPU runs the real suites");
        Map<String, String> env = buildEmulation(dir, gcc, readelf);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-cp", System.getProperty("java.class.path"), EmulatedCudaMain.class.getName(),
                "org.msense.tests.contract.CudaBackendContractTest", CudaPrimitivesTest.class.getName(),
                CudaCrossBackendTest.class.getName(), CudaRunCliTest.class.getName()));
        String out = exec(cmd, env, false);
        System.out.println(out);
        assertTrue(out.contains("probe: true"), "the backend must be available on the emulation:\n" + out);
        assertTrue(out.contains("bridge=so.12→so.13 patch"), out);
        assertTrue(out.contains("self-test=passed"), out);
        assertTrue(out.contains("first open: opened by the availability probe and reused; second open: opened for this run"),
                "the probe's engine must serve the first open (one self-test, one cuBLAS handle under auto):\n" + out);
        assertTrue(out.contains("fp32 ") && out.contains("residual and adjoint (fused pass)"), "the self-test covers fp32 and"
                + " the fused pass:\n" + out);
        assertTrue(out.contains("exit=0") && !out.contains("FAIL "), "every CUDA test must pass on the emulation:\n" + out);
        long passed = out.lines().filter(l -> l.startsWith("PASS ")).count();
        assertTrue(passed >= 37, "only " + passed + " cases ran:\n" + out);
    }
}
