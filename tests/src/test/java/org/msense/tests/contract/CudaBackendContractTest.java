package org.msense.tests.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.Transpose;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;
import org.msense.tests.crossbackend.CudaSupport;

/**
 * The contract against the CUDA backend on device 0. Skipped, with the probe's reason, where no usable
 * GPU is present.
 */
class CudaBackendContractTest extends BackendContract {
    @Override
    protected Engine open() {
        return CudaSupport.openOrSkip();
    }

    /** The engine's operations really run on the GPU: each one is counted as a launch or a cuBLAS call. */
    @Test
    void operationsLaunchKernelsAndCallCublas() {
        long launches = CudaSupport.kernelLaunches(engine);
        long calls = CudaSupport.cublasCalls(engine);
        MatrixBatch a = engine.allocate(Precision.FP64, 1, 8, 8);
        MatrixBatch c = engine.allocate(Precision.FP64, 1, 8, 8);
        engine.fillGaussian(new GaussianStream(1, StreamPurpose.SENSING, 0), 1.0, a);
        engine.gemm(1.0, a, Transpose.NONE, a, Transpose.TRANSPOSE, 0.0, c);
        double[] norms = engine.squaredNorms(c);
        assertEquals(launches + 2, CudaSupport.kernelLaunches(engine), "fillGaussian and squaredNorms are one launch each");
        assertEquals(calls + 1, CudaSupport.cublasCalls(engine), "gemm is one cuBLAS call");
        assertTrue(norms[0] > 0);
        CudaSupport.assertRanOnGpu(engine);
        assertTrue(engine.properties().get("self-test").startsWith("passed"), engine.properties().toString());
        assertTrue(engine.freeMemoryBytes().isPresent(), "a GPU engine reports its free memory");
    }
}
