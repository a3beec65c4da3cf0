package org.msense.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The precompiled kernels: {@code msense_kernels.fatbin} (SASS for sm_80 and sm_90 plus compute_90 PTX,
 * built by native/build.sh from native/src) and its manifest (source hashes, nvcc version, flags), both
 * classpath resources of this package. Plain Java: reading them needs no GPU.
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
            "msense_fused_residual_adjoint_f64", "msense_fused_residual_adjoint_f32");

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
        String text = new String(read(MANIFEST), StandardCharsets.UTF_8);
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
                throw new IllegalStateException("malformed line in " + MANIFEST + ": " + line);
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

    private static byte[] read(String name) {
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
