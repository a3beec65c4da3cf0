package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The probe's decisions, without a GPU: a stand-in {@code libcuda.so.1} is built with gcc (every driver
 * function JCuda's JNI library imports; the few the probe calls answer as the environment variable
 * {@code STANDIN_CUDA} says, everything else returns CUDA_ERROR_UNKNOWN), and a child JVM, with the
 * stand-in first on {@code LD_LIBRARY_PATH}, prints the probe's answer. This exercises JCuda's driver
 * loading, the exception translation and each refusal: no device, a driver older than CUDA 12.0, a CUDA 12 driver (which gets the CUDA 12 image), a GPU
 * older than compute capability 8.0, and a device that passes those checks but cannot open (no cuBLAS
 * here, or the stand-in's context calls failing), and a driver that hangs in {@code cuInit}. Without a
 * stand-in (this machine's own state) the reason is the missing driver. Two more cases plant truncated
 * copies of JCuda's JNI libraries where JCuda's own loader would take them ({@code java.io.tmpdir}), which
 * used to crash the JVM with SIGBUS: the probe must load its verified copies instead and answer as usual.
 *
 * <p>Skipped where gcc or readelf is missing, or where a real NVIDIA driver is installed (the stand-in must
 * not shadow it for other tests: it only lives in the child JVM's environment anyway).
 */
class CudaProbeStandInTest {

    private static final String C_HEAD = """
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            static const char *mode(void) { const char *m = getenv("STANDIN_CUDA"); return m ? m : "ok"; }
            int cuInit(unsigned int flags) {
                if (strcmp(mode(), "hang") == 0) sleep(600); /* a wedged GPU */
                return strcmp(mode(), "nodevice") == 0 ? 100 : 0;
            }
            int cuDriverGetVersion(int *v) { *v = strcmp(mode(), "olddriver") == 0 ? 11080 : strcmp(mode(), "cuda12") == 0 ? 12040 : 13000; return 0; }
            int cuDeviceGetCount(int *n) { *n = strcmp(mode(), "zero") == 0 ? 0 : 1; return 0; }
            int cuDeviceGet(int *d, int ordinal) { *d = ordinal; return 0; }
            int cuDeviceGetName(char *name, int len, int dev) { strncpy(name, "Stand-in GPU", len); return 0; }
            int cuDeviceGetAttribute(int *v, int attribute, int dev) {
                int old = strcmp(mode(), "oldgpu") == 0;
                *v = attribute == 75 ? (old ? 7 : 9) : attribute == 76 ? (old ? 5 : 0) : 0;
                return 0;
            }
            int cuDeviceTotalMem_v2(unsigned long *bytes, int dev) { *bytes = 80UL << 30; return 0; }
            """;

    private static Path buildStandIn(Path dir, Path gcc, Path readelf) throws IOException, InterruptedException {
        Path jni = dir.resolve("jni.so");
        String resource = "lib/" + jcuda.LibUtils.createLibraryFileName(jcuda.LibUtils.createPlatformLibraryName(
                "JCudaDriver-" + jcuda.JCudaVersion.get()));
        try (InputStream in = CudaProbeStandInTest.class.getClassLoader().getResourceAsStream(resource)) {
            Files.write(jni, in.readAllBytes());
        }
        TreeSet<String> names = new TreeSet<>();
        for (String sym : NativeTools.importedSymbols(readelf, jni)) {
            if (sym.startsWith("cu")) {
                names.add(sym.contains("@") ? sym.substring(0, sym.indexOf('@')) : sym);
            }
        }
        StringBuilder c = new StringBuilder(C_HEAD);
        for (String n : names) {
            if (!C_HEAD.contains(" " + n + "(")) {
                c.append("int ").append(n).append("(void) { return 999; }\n");
            }
        }
        Path lib = Files.createDirectories(dir.resolve("driver"));
        Files.writeString(dir.resolve("standin.c"), c);
        NativeTools.exec(List.of(gcc.toString(), "-shared", "-fPIC", "-o", lib.resolve("libcuda.so.1").toString(),
                "-Wl,-soname,libcuda.so.1", dir.resolve("standin.c").toString()), null);
        Files.delete(jni);
        return lib;
    }

    /** The probe's answer in a child JVM; the native-library cache goes to {@code dir/cache} unless env names one. */
    private static String probe(Map<String, String> env, Path dir, String... jvmOptions) throws IOException, InterruptedException {
        Map<String, String> e = new HashMap<>(env);
        e.putIfAbsent("MSENSE_CACHE_DIR", dir.resolve("cache").toString());
        return NativeTools.childJvm(List.of(jvmOptions), ProbeMain.class, e);
    }

    /** Writes the first 4 KiB of JCuda's library {@code base} into {@code tmp} under the name JCuda's loader uses. */
    static Path plantTruncated(Path tmp, String base) throws IOException {
        byte[] stock = JCudaNatives.stockImage(base);
        Path planted = tmp.resolve(JCudaNatives.fileName(base));
        Files.write(planted, Arrays.copyOf(stock, 4096));
        return planted;
    }

    private static boolean realDriverPresent() {
        for (String d : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/local/nvidia/lib64")) {
            if (Files.exists(Path.of(d, "libcuda.so.1"))) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nodevice  | CUDA error: CUDA_ERROR_NO_DEVICE",
        "zero      | no CUDA device (the driver reports none)",
        "olddriver | the driver supports CUDA 11.8 but the kernels need CUDA ≥ 12.0 (driver ≥ 525)",
        "oldgpu    | device 0 (Stand-in GPU) has compute capability 7.5; the kernels need ≥ 8.0",
    })
    void eachRefusalHasItsReason(String mode, String reason, @TempDir Path dir) throws Exception {
        Path lib = standInDriver(dir);
        String out = probe(Map.of("LD_LIBRARY_PATH", lib.toString(), "STANDIN_CUDA", mode), dir);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("reason=" + reason), out);
        assertTrue(out.contains("again=true"), "the answer must be cached:\n" + out);
    }

    @Test
    void aDeviceThatPassesTheChecksStillNeedsCublas(@TempDir Path dir) throws Exception {
        Path lib = standInDriver(dir);
        Path empty = Files.createDirectories(dir.resolve("no-cublas"));
        Map<String, String> env = Map.of("LD_LIBRARY_PATH", lib.toString(), "STANDIN_CUDA", "ok",
                "MSENSE_CUBLAS_PATH", empty.toString());
        String out = probe(env, dir);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("device=Stand-in GPU, compute capability 9.0, 81920 MiB"), out);
        assertTrue(out.contains("driver=13.0"), out);
        assertTrue(out.contains("reason=no cuBLAS found"), out);
    }

    /** A CUDA 12.4 driver passes the driver check and gets the NVRTC-12 cubin for its compute capability 9.0. */
    @Test
    void aCuda12DriverGetsTheCuda12Image(@TempDir Path dir) throws Exception {
        Path lib = standInDriver(dir);
        Path empty = Files.createDirectories(dir.resolve("no-cublas"));
        String out = probe(Map.of("LD_LIBRARY_PATH", lib.toString(), "STANDIN_CUDA", "cuda12",
                "MSENSE_CUBLAS_PATH", empty.toString()), dir);
        assertTrue(out.contains("driver=12.4"), out);
        assertTrue(out.contains("kernels=NVRTC 12.1 cubin sm_90 (CUDA 12 driver)"), out);
        assertTrue(out.contains("kernel rule=" + KernelImage.RULE), out);
        assertTrue(out.contains("reason=no cuBLAS found"), out);
    }

    /**
     * With the stand-in cuBLAS of {@link CublasBridgeLoadTest} as well, the probe gets as far as opening an
     * engine; the stand-in driver fails cuDevicePrimaryCtxRetain, and the engine must turn that into a
     * reason (after releasing what it had acquired) rather than throw.
     */
    @Test
    void anEngineThatCannotOpenMakesTheBackendUnavailableWithTheCudaError(@TempDir Path dir) throws Exception {
        CublasBridgeLoadTest.tools();
        Path lib = standInDriver(dir);
        Path cublas = Files.createDirectories(dir.resolve("cublas"));
        CublasBridgeLoadTest.buildStandIn(cublas);
        Map<String, String> env = Map.of("LD_LIBRARY_PATH", lib.toString(), "STANDIN_CUDA", "ok",
                "MSENSE_CUBLAS_PATH", cublas.toString(), "MSENSE_CACHE_DIR", dir.resolve("cache").toString());
        Assumptions.assumeTrue(CublasBridge.find(CublasBridge.CUBLAS_12, CublasBridge.searchDirectories(env)).isEmpty(),
                "a real libcublas.so.12 is installed here");
        String out = probe(env, dir);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("bridge=so.12→so.13 patch"), out);
        assertTrue(out.contains("cublas=cuBLAS 13.99.7"), out);
        assertTrue(out.contains("reason=the cuda backend could not open device 0: CUDA_ERROR_UNKNOWN"), out);
    }

    @Test
    void withoutADriverTheReasonSaysSo(@TempDir Path dir) throws Exception {
        Assumptions.assumeFalse(realDriverPresent(), "a real NVIDIA driver is installed here");
        String out = probe(Map.of(), dir);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("reason=no CUDA driver (libcuda.so.1 not found)"), out);
    }

    /**
     * Truncated JCuda libraries where JCuda's loader looks ({@code java.io.tmpdir}), no driver: the probe says
     * why CUDA is unavailable (the child JVM exits 0; it used to die with SIGBUS), leaves the planted files
     * alone, and loads nothing from there.
     */
    @Test
    void aTruncatedJCudaLibraryInTheTemporaryDirectoryIsNeverLoaded(@TempDir Path dir) throws Exception {
        Assumptions.assumeFalse(realDriverPresent(), "a real NVIDIA driver is installed here");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path driver = plantTruncated(tmp, JCudaNatives.DRIVER);
        Path cublas = plantTruncated(tmp, JCudaNatives.CUBLAS2);
        String out = probe(Map.of(), dir, "-Djava.io.tmpdir=" + tmp);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("reason=no CUDA driver (libcuda.so.1 not found)"), out);
        assertEquals(4096, Files.size(driver));
        assertEquals(4096, Files.size(cublas));
        try (var files = Files.list(dir.resolve("cache/jni"))) {
            Path cached = files.findFirst().orElseThrow().resolve(JCudaNatives.fileName(JCudaNatives.DRIVER));
            assertEquals(JCudaNatives.stockImage(JCudaNatives.DRIVER).length, Files.size(cached),
                    "the verified copy in the cache is the one tried");
        }
    }

    /**
     * The same planted libraries, with the stand-in driver and cuBLAS 13: both JNI libraries must really load
     * (from the cache, through JCuda's own initialization) for the probe to reach the engine, whose context
     * call the stand-in fails.
     */
    @Test
    void withADriverJCudaAndJCublas2LoadFromTheCacheNotFromTheTemporaryDirectory(@TempDir Path dir) throws Exception {
        CublasBridgeLoadTest.tools();
        Path lib = standInDriver(dir);
        Path cublasDir = Files.createDirectories(dir.resolve("cublas"));
        CublasBridgeLoadTest.buildStandIn(cublasDir);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        plantTruncated(tmp, JCudaNatives.DRIVER);
        plantTruncated(tmp, JCudaNatives.CUBLAS2);
        String out = probe(Map.of("LD_LIBRARY_PATH", lib.toString(), "STANDIN_CUDA", "ok",
                "MSENSE_CUBLAS_PATH", cublasDir.toString()), dir, "-Djava.io.tmpdir=" + tmp);
        assertTrue(out.contains("device=Stand-in GPU"), out);
        assertTrue(out.contains("cublas=cuBLAS 13.99.7"), out);
        assertTrue(out.contains("reason=the cuda backend could not open device 0: CUDA_ERROR_UNKNOWN"), out);
        assertTrue(out.contains("tmpdir=" + tmp), "java.io.tmpdir must be restored:\n" + out);
        try (var files = Files.list(tmp)) {
            assertEquals(2, files.count(), "nothing may be written to the temporary directory");
        }
    }

    /** A driver that never returns from cuInit: the probe gives up after the configured time, and says so. */
    @Test
    void aDriverThatHangsInCuInitMakesTheProbeGiveUp(@TempDir Path dir) throws Exception {
        Path lib = standInDriver(dir);
        long start = System.nanoTime();
        String out = probe(Map.of("LD_LIBRARY_PATH", lib.toString(), "STANDIN_CUDA", "hang",
                CudaProbe.TIMEOUT_VARIABLE, "2"), dir);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("reason=the CUDA probe did not finish within 2 s (stuck initializing the driver (cuInit);"),
                out);
        assertTrue(out.contains("set MSENSE_CUDA_PROBE_TIMEOUT to wait longer"), out);
        assertTrue(out.contains("probe timeout=2 s (MSENSE_CUDA_PROBE_TIMEOUT)"), out);
        assertTrue(out.contains("again=true"), out);
        assertTrue(seconds < 60, "the child JVM must exit, not wait for the hung thread: " + seconds + " s");
    }

    /**
     * Builds the gcc stand-in driver into {@code dir} and returns the folder to put on LD_LIBRARY_PATH; skips the
     * test where gcc or readelf is missing or a real NVIDIA driver is installed.
     */
    private static Path standInDriver(Path dir) throws Exception {
        Path gcc = NativeTools.onPath("gcc");
        Path readelf = NativeTools.onPath("readelf");
        Assumptions.assumeTrue(gcc != null && readelf != null, "gcc and readelf are needed to build the stand-ins");
        Assumptions.assumeFalse(realDriverPresent(), "a real NVIDIA driver is installed here");
        return buildStandIn(dir, gcc, readelf);
    }

}
