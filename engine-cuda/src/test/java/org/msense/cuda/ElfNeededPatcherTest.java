package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ELF retargeting of the bridge, on the real JCublas2 JNI library shipped in jcublas-natives (on the
 * test class path): patch it from libcublas.so.12 to libcublas.so.13, parse it again, and check that the
 * needed entry, the version-need file and the version name all say .so.13 and that vna_hash is the SysV
 * ELF hash of the new name, computed here by an independent implementation that is first checked against
 * the hash the linker stored in the unpatched file.
 */
class ElfNeededPatcherTest {

    /** The System V ABI's elf_hash, written the textbook way in 32-bit unsigned arithmetic. */
    private static long referenceElfHash(String name) {
        int h = 0;
        for (byte b : name.getBytes(StandardCharsets.US_ASCII)) {
            h = (h << 4) + (b & 0xff);
            int g = h & 0xf0000000;
            if (g != 0) {
                h ^= g >>> 24;
            }
            h &= ~g;
        }
        return Integer.toUnsignedLong(h);
    }

    private static byte[] jniLibrary() throws IOException {
        String name = JCudaNatives.resourceName(JCudaNatives.CUBLAS2);
        try (InputStream in = ElfNeededPatcherTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, "the JCublas2 JNI library " + name + " is not on the test class path (jcublas-natives)");
            return in.readAllBytes();
        }
    }

    @Test
    void theStockLibraryNeedsCublas12WithTheLinkersHash() throws IOException {
        ElfNeededPatcher.DynamicInfo info = ElfNeededPatcher.read(jniLibrary());
        assertTrue(info.needed().contains("libcublas.so.12"), "needed: " + info.needed());
        List<ElfNeededPatcher.VersionNeed> cublas = info.versionNeeds().stream()
                .filter(v -> v.file().equals("libcublas.so.12")).toList();
        assertFalse(cublas.isEmpty(), "no version requirement on libcublas.so.12: " + info.versionNeeds());
        for (var v : cublas) {
            // The linker wrote these hashes: they check the reference implementation, which checks the patcher.
            assertEquals(referenceElfHash(v.name()), v.hash(), "vna_hash of " + v.name());
            assertEquals(referenceElfHash(v.name()), ElfNeededPatcher.elfHash(v.name()));
        }
    }

    @Test
    void patchingRetargetsNeededFileVersionNameAndHash() throws IOException {
        byte[] stock = jniLibrary();
        byte[] before = stock.clone();
        ElfNeededPatcher.Result r = ElfNeededPatcher.patch(stock, "libcublas.so.12", "libcublas.so.13");
        assertArrayEquals(before, stock, "the input must not be modified");
        assertTrue(r.changed());
        assertEquals(1, r.neededRewritten());
        assertEquals(1, r.versionFilesRewritten());
        assertTrue(r.versionNamesRewritten() >= 1);
        assertEquals(stock.length, r.image().length);

        ElfNeededPatcher.DynamicInfo old = ElfNeededPatcher.read(stock);
        ElfNeededPatcher.DynamicInfo now = ElfNeededPatcher.read(r.image());
        assertFalse(now.needed().contains("libcublas.so.12"), "needed: " + now.needed());
        assertTrue(now.needed().contains("libcublas.so.13"), "needed: " + now.needed());
        assertEquals(old.needed().size(), now.needed().size());
        // Every other needed library and version requirement is unchanged, entry by entry.
        assertEquals(old.versionNeeds().size(), now.versionNeeds().size());
        for (int i = 0; i < old.versionNeeds().size(); i++) {
            var o = old.versionNeeds().get(i);
            var n = now.versionNeeds().get(i);
            if (o.file().equals("libcublas.so.12")) {
                assertEquals("libcublas.so.13", n.file());
                String expectedName = o.name().equals("libcublas.so.12") ? "libcublas.so.13" : o.name();
                assertEquals(expectedName, n.name());
                assertEquals(referenceElfHash(expectedName), n.hash(), "vna_hash of " + n.name());
                assertEquals(o.other(), n.other(), "the version index must not change");
            } else {
                assertEquals(o, n);
            }
        }
        // Only bytes inside .dynstr and the vna_hash words changed: 2 bytes per string ("12" → "13") at most.
        int diff = 0;
        for (int i = 0; i < stock.length; i++) {
            if (stock[i] != r.image()[i]) {
                diff++;
            }
        }
        assertTrue(diff > 0 && diff <= 2 * 3 + 4 * r.versionNamesRewritten(), "bytes changed: " + diff);
    }

    @Test
    void patchingTwiceIsANoOpTheSecondTime() throws IOException {
        byte[] once = ElfNeededPatcher.patch(jniLibrary(), "libcublas.so.12", "libcublas.so.13").image();
        ElfNeededPatcher.Result twice = ElfNeededPatcher.patch(once, "libcublas.so.12", "libcublas.so.13");
        assertFalse(twice.changed());
        assertArrayEquals(once, twice.image());
    }

    @Test
    void refusesNamesOfDifferentLengthAndNonElfInput() throws IOException {
        byte[] lib = jniLibrary();
        assertThrows(IllegalArgumentException.class, () -> ElfNeededPatcher.patch(lib, "libcublas.so.12", "libcublas.so.130"));
        assertThrows(IllegalArgumentException.class, () -> ElfNeededPatcher.patch(new byte[100], "a", "b"));
    }

    /** Cross-check with binutils where it is installed: readelf must read the patched file the same way. */
    @Test
    void readelfAgrees(@TempDir Path dir) throws Exception {
        Path readelf = null;
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, "readelf"))) {
                readelf = Path.of(p, "readelf");
                break;
            }
        }
        Assumptions.assumeTrue(readelf != null, "readelf (binutils) is not on PATH");
        Path out = dir.resolve("patched.so");
        Files.write(out, ElfNeededPatcher.patch(jniLibrary(), "libcublas.so.12", "libcublas.so.13").image());
        Process p = new ProcessBuilder(readelf.toString(), "-d", "-V", out.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("Shared library: [libcublas.so.13]"), text);
        assertTrue(text.contains("File: libcublas.so.13"), text);
        assertTrue(text.contains("Name: libcublas.so.13"), text);
        assertFalse(text.contains("libcublas.so.12"), text);
    }
}
