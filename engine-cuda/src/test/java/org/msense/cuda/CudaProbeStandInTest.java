package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * loading, the exception translation and each refusal: no device, a driver older than CUDA 13.0, a GPU
 * older than compute capability 8.0, and a device that passes those checks but cannot open (no cuBLAS
 * here, or the stand-in's context calls failing). Without a stand-in (this machine's own state) the reason
 * is the missing driver.
 *
 * <p>Skipped where gcc or readelf is missing, or where a real NVIDIA driver is installed (the stand-in must
 * not shadow it for other tests: it only lives in the child JVM's environment anyway).
 */
class CudaProbeStandInTest {

    private static final String C_HEAD = """
            #include <stdlib.h>
            #include <string.h>
            static const char *mode(void) { const char *m = getenv("STANDIN_CUDA"); return m ? m : "ok"; }
            int cuInit(unsigned int flags) { return strcmp(mode(), "nodevice") == 0 ? 100 : 0; }
            int cuDriverGetVersion(int *v) { *v = strcmp(mode(), "olddriver") == 0 ? 12040 : 13000; return 0; }
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

    private static String probe(Map<String, String> env) throws IOException, InterruptedException {
        return NativeTools.childJvm(ProbeMain.class, env);
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
        "olddriver | the driver supports CUDA 12.4 but the kernels need CUDA 13.0 (driver ≥ 580)",
        "oldgpu    | device 0 (Stand-in GPU) has compute capability 7.5; the kernels need ≥ 8.0",
    })
    void eachRefusalHasItsReason(String mode, String reason, @TempDir Path dir) throws Exception {
        Path gcc = NativeTools.onPath("gcc");
        Path readelf = NativeTools.onPath("readelf");
        Assumptions.assumeTrue(gcc != null && readelf != null, "gcc and readelf are needed to build the stand-in driver");
        Assumptions.assumeFalse(realDriverPresent(), "a real NVIDIA driver is installed here");
        Path lib = buildStandIn(dir, gcc, readelf);
        String out = probe(Map.of("LD_LIBRARY_PATH", lib.toString(), "STANDIN_CUDA", mode));
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("reason=" + reason), out);
        assertTrue(out.contains("again=true"), "the answer must be cached:\n" + out);
    }

    @Test
    void aDeviceThatPassesTheChecksStillNeedsCublas(@TempDir Path dir) throws Exception {
        Path gcc = NativeTools.onPath("gcc");
        Path readelf = NativeTools.onPath("readelf");
        Assumptions.assumeTrue(gcc != null && readelf != null, "gcc and readelf are needed to build the stand-in driver");
        Assumptions.assumeFalse(realDriverPresent(), "a real NVIDIA driver is installed here");
        Path lib = buildStandIn(dir, gcc, readelf);
        Path empty = Files.createDirectories(dir.resolve("no-cublas"));
        Map<String, String> env = Map.of("LD_LIBRARY_PATH", lib.toString(), "STANDIN_CUDA", "ok",
                "MSENSE_CUBLAS_PATH", empty.toString());
        Assumptions.assumeTrue(CublasBridge.searchDirectories(env).stream().noneMatch(
                d -> Files.exists(d.resolve(CublasBridge.CUBLAS_12)) || Files.exists(d.resolve(CublasBridge.CUBLAS_13))),
                "a real cuBLAS is installed here");
        String out = probe(env);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("device=Stand-in GPU, compute capability 9.0, 81920 MiB"), out);
        assertTrue(out.contains("driver=13.0"), out);
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
        Path gcc = NativeTools.onPath("gcc");
        Path readelf = NativeTools.onPath("readelf");
        Assumptions.assumeTrue(gcc != null && readelf != null, "gcc and readelf are needed to build the stand-ins");
        Assumptions.assumeFalse(realDriverPresent(), "a real NVIDIA driver is installed here");
        Path lib = buildStandIn(dir, gcc, readelf);
        Path cublas = Files.createDirectories(dir.resolve("cublas"));
        CublasBridgeLoadTest.buildStandIn(cublas);
        Map<String, String> env = Map.of("LD_LIBRARY_PATH", lib.toString(), "STANDIN_CUDA", "ok",
                "MSENSE_CUBLAS_PATH", cublas.toString(), "MSENSE_CACHE_DIR", dir.resolve("cache").toString());
        Assumptions.assumeTrue(CublasBridge.find(CublasBridge.CUBLAS_12, CublasBridge.searchDirectories(env)).isEmpty(),
                "a real libcublas.so.12 is installed here");
        String out = probe(env);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("bridge=so.12→so.13 patch"), out);
        assertTrue(out.contains("cublas=cuBLAS 13.99.7"), out);
        assertTrue(out.contains("reason=the cuda backend could not open device 0: CUDA_ERROR_UNKNOWN"), out);
    }

    @Test
    void withoutADriverTheReasonSaysSo() throws Exception {
        Assumptions.assumeFalse(realDriverPresent(), "a real NVIDIA driver is installed here");
        String out = probe(Map.of());
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("reason=no CUDA driver (libcuda.so.1 not found)"), out);
    }
}
