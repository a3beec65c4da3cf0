package org.msense.cuda;

import java.util.Map;
import org.msense.core.backend.Availability;
import org.msense.core.backend.Backend;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.spec.OperatorKind;

/**
 * The CUDA backend: JCuda (driver API) and cuBLAS, fp64 and fp32, all data resident on the GPU. Priority
 * 100, above the CPU backend's 10, so {@code --backend auto} takes it where it is available.
 *
 * <p>This class has no JCuda type in its signatures or fields: constructing it (ServiceLoader does, on
 * every run) loads nothing native. {@link #probe()} delegates to {@link CudaProbe}, which runs once per
 * JVM, never throws, and caches its reason.
 */
public final class CudaBackend implements Backend {
    public static final String ID = "cuda";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public String description() {
        return "NVIDIA GPU backend (JCuda driver API + cuBLAS), fp64 and fp32, device-resident data";
    }

    /**
     * The operator kinds the CUDA engine implements: {@code gaussian} (the engine's GEMMs and fused pass),
     * {@code completion} ({@link CudaCompletionOperator}), {@code rank-one} ({@link CudaRankOneOperator}),
     * {@code hadamard} ({@link CudaHadamardOperator}) and {@code gaussian-implicit} ({@link CudaImplicitGaussianOperator}).
     */
    static boolean runs(OperatorKind kind) {
        return kind == OperatorKind.GAUSSIAN
                || kind == OperatorKind.COMPLETION
                || kind == OperatorKind.RANK_ONE
                || kind == OperatorKind.HADAMARD
                || kind == OperatorKind.GAUSSIAN_IMPLICIT;
    }

    @Override
    public boolean supportsOperator(OperatorKind kind) {
        return runs(kind);
    }

    @Override
    public Availability probe() {
        try {
            return CudaProbe.result().availability();
        } catch (Throwable t) {
            // LinkageError, CudaException or anything unexpected: a probe never throws.
            return Availability.no("the CUDA probe failed: " + CublasBridge.firstLine(t), Map.of());
        }
    }

    /**
     * {@code MSENSE_CUDA_SYNC=1} turns on {@link EngineOptions#debugSync}: the engine synchronizes after
     * every kernel and cuBLAS call, so an asynchronous device error is reported by the call that caused it.
     */
    static EngineOptions withDebugFromEnvironment(EngineOptions options, String value) {
        boolean on = value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
        return on && !options.debugSync()
                ? new EngineOptions(options.threads(), options.device(), options.allowTf32(), true) : options;
    }

    @Override
    public Engine open(EngineOptions options) {
        CudaProbe.Result r;
        try {
            r = CudaProbe.result();
        } catch (Throwable t) {
            throw new BackendException("the cuda backend is not available: " + CublasBridge.firstLine(t), t);
        }
        if (!r.availability().available()) {
            throw new BackendException("the cuda backend is not available: " + r.availability().reason());
        }
        try {
            CudaProbe.DeviceFacts facts = options.device() == 0 ? r.device0()
                    : CudaProbe.facts(options.device(), r.device0().driverVersion());
            String unsupported = CudaProbe.unsupported(options.device(), facts);
            if (unsupported != null) {
                throw new BackendException("the cuda backend cannot use " + unsupported);
            }
            EngineOptions effective = withDebugFromEnvironment(options, System.getenv("MSENSE_CUDA_SYNC"));
            CudaEngine parked = CudaProbe.takeParked(effective);
            return parked != null ? parked : new CudaEngine(effective, facts, r.cublas());
        } catch (BackendException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new BackendException("the cuda backend could not open device " + options.device() + ": "
                    + CublasBridge.firstLine(e), e);
        }
    }
}
