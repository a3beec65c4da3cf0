package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed kernel images against what docs/gpu.md promises (its table between the markers
 * {@code kernel-images:begin} and {@code kernel-images:end}): for each image, the ELF ABI version and the SASS
 * architectures read from the cubins themselves (inside the fatbin, the embedded ELF files), the PTX ISA where
 * nvcc can say, and the driver range as {@link KernelImage#select} applies it. Then staleness: the CUDA 12
 * manifest's source hashes against native/src, and, where the compilers exist, a rebuild compared byte for byte
 * (NVRTC 12 for the cubins; nvcc for the fatbin).
 */
class KernelImageTest {
    private static Path root() {
        return Path.of(System.getProperty("user.dir")).resolve("..").normalize();
    }

    /** One row of the documented table. */
    record Row(String image, int elfAbi, TreeSet<String> sass, String ptx, int minDriverCuda) {
    }

    static List<Row> documented() throws IOException {
        String doc = Files.readString(root().resolve("docs/gpu.md"));
        int begin = doc.indexOf("<!-- kernel-images:begin -->");
        int end = doc.indexOf("<!-- kernel-images:end -->");
        assertTrue(begin >= 0 && end > begin, "docs/gpu.md lacks the kernel-images table markers");
        List<Row> rows = new ArrayList<>();
        for (String line : doc.substring(begin, end).split("\n")) {
            String[] c = line.split("\\|");
            if (c.length < 7 || !c[1].contains("`msense_kernels")) {
                continue;
            }
            String image = c[1].strip().replace("`", "");
            TreeSet<String> sass = new TreeSet<>();
            for (String s : c[4].split(",")) {
                sass.add(s.strip());
            }
            String driver = c[6].strip(); // e.g. "≥ 525 (CUDA 12.0)"
            String cuda = driver.substring(driver.indexOf("CUDA ") + 5, driver.indexOf(')'));
            rows.add(new Row(image, Integer.parseInt(c[3].strip()), sass, c[5].strip(), CudaProbe.cudaVersionNumber(cuda)));
        }
        return rows;
    }

    /** The (ELF ABI version, SASS architecture) of every CUDA ELF file in an image. */
    static List<int[]> elves(byte[] image) {
        List<int[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 64 <= image.length; i++) {
            if (image[i] == 0x7F && image[i + 1] == 'E' && image[i + 2] == 'L' && image[i + 3] == 'F'
                    && b.getShort(i + 18) == 190) { // EM_CUDA
                int abi = image[i + 8];
                int flags = b.getInt(i + 48);
                // ABI 7 keeps the SM number in the low byte of e_flags, ABI 8 in the second byte.
                int sm = abi >= 8 ? (flags >> 8) & 0xFF : flags & 0xFF;
                out.add(new int[] {abi, sm});
            }
        }
        return out;
    }

    @Test
    void theCommittedImagesAreWhatTheDocumentationPromises() throws Exception {
        List<Row> rows = documented();
        assertEquals(3, rows.size(), "docs/gpu.md should document the fatbin and the two CUDA 12 cubins: " + rows);
        for (Row row : rows) {
            byte[] image = KernelImage.read(row.image());
            List<int[]> elves = elves(image);
            assertTrue(!elves.isEmpty(), row.image() + " holds no CUDA ELF");
            TreeSet<String> sass = new TreeSet<>();
            for (int[] e : elves) {
                assertEquals(row.elfAbi(), e[0], row.image() + ": ELF ABI version");
                sass.add("sm_" + e[1]);
            }
            assertEquals(row.sass(), sass, row.image() + ": SASS architectures");
            // The driver range: the rule picks this image from its minimum driver on, and not below.
            for (String arch : sass) {
                int major = Integer.parseInt(arch.substring(3)) / 10;
                KernelImage.Image chosen = KernelImage.select(row.minDriverCuda(), major);
                assertEquals(row.image(), chosen == null ? null : chosen.resource(), row.image() + " for " + arch);
                KernelImage.Image below = KernelImage.select(row.minDriverCuda() - 10, major);
                assertTrue(below == null || !below.resource().equals(row.image()), row.image() + " below its driver");
            }
            if (row.ptx().equals("none")) {
                assertEquals(0x7F, image[0], row.image() + " should be a bare cubin");
            }
        }
        assertNull(KernelImage.select(11080, 9), "CUDA 11.8 has no image");
        assertNull(KernelImage.select(12040, 7), "compute capability 7.x has no CUDA 12 image");
    }

    @Test
    void thePtxIsaOfTheFatbinIsTheDocumentedOneWhereNvccCanSay(@TempDir Path dir) throws Exception {
        String nvcc = KernelManifestTest.findOnPath("nvcc");
        Assumptions.assumeTrue(nvcc != null, "nvcc is not on PATH");
        Row fatbin = documented().stream().filter(r -> r.image().equals(KernelImage.FATBIN)).findFirst().orElseThrow();
        Path ptx = dir.resolve("k.ptx");
        run(List.of(nvcc, "-fmad=false", "-std=c++14", "-arch=compute_90", "-ptx", "-o", ptx.toString(),
                root().resolve("native/src/msense_kernels.cu").toString()), Map.of());
        String text = Files.readString(ptx);
        assertTrue(text.contains("\n.version " + fatbin.ptx() + "\n"), "nvcc writes a different PTX ISA than docs/gpu.md says ("
                + fatbin.ptx() + "): " + text.lines().filter(l -> l.startsWith(".version")).findFirst().orElse("none"));
    }

    @Test
    void theCuda12ManifestMatchesTheSourcesAndTheCubins() throws Exception {
        Map<String, String> m = KernelImage.entries(KernelImage.CUDA12_MANIFEST);
        Map<String, String> sources = new TreeMap<>();
        Map<String, String> actual = new TreeMap<>();
        m.forEach((k, v) -> {
            if (k.startsWith("source.")) {
                sources.put(k.substring(7), v);
            }
        });
        try (var files = Files.list(root().resolve("native/src"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(".cu") || name.endsWith(".h")) {
                    actual.put(name, sha256(Files.readAllBytes(p)));
                }
            }
        }
        assertEquals(actual, sources, "the committed CUDA 12 cubins are stale: run native/build-cuda12.sh and commit them");
        for (String arch : new String[] {"sm_80", "sm_90"}) {
            assertEquals(m.get("cubin." + arch + ".sha256"), sha256(KernelImage.read("msense_kernels.cuda12." + arch + ".cubin")),
                    arch + " cubin does not match its manifest");
        }
    }

    /** Where NVRTC 12 is at hand (NVRTC12_DIR, or native/build-cuda12.sh's cache), a rebuild gives the same bytes. */
    @Test
    void rebuildingTheCuda12CubinsGivesTheCommittedBytes(@TempDir Path dir) throws Exception {
        String env = System.getenv("NVRTC12_DIR");
        String cache = System.getenv().getOrDefault("XDG_CACHE_HOME", System.getProperty("user.home") + "/.cache");
        Path nvrtc = env != null ? Path.of(env) : Path.of(cache, "msense", "nvrtc-12.1");
        Assumptions.assumeTrue(Files.exists(nvrtc.resolve("libnvrtc.so.12")), "no NVRTC 12 at " + nvrtc
                + " (native/build-cuda12.sh fetches it)");
        Assumptions.assumeTrue(KernelManifestTest.findOnPath("python3") != null, "python3 is not on PATH");
        run(List.of("python3", root().resolve("native/nvrtc_build.py").toString(), nvrtc.resolve("libnvrtc.so.12").toString(),
                dir.toString(), "sm_80", "sm_90"), Map.of("LD_LIBRARY_PATH", nvrtc.toString()));
        for (String arch : new String[] {"sm_80", "sm_90"}) {
            assertArrayEquals(KernelImage.read("msense_kernels.cuda12." + arch + ".cubin"),
                    Files.readAllBytes(dir.resolve("msense_kernels." + arch + ".cubin")),
                    "the committed " + arch + " cubin differs from a rebuild: run native/build-cuda12.sh");
        }
    }

    /** Where nvcc is on PATH, building with the manifest's flags gives the committed fatbin byte for byte. */
    @Test
    void rebuildingTheFatbinGivesTheCommittedBytes(@TempDir Path dir) throws Exception {
        String nvcc = KernelManifestTest.findOnPath("nvcc");
        Assumptions.assumeTrue(nvcc != null, "nvcc is not on PATH");
        List<String> cmd = new ArrayList<>(List.of(nvcc));
        cmd.addAll(List.of(KernelImage.manifest().flags().split(" ")));
        cmd.addAll(List.of("-fatbin", "-o", dir.resolve("k.fatbin").toString(),
                root().resolve("native/src/msense_kernels.cu").toString()));
        run(cmd, Map.of());
        assertArrayEquals(KernelImage.fatbin(), Files.readAllBytes(dir.resolve("k.fatbin")),
                "the committed fatbin differs from a rebuild: run native/build.sh");
    }

    private static void run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), cmd + " failed:\n" + out);
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
