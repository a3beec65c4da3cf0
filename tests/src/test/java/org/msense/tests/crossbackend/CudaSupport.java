package org.msense.tests.crossbackend;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.msense.core.backend.Availability;
import org.msense.core.backend.Backend;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;

/**
 * What every CUDA test shares: find the cuda backend (it must be on the test class path: engine-cuda is a
 * test dependency), skip the test with the probe's reason where it is unavailable (no driver, no GPU …),
 * and check that an engine really computed on a GPU.
 */
public final class CudaSupport {
    private CudaSupport() {
    }

    /** The cuda backend, or the test is skipped with the probe's reason. */
    public static Backend cudaOrSkip() {
        Backend cuda = Backends.discover().stream().filter(b -> b.id().equals("cuda")).findFirst().orElse(null);
        assertNotNull(cuda, "the cuda backend is not on the test class path (engine-cuda missing from tests/pom.xml?)");
        Availability a = Backends.probe(cuda);
        Assumptions.assumeTrue(a.available(), "CUDA backend unavailable: " + a.reason());
        return cuda;
    }

    /** Opens a CUDA engine (fp32 GEMMs without TF32), or skips the test. */
    public static Engine openOrSkip() {
        return cudaOrSkip().open(EngineOptions.defaults());
    }

    /** Kernel launches the engine reports (a CUDA engine counts them; see its properties). */
    public static long kernelLaunches(Engine engine) {
        return Long.parseLong(engine.properties().getOrDefault("kernel launches", "0"));
    }

    /** cuBLAS calls the engine reports. */
    public static long cublasCalls(Engine engine) {
        return Long.parseLong(engine.properties().getOrDefault("cublas calls", "0"));
    }

    /** Fused residual-and-adjoint passes the engine reports. */
    public static long fusedPasses(Engine engine) {
        return Long.parseLong(engine.properties().getOrDefault("fused passes", "0"));
    }

    /** Asserts that the fused pass ran where the engine reports it on (it is off or unavailable on some devices). */
    public static void assertFusedPassRanWhereOn(Engine engine) {
        if (engine.properties().getOrDefault("fused pass", "").startsWith("on")) {
            assertTrue(fusedPasses(engine) > 0, "the fused pass is on but never ran: " + engine.properties());
        }
    }

    /** Asserts that the engine is a CUDA engine on a named device that launched kernels and called cuBLAS. */
    public static void assertRanOnGpu(Engine engine) {
        assertTrue(engine.backendId().equals("cuda"), "backend " + engine.backendId());
        assertTrue(!engine.device().isBlank() && !engine.device().startsWith("CPU"), "device " + engine.device());
        assertTrue(kernelLaunches(engine) > 0, "no kernel was launched: " + engine.properties());
        assertTrue(cublasCalls(engine) > 0, "cuBLAS was never called: " + engine.properties());
    }
}
