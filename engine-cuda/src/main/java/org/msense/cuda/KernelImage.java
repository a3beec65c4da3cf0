package org.msense.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The precompiled kernels, classpath resources of this package, and the rule that picks one for a driver
 * ({@link #select}). Plain Java: reading them needs no GPU.
 * <ul>
 * <li>{@code msense_kernels.fatbin}: SASS for sm_80 and sm_90 plus compute_90 PTX from nvcc 13 (ELF ABI 8,
 * PTX ISA 9.0: drivers ≥ 580, CUDA 13), built by native/build.sh, with its manifest;
 * <li>{@code msense_kernels.cuda12.sm_80.cubin} and {@code .sm_90.cubin}: SASS from NVRTC 12.1 (ELF ABI 7:
 * every CUDA 12 driver, ≥ 525, loads them; an sm_80 cubin also runs on compute capability 8.6/8.7/8.9),
 * built by native/build-cuda12.sh, with its manifest.
 * </ul>
 */
final class KernelImage {
    static final String FATBIN = "msense_kernels.fatbin";
    static final String MANIFEST = "msense_kernels.manifest";

    /** Every kernel the engine launches (extern "C" names in native/src/msense_kernels.cu). */
    static final java.util.List<String> KERNELS = java.util.List.of(
            "msense_fill_gaussian_f64", "msense_fill_gaussian_f32",
            "msense_subtract_f64", "msense_subtract_f32",
            "msense_scale_add_f64", "msense_scale_add_f32",
            "msense_squared_distances_f64", "msense_squared_distances_f32",
            "msense_fused_residual_adjoint_f64", "msense_fused_residual_adjoint_f32",
            // structured operators: completion and rank-one
            "msense_completion_residual_f64", "msense_completion_residual_f32",
            "msense_completion_gradient_f64", "msense_completion_gradient_f32",
            "msense_rank_one_stack_f64", "msense_rank_one_stack_f32",
            "msense_rank_one_residual_f64", "msense_rank_one_residual_f32",
            "msense_rank_one_scale_rows_f64", "msense_rank_one_scale_rows_f32",
            "msense_rank_one_adjoint_f64", "msense_rank_one_adjoint_f32",
            // dense-structured operators: hadamard and gaussian-implicit
            "msense_hadamard_signs_f64", "msense_hadamard_signs_f32",
            "msense_fwht_shared_f64", "msense_fwht_shared_f32",
            "msense_fwht_stage_f64", "msense_fwht_stage_f32",
            "msense_hadamard_gather_f64", "msense_hadamard_gather_f32",
            "msense_hadamard_scatter_f64", "msense_hadamard_scatter_f32",
            "msense_implicit_residual_adjoint_f64", "msense_implicit_residual_adjoint_f32",
            "msense_implicit_adjoint_f64", "msense_implicit_adjoint_f32");

    static final String CUDA12_MANIFEST = "msense_kernels.cuda12.manifest";
    /** cuDriverGetVersion of CUDA 13.0 and 12.0. */
    static final int CUDA13 = 13000;
    static final int CUDA12 = 12000;
    /** The selection rule, as the probe reports it. */
    static final String RULE = "driver CUDA ≥ 13.0 (≥ 580): nvcc-13 fatbin (SASS sm_80/sm_90, PTX compute_90 ISA 9.0);"
            + " CUDA 12.x (≥ 525): NVRTC-12.1 cubin for sm_80 (compute capability 8.x) or sm_90 (9.x); older: none";

    /** One loadable image: its resource name and a one-line description. */
    record Image(String resource, String description) {
        byte[] bytes() {
            return read(resource);
        }
    }

    /**
     * The image for a driver reporting {@code driverVersion} (cuDriverGetVersion: 1000·major + 10·minor) and a device
     * of compute capability {@code major}.x, per {@link #RULE}; null where none fits ({@link #refusal} says why).
     */
    static Image select(int driverVersion, int major) {
        if (driverVersion >= CUDA13) {
            return new Image(FATBIN, "nvcc 13 fatbin (SASS sm_80, sm_90; PTX compute_90)");
        }
        if (driverVersion >= CUDA12 && (major == 8 || major == 9)) {
            String arch = major == 8 ? "sm_80" : "sm_90";
            return new Image("msense_kernels.cuda12." + arch + ".cubin", "NVRTC 12.1 cubin " + arch + " (CUDA 12 driver)");
        }
        return null;
    }

    /** Why {@link #select} found no image, in words a user can act on. */
    static String refusal(int driverVersion, int major) {
        String version = (driverVersion / 1000) + "." + (driverVersion % 1000) / 10;
        if (driverVersion < CUDA12) {
            return "the driver supports CUDA " + version + " but the kernels need CUDA ≥ 12.0 (driver ≥ 525); update the"
                    + " NVIDIA driver";
        }
        return "the driver supports CUDA " + version + ", for which the kernels exist as SASS for compute capability 8.x"
                + " and 9.x only, and this device has " + major + ".x; a driver ≥ 580 (CUDA 13) runs the PTX";
    }

    /** The parsed manifest. */
    record Manifest(String nvcc, String flags, Map<String, String> sources, String fatbinSha256) {
    }

    private KernelImage() {
    }

    /** The fatbin bytes, ready for cuModuleLoadData. */
    static byte[] fatbin() {
        return read(FATBIN);
    }

    static Manifest manifest() {
        return manifest(MANIFEST);
    }

    /** A manifest's key=value lines (comments and blank lines skipped), in order. */
    static Map<String, String> entries(String resource) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : new String(read(resource), StandardCharsets.UTF_8).split("\n")) {
            line = line.strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                if (eq < 0) {
                    throw new IllegalStateException("malformed line in " + resource + ": " + line);
                }
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    private static Manifest manifest(String resource) {
        String text = new String(read(resource), StandardCharsets.UTF_8);
        String nvcc = "";
        String flags = "";
        String fatbin = "";
        Map<String, String> sources = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalStateException("malformed line in " + resource + ": " + line);
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (key.equals("nvcc")) {
                nvcc = value;
            } else if (key.equals("flags")) {
                flags = value;
            } else if (key.equals("fatbin.sha256")) {
                fatbin = value;
            } else if (key.startsWith("source.")) {
                sources.put(key.substring("source.".length()), value);
            }
        }
        return new Manifest(nvcc, flags, Map.copyOf(sources), fatbin);
    }

    static byte[] read(String name) {
        try (InputStream in = KernelImage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the kernel resource org/msense/cuda/" + name
                        + " is missing from the engine-cuda jar; run native/build.sh and rebuild");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the kernel resource " + name, e);
        }
    }
}
