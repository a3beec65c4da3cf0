package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed kernels (fatbin + manifest, resources of engine-cuda) must be built from the sources in
 * native/src as they are now: this recomputes the SHA-256 of every .cu/.h there and compares them with
 * the manifest, and checks the fatbin against its recorded hash. Where nvcc is on PATH it also compiles
 * the sources to PTX, proving they still compile with the recorded flags.
 */
class KernelManifestTest {
    private static final String STALE = "the committed kernels are stale: run native/build.sh and commit "
            + "engine-cuda/src/main/resources/org/msense/cuda/";

    private static Path nativeSources() {
        // Surefire runs in the module directory (engine-cuda); the sources are in ../native/src.
        Path dir = Path.of(System.getProperty("user.dir")).resolve("../native/src").normalize();
        assertTrue(Files.isDirectory(dir), "native/src not found at " + dir);
        return dir;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void manifestMatchesTheSourcesAndTheFatbin() throws IOException {
        KernelImage.Manifest manifest = KernelImage.manifest();
        Map<String, String> actual = new TreeMap<>();
        try (Stream<Path> files = Files.list(nativeSources())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(".cu") || name.endsWith(".h")) {
                    actual.put(name, sha256(Files.readAllBytes(p)));
                }
            }
        }
        assertFalse(actual.isEmpty());
        List<String> problems = new ArrayList<>();
        for (var e : actual.entrySet()) {
            String recorded = manifest.sources().get(e.getKey());
            if (recorded == null) {
                problems.add(e.getKey() + " is not in the manifest");
            } else if (!recorded.equals(e.getValue())) {
                problems.add(e.getKey() + " changed since the kernels were built");
            }
        }
        for (String name : manifest.sources().keySet()) {
            if (!actual.containsKey(name)) {
                problems.add(name + " is in the manifest but no longer in native/src");
            }
        }
        if (!problems.isEmpty()) {
            fail(STALE + " (" + String.join("; ", problems) + ")");
        }
        assertEquals(manifest.fatbinSha256(), sha256(KernelImage.fatbin()), STALE + " (the fatbin does not match its manifest)");
        assertTrue(manifest.flags().contains("code=sm_80") && manifest.flags().contains("code=sm_90")
                && manifest.flags().contains("code=compute_90"), "flags: " + manifest.flags());
        assertTrue(manifest.flags().contains("-fmad=false"), "the generator needs -fmad=false: " + manifest.flags());
    }

    @Test
    void fatbinHasTheFatbinMagicAndEveryKernelTheEngineLaunches() throws IOException {
        byte[] fatbin = KernelImage.fatbin();
        // fatBinaryHeader magic 0xBA55ED50, little-endian.
        assertEquals(0x50, fatbin[0] & 0xff);
        assertEquals(0xED, fatbin[1] & 0xff);
        assertEquals(0x55, fatbin[2] & 0xff);
        assertEquals(0xBA, fatbin[3] & 0xff);
        String source = Files.readString(nativeSources().resolve("msense_kernels.cu"), StandardCharsets.UTF_8);
        assertTrue(source.contains("#define MSENSE_REDUCE_THREADS " + Kernels.REDUCE_THREADS + "\n"),
                "the reduction block size in the kernels must equal Kernels.REDUCE_THREADS = " + Kernels.REDUCE_THREADS);
        for (String kernel : KernelImage.KERNELS) {
            assertTrue(source.contains("__global__ void " + kernel + "(")
                    || source.contains(") " + kernel + "("), kernel + " is launched by the engine but not defined in msense_kernels.cu");
        }
    }

    @Test
    void sourcesCompileToPtxWithNvcc(@TempDir Path dir) throws Exception {
        String nvcc = findOnPath("nvcc");
        Assumptions.assumeTrue(nvcc != null, "nvcc is not on PATH; the compile check runs where the CUDA toolkit is installed");
        List<String> cmd = new ArrayList<>(List.of(nvcc, "-fmad=false", "-std=c++14", "-ptx", "-arch=compute_90", "-o",
                dir.resolve("k.ptx").toString(), nativeSources().resolve("msense_kernels.cu").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nvcc did not finish");
        assertEquals(0, p.exitValue(), "nvcc failed:\n" + out);
        String ptx = Files.readString(dir.resolve("k.ptx"));
        for (String kernel : KernelImage.KERNELS) {
            assertTrue(ptx.contains(".entry " + kernel + "("), kernel + " missing from the PTX");
            assertEquals(Kernels.SIGNATURES.get(kernel), ptxParameterTypes(ptx, kernel),
                    "the launch arguments of " + kernel + " must match its PTX parameters");
        }
    }

    /** The types of the .param declarations of an .entry, in order (e.g. [u64, u32, f64]). */
    private static List<String> ptxParameterTypes(String ptx, String kernel) {
        int start = ptx.indexOf(".entry " + kernel + "(");
        int end = ptx.indexOf(")", start);
        List<String> types = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\.param\\s+\\.(\\w+)").matcher(ptx.substring(start, end));
        while (m.find()) {
            types.add(m.group(1));
        }
        return types;
    }

    static String findOnPath(String tool) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, tool))) {
                return Path.of(p, tool).toString();
            }
        }
        return null;
    }
}
