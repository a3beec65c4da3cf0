package org.msense.tests.crossbackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msense.cli.Main;

/**
 * The command line where the CUDA side is broken in the two ways that used to take the CPU down with it.
 *
 * <p><b>Truncated JCuda libraries in the temporary directory.</b> JCuda's own loader takes
 * {@code <java.io.tmpdir>/libJCudaDriver-…-linux-x86_64.so} (and the JCublas2 one) if such a file exists, without
 * checking it; a 4 KiB truncated copy there killed {@code msense backends} and {@code msense run} (default
 * {@code --backend auto}) with SIGBUS, exit 134, even for a CPU run. Here a child JVM gets
 * {@code -Djava.io.tmpdir} pointing at such copies (and {@code -Duser.home} at an empty directory, so the
 * default cache location is used, there): both commands must exit 0, the CUDA backend must be reported
 * unavailable with its usual reason (no driver here), and the planted files must be left as they were.
 * With the host emulation of {@link CudaEmulationTest}, the same planted files must not keep the CUDA
 * backend from being available.
 *
 * <p><b>A driver that hangs in {@code cuInit}.</b> A stand-in {@code libcuda.so.1} whose {@code cuInit} sleeps:
 * with {@code MSENSE_CUDA_PROBE_TIMEOUT=2}, {@code msense run --backend auto} must say why CUDA is skipped
 * and run on the CPU.
 */
class CudaNativeLoadingTest {

    private record Outcome(int status, String output) {
    }

    private static Outcome msense(Map<String, String> env, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        String out = CudaEmulationTest.exec(cmd, env, false);
        int cut = out.lastIndexOf("\nexit=");
        return new Outcome(Integer.parseInt(out.substring(cut + 6).strip()), out.substring(0, cut));
    }

    /** Writes the first 4 KiB of JCuda's library {@code base} into {@code tmp}, under the name JCuda's loader uses. */
    private static Path plantTruncated(Path tmp, String base) throws IOException {
        String resource = CudaEmulationTest.jniResource(base);
        byte[] stock;
        try (InputStream in = CudaNativeLoadingTest.class.getClassLoader().getResourceAsStream(resource)) {
            stock = in.readAllBytes();
        }
        Path planted = tmp.resolve(resource.substring(resource.indexOf('/') + 1));
        Files.write(planted, Arrays.copyOf(stock, 4096));
        return planted;
    }

    private static List<Path> plantBoth(Path tmp) throws IOException {
        return List.of(plantTruncated(tmp, "JCudaDriver"), plantTruncated(tmp, "JCublas2"));
    }

    private static String[] smallRun(Path out) {
        return new String[] {"run", "--n1", "12", "--n2", "10", "--measurements", "200", "--iterations", "20", "--out",
            out.toString()};
    }

    @Test
    void backendsAndAnAutoRunSurviveTruncatedJCudaLibrariesInTheTemporaryDirectory(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path home = Files.createDirectories(dir.resolve("home"));
        List<Path> planted = plantBoth(tmp);
        List<String> jvm = List.of("-Djava.io.tmpdir=" + tmp, "-Duser.home=" + home);
        Map<String, String> env = new HashMap<>();
        env.put("MSENSE_CACHE_DIR", ""); // the default location: under the child's user.home
        env.put("XDG_CACHE_HOME", "");
        boolean noDriver = !CudaEmulationTest.realDriverPresent();

        Outcome backends = msense(env, jvm, "backends");
        assertEquals(0, backends.status(), backends.output());
        assertTrue(backends.output().contains("cpu    available"), backends.output());
        if (noDriver) {
            assertTrue(backends.output().contains("cuda   unavailable"), backends.output());
            assertTrue(backends.output().contains("reason: no CUDA driver (libcuda.so.1 not found)"), backends.output());
        }

        Outcome run = msense(env, jvm, smallRun(dir.resolve("run")));
        assertEquals(0, run.status(), run.output());
        assertTrue(Files.exists(dir.resolve("run").resolve("summary.json")), run.output());
        if (noDriver) {
            assertTrue(run.output().contains("msense: cuda unavailable: no CUDA driver (libcuda.so.1 not found); "
                    + "falling back to cpu"), run.output());
        }
        for (Path p : planted) {
            assertEquals(4096, Files.size(p), p + " must be left alone");
        }
        assertTrue(Files.isDirectory(home.resolve(".cache/msense/jni")), "the private cache is used instead");
    }

