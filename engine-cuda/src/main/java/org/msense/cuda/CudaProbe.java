package org.msense.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * JCuda. JCuda's driver JNI library is loaded by {@link JCudaNatives} from a verified private copy, never
 * from JCuda's fixed file in the temporary directory; it needs {@code libcuda.so.1}, and without a driver
 * the {@link UnsatisfiedLinkError} is caught here and turned into a reason before {@link JCudaDriver} is
 * touched. The answer is computed once per JVM and cached.
 *
 * <p>The probe runs in a daemon thread and is given 20 s (system property
 * {@value #TIMEOUT_PROPERTY} or environment variable {@value #TIMEOUT_VARIABLE}, in seconds): a driver that
 * hangs in {@code cuInit} on a wedged GPU makes the backend unavailable with that reason instead of hanging
 * the command.
 *
 * <p>Requirements checked, in order: the driver library loads; {@code cuInit} succeeds and there is a
 * device; device 0 has compute capability ≥ 8.0; there is a kernel image for the driver and the device
 * ({@link KernelImage#RULE}: CUDA ≥ 13.0, driver ≥ 580, takes the nvcc-13 fatbin; CUDA 12.x, driver ≥ 525,
 * the NVRTC-12.1 cubins for 8.x and 9.x); cuBLAS loads (stock or
 * bridged, {@link CublasBridge}); and an engine opens on device 0 and passes its {@link SelfTest}.
 */
final class CudaProbe {
    static final int MIN_COMPUTE_MAJOR = 8;

    /** Facts about one device and the driver. */
    record DeviceFacts(String name, String computeCapability, int major, long totalBytes, String driverVersion) {
    }

    /** The cached outcome: an availability, plus what open() needs when available. */
    record Result(Availability availability, DeviceFacts device0, CublasBridge.Outcome cublas) {
    }

    /**
     * The engine the probe opened (and self-tested) on device 0 with {@link EngineOptions#defaults()}, kept open for
     * the first {@link CudaBackend#open} with the same options: under {@code --backend auto} the probe and the run
     * then share one engine, one self-test and one cuBLAS handle. Taken at most once; a later open makes a new engine.
     */
    private static final java.util.concurrent.atomic.AtomicReference<CudaEngine> PARKED =
            new java.util.concurrent.atomic.AtomicReference<>();

    private static void park(CudaEngine engine) {
        CudaEngine previous = PARKED.getAndSet(engine);
        if (previous != null) {
            previous.close();
        }
    }

    /**
     * The probe's engine, if it is still parked and was opened with exactly these options (device 0, no TF32, no
     * debug synchronization); null otherwise. The caller owns (and closes) what it gets.
     */
    static CudaEngine takeParked(EngineOptions options) {
        if (options.device() != 0 || options.allowTf32() || options.debugSync()) {
            return null;
        }
        return PARKED.getAndSet(null);
    }

    /** Default bound on the whole probe, in seconds. */
    static final double DEFAULT_TIMEOUT_SECONDS = 20;
    static final String TIMEOUT_PROPERTY = "msense.cuda.probeTimeout";
    static final String TIMEOUT_VARIABLE = "MSENSE_CUDA_PROBE_TIMEOUT";

    private static Result cached;

    private CudaProbe() {
    }

    static synchronized Result result() {
        if (cached == null) {
            cached = bounded(timeout(System.getProperty(TIMEOUT_PROPERTY), System.getenv(TIMEOUT_VARIABLE)));
        }
        return cached;
    }

    /** The probe's time limit and where it came from. */
    record Timeout(double seconds, String source) {
        long millis() {
            return Math.max(1, Math.round(seconds * 1000));
        }

        String text() {
            return (seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds)) + " s";
        }
    }

    /**
     * The time limit: the system property {@value #TIMEOUT_PROPERTY}, else the environment variable
     * {@value #TIMEOUT_VARIABLE}, in seconds (a positive number), else {@value #DEFAULT_TIMEOUT_SECONDS} s.
     * A value that is not a positive number is ignored and said so in the source.
     */
    static Timeout timeout(String property, String variable) {
        String ignored = "";
        for (String[] candidate : new String[][] {{property, "-D" + TIMEOUT_PROPERTY}, {variable, TIMEOUT_VARIABLE}}) {
            String v = candidate[0];
            if (v == null || v.isBlank()) {
                continue;
            }
            try {
                double s = Double.parseDouble(v.strip());
                if (s > 0 && Double.isFinite(s)) {
                    return new Timeout(s, candidate[1]);
                }
            } catch (NumberFormatException e) {
                // ignored below
            }
            ignored += "; " + candidate[1] + "=" + v.strip() + " ignored: not a positive number of seconds";
        }
        return new Timeout(DEFAULT_TIMEOUT_SECONDS, "default" + ignored);
    }

    /**
     * Runs the probe in a daemon thread and waits at most {@code limit}. A driver can hang in {@code cuInit}
     * (or any later call) on a wedged GPU; the answer is then "unavailable" with the step it was stuck in,
     * the thread is left behind (a daemon: it does not keep the JVM alive), and the CPU path goes on.
     */
    static Result bounded(Timeout limit) {
        Progress progress = new Progress();
        CompletableFuture<Result> answer = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                answer.complete(run(progress));
            } catch (Throwable e) {
                answer.complete(no("the CUDA probe failed: " + CublasBridge.firstLine(e), progress));
            }
        }, "msense-cuda-probe");
        t.setDaemon(true);
        t.start();
        try {
            return answer.get(limit.millis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            Map<String, String> d = progress.details();
            d.put("probe timeout", limit.text() + " (" + limit.source() + ")");
            return no("the CUDA probe did not finish within " + limit.text() + " (stuck " + progress.step
                    + "; the GPU or its driver may be hung); set " + TIMEOUT_VARIABLE + " to wait longer", d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return no("the CUDA probe was interrupted", progress);
        } catch (ExecutionException e) {
            return no("the CUDA probe failed: " + CublasBridge.firstLine(e.getCause()), progress);
        }
    }

    /** What the probe thread has found so far, and the step it is in (read by the waiting thread). */
    static final class Progress {
        private final Map<String, String> details = new LinkedHashMap<>();
        volatile String step = "starting";

        synchronized void put(String key, String value) {
            details.put(key, value);
        }

        synchronized String get(String key) {
            return details.get(key);
        }

        synchronized Map<String, String> details() {
            return new LinkedHashMap<>(details);
        }
    }

    private static Result run(Progress d) {
        d.put("jcuda", jcuda.JCudaVersion.get());
        d.step = "loading the JCuda driver library";
        try {
            JCudaNatives.loadDriver(System.getenv());
        } catch (LinkageError e) {
            return no(driverMissing(e), d);
        } catch (IOException e) {
            return no("the JCuda driver library could not be prepared: " + CublasBridge.firstLine(e), d);
        }
        try {
            d.step = "initializing the driver (cuInit)";
            cuInit(0);
            d.step = "querying the driver and device 0";
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
            d.put("kernel rule", KernelImage.RULE);
            String unsupported = unsupported(0, facts);
            if (unsupported != null) {
                return no(unsupported, d);
            }
            KernelImage.Image image = KernelImage.select(version[0], facts.major());
            if (image == null) {
                return no(KernelImage.refusal(version[0], facts.major()), d);
            }
            d.put("kernels", image.description());
            d.step = "loading cuBLAS";
            CublasBridge.Outcome cublas;
            try {
                cublas = CublasBridge.prepare();
            } catch (BackendException e) {
                return no(e.getMessage(), d);
            }
            d.put("cublas", "cuBLAS " + JCublasBlas.libraryVersion() + " (" + cublas.cublas() + ")");
            d.put("bridge", cublas.bridge());
            d.step = "opening device 0 and running the self-test";
            CudaEngine engine;
            try {
                engine = new CudaEngine(EngineOptions.defaults(), facts, cublas);
            } catch (BackendException e) {
                return no(e.getMessage(), d);
            }
            d.put("self-test", engine.properties().get("self-test"));
            engine.markOpenedByProbe();
            park(engine);
            d.step = "done";
            return new Result(Availability.yes(facts.name() + ", driver " + cudaVersion(version[0]) + ", "
                    + d.get("cublas"), d.details()), facts, cublas);
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

    /** The inverse of {@link #cudaVersion}: "12.4" → 12040. */
    static int cudaVersionNumber(String version) {
        int dot = version.indexOf('.');
        return Integer.parseInt(version.substring(0, dot)) * 1000 + Integer.parseInt(version.substring(dot + 1)) * 10;
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

    static Result no(String reason, Map<String, String> details) {
        return new Result(Availability.no(reason, details), null, null);
    }

    private static Result no(String reason, Progress progress) {
        return no(reason, progress.details());
    }
}
