package org.msense.tests.crossbackend;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;

/**
 * The two engines of a CUDA-against-CPU test class: before each test a CUDA engine (or the test is skipped with the
 * probe's reason, {@link CudaSupport#openOrSkip}) and a CPU engine of two threads; after it, a check that the CUDA
 * engine really computed on a GPU ({@link CudaSupport#assertRanOnGpu}) and both closed.
 */
abstract class CpuAndCudaEngines {
    Engine gpu;
    Engine cpu;

    @BeforeEach
    void openEngines() {
        gpu = CudaSupport.openOrSkip();
        cpu = Backends.select("cpu", Backends.discover()).backend().open(EngineOptions.defaults().withThreads(2));
    }

    @AfterEach
    void closeEngines() {
        if (gpu != null) {
            CudaSupport.assertRanOnGpu(gpu);
            gpu.close();
        }
        if (cpu != null) {
            cpu.close();
        }
    }
}