    @Test
    void withTheHostEmulationCudaIsAvailableDespiteTruncatedLibrariesInTheTemporaryDirectory(@TempDir Path dir)
            throws Exception {
        Path gcc = CudaEmulationTest.onPath("gcc");
        Path readelf = CudaEmulationTest.onPath("readelf");
        Assumptions.assumeTrue(gcc != null && readelf != null, "gcc and readelf are needed to build the stand-ins");
        Assumptions.assumeFalse(CudaEmulationTest.realDriverPresent(), "a real NVIDIA driver is installed here");
        Map<String, String> env = CudaEmulationTest.buildEmulation(dir, gcc, readelf);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        List<Path> planted = plantBoth(tmp);
        Outcome backends = msense(env, List.of("-Djava.io.tmpdir=" + tmp), "backends");
        assertEquals(0, backends.status(), backends.output());
        assertTrue(backends.output().contains("cuda   available"), backends.output());
        assertTrue(backends.output().contains("self-test:"), backends.output());
        for (Path p : planted) {
            assertEquals(4096, Files.size(p), p + " must be left alone");
        }
    }

    @Test
    void aDriverThatHangsInCuInitMakesAutoFallBackToTheCpuAndSaySo(@TempDir Path dir) throws Exception {
        Path gcc = CudaEmulationTest.onPath("gcc");
        Path readelf = CudaEmulationTest.onPath("readelf");
        Assumptions.assumeTrue(gcc != null && readelf != null, "gcc and readelf are needed to build the stand-in driver");
        Assumptions.assumeFalse(CudaEmulationTest.realDriverPresent(), "a real NVIDIA driver is installed here");
        StringBuilder c = new StringBuilder("#include <unistd.h>\nint cuInit(unsigned int flags) { sleep(600); return 0; }\n");
        TreeSet<String> imported = CudaEmulationTest.imports(readelf, dir, CudaEmulationTest.jniResource("JCudaDriver"), "cu");
        imported.remove("cuInit");
        for (String n : imported) {
            c.append("int ").append(n).append("(void) { return 999; }\n");
        }
        Path driver = Files.createDirectories(dir.resolve("driver"));
        Files.writeString(dir.resolve("hang.c"), c);
        CudaEmulationTest.exec(List.of(gcc.toString(), "-shared", "-fPIC", "-o", driver.resolve("libcuda.so.1").toString(),
                "-Wl,-soname,libcuda.so.1", dir.resolve("hang.c").toString()), null, true);
        Map<String, String> env = Map.of("LD_LIBRARY_PATH", driver.toString(), "MSENSE_CUDA_PROBE_TIMEOUT", "2",
                "MSENSE_CACHE_DIR", dir.resolve("cache").toString());

        long start = System.nanoTime();
        Outcome run = msense(env, List.of(), smallRun(dir.resolve("run")));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, run.status(), run.output());
        assertTrue(run.output().contains("msense: cuda unavailable: the CUDA probe did not finish within 2 s (stuck "
                + "initializing the driver (cuInit); the GPU or its driver may be hung); set MSENSE_CUDA_PROBE_TIMEOUT to "
                + "wait longer; falling back to cpu"), run.output());
        assertTrue(Files.exists(dir.resolve("run").resolve("summary.json")), run.output());
        assertFalse(run.output().contains("Exception"), run.output());
        assertTrue(seconds < 120, "the command must not wait for the hung driver: " + seconds + " s");
    }
}
