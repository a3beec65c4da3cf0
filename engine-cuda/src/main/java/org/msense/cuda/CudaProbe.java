package org.msense.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import jcuda.CudaException;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;
import org.msense.core.backend.Availability;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.EngineOptions;

/**
 * Everything that touches JCuda to find out whether the CUDA backend can run here. Only
 * {@link CudaBackend#probe()} and {@link CudaBackend#open} reach this class, so the CPU path never loads
 * JCuda. The first touch of {@link JCudaDriver} loads its JNI library, which needs {@code libcuda.so.1}:
 * without a driver that is an {@link UnsatisfiedLinkError} (and {@link NoClassDefFoundError} on every later
 * touch), caught here and turned into a reason. The answer is computed once per JVM and cached.
 *
 * <p>Requirements checked, in order: the driver library loads; {@code cuInit} succeeds and there is a
 * device; the driver supports CUDA ≥ 13.0 (driver ≥ 580: the kernels were built by nvcc 13, PTX ISA 9.0);
 * device 0 has compute capability ≥ 8.0 (SASS for sm_80/sm_90, PTX for newer); cuBLAS loads (stock or
 * bridged, {@link CublasBridge}); and an engine opens on device 0 and passes its {@link SelfTest}.
 */
final class CudaProbe {
    /** CUDA 13.0 as cuDriverGetVersion reports it. */
    static final int MIN_DRIVER_CUDA = 13000;
    static final int MIN_COMPUTE_MAJOR = 8;

    /** Facts about one device and the driver. */
    record DeviceFacts(String name, String computeCapability, int major, long totalBytes, String driverVersion) {
    }

    /** The cached outcome: an availability, plus what open() needs when available. */
    record Result(Availability availability, DeviceFacts device0, CublasBridge.Outcome cublas) {
    }

    private static Result cached;

    private CudaProbe() {
    }

    static synchronized Result result() {
        if (cached == null) {
            cached = run();
        }
        return cached;
    }

    private static Result run() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("jcuda", jcuda.JCudaVersion.get());
        try {
            JCudaDriver.setExceptionsEnabled(true);
        } catch (LinkageError e) {
            return no(driverMissing(e), d);
        }
        try {
            cuInit(0);
            int[] version = new int[1];
            cuDriverGetVersion(version);
            d.put("driver", cudaVersion(version[0]));
            int[] count = new int[1];
            cuDeviceGetCount(count);
            d.put("devices", Integer.toString(count[0]));
            if (count[0] == 0) {
                return no("no CUDA device (the driver reports none)", d);
            }
            DeviceFacts facts = facts(0, cudaVersion(version[0]));
            d.put("device", facts.name() + ", compute capability " + facts.computeCapability() + ", "
                    + (facts.totalBytes() >> 20) + " MiB");
            KernelImage.Manifest manifest = KernelImage.manifest();
            d.put("kernels", manifest.nvcc() + " (SASS sm_80, sm_90; PTX compute_90)");
            if (version[0] < MIN_DRIVER_CUDA) {
                return no("the driver supports CUDA " + cudaVersion(version[0]) + " but the kernels need CUDA 13.0"
                        + " (driver ≥ 580); update the NVIDIA driver", d);
            }
            String unsupported = unsupported(0, facts);
            if (unsupported != null) {
                return no(unsupported, d);
            }
            CublasBridge.Outcome cublas;
            try {
                cublas = CublasBridge.prepare();
            } catch (BackendException e) {
                return no(e.getMessage(), d);
            }
            d.put("cublas", "cuBLAS " + JCublasBlas.libraryVersion() + " (" + cublas.cublas() + ")");
            d.put("bridge", cublas.bridge());
            try (CudaEngine engine = new CudaEngine(EngineOptions.defaults(), facts, cublas)) {
                d.put("self-test", engine.properties().get("self-test"));
            } catch (BackendException e) {
                return no(e.getMessage(), d);
            }
            return new Result(Availability.yes(facts.name() + ", driver " + cudaVersion(version[0]) + ", "
                    + d.get("cublas"), d), facts, cublas);
        } catch (CudaException e) {
            return no("CUDA error: " + CublasBridge.firstLine(e), d);
        } catch (LinkageError e) {
            return no("a CUDA library could not be loaded: " + CublasBridge.firstLine(e), d);
        } catch (RuntimeException e) {
            // Anything else (a cuBLAS status, a missing kernel resource …) is still an answer, and cached.
            return no("the CUDA probe failed: " + CublasBridge.firstLine(e), d);
        }
    }

    /** Why the kernels cannot run on device {@code ordinal}, or null when they can (compute capability ≥ 8.0). */
    static String unsupported(int ordinal, DeviceFacts facts) {
        return facts.major() < MIN_COMPUTE_MAJOR ? "device " + ordinal + " (" + facts.name() + ") has compute capability "
                + facts.computeCapability() + "; the kernels need ≥ 8.0" : null;
    }

    /** Facts about device {@code ordinal}; the driver must be initialized. */
    static DeviceFacts facts(int ordinal, String driver) {
        CUdevice dev = new CUdevice();
        cuDeviceGet(dev, ordinal);
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, dev);
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        int[] major = new int[1];
        int[] minor = new int[1];
        cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
        cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
        long[] total = new long[1];
        cuDeviceTotalMem(total, dev);
        return new DeviceFacts(new String(name, 0, len, StandardCharsets.US_ASCII), major[0] + "." + minor[0], major[0],
                total[0], driver);
    }

    /** cuDriverGetVersion's number (1000·major + 10·minor) as "major.minor". */
    static String cudaVersion(int v) {
        return (v / 1000) + "." + (v % 1000) / 10;
    }

    /** One line for a driver library that would not load. */
    static String driverMissing(LinkageError e) {
        String all = String.valueOf(e.getMessage());
        if (e instanceof NoClassDefFoundError) {
            return "no CUDA driver (JCuda's driver library failed to load earlier in this JVM)";
        }
        if (all.contains("libcuda.so")) {
            return "no CUDA driver (libcuda.so.1 not found)";
        }
        return "the JCuda driver library could not be loaded: " + CublasBridge.firstLine(e);
    }

    private static Result no(String reason, Map<String, String> details) {
        return new Result(Availability.no(reason, details), null, null);
    }
}
