package org.msense.cpu;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ejml.EjmlVersion;
import org.msense.core.backend.Availability;
import org.msense.core.backend.Backend;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;

/** The CPU backend: EJML dense kernels plus a multi-threaded fused sensing pass. Always available. */
public final class CpuBackend implements Backend {
    public static final String ID = "cpu";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public String description() {
        return "CPU reference backend (EJML " + EjmlVersion.VERSION + "), fp64 and fp32";
    }

    @Override
    public Availability probe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("processors", Integer.toString(Runtime.getRuntime().availableProcessors()));
        d.put("ejml", EjmlVersion.VERSION);
        d.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        d.put("max heap", (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        return Availability.yes("EJML " + EjmlVersion.VERSION + " on " + Runtime.getRuntime().availableProcessors()
                + " processors", d);
    }

    @Override
    public boolean supportsOperator(org.msense.core.spec.OperatorKind kind) {
        return CpuEngine.OPERATORS.contains(kind);
    }

    @Override
    public Engine open(EngineOptions options) {
        return new CpuEngine(options.resolvedThreads());
    }
}
