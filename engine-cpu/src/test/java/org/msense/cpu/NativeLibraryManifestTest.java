package org.msense.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed native library (resources of engine-cpu) must be built from native/cpu/sensing_pass.c as it is now:
 * the manifest written by native/cpu/build.sh records the source's SHA-256 and the library's, and both must match.
 */
class NativeLibraryManifestTest {
    private static final String STALE = "the committed native library is stale: run native/cpu/build.sh and commit "
            + "engine-cpu/src/main/resources/org/msense/cpu/native/";

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = NativeSensingPass.class.getResourceAsStream(name)) {
            assertNotNull(in, name + " is not on the class path");
            return in.readAllBytes();
        }
    }

    @Test
    void manifestMatchesTheSourceAndTheLibrary() throws IOException {
        String lib = NativeSensingPass.RESOURCE;
        Map<String, String> manifest = new HashMap<>();
        for (String line : new String(resource(lib.replace(".so", ".manifest")), StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                manifest.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        // Surefire runs in the module directory (engine-cpu); the source is in ../native/cpu.
        Path source = Path.of(System.getProperty("user.dir")).resolve("../native/cpu/sensing_pass.c").normalize();
        assertTrue(Files.isRegularFile(source), "native/cpu/sensing_pass.c not found at " + source);
        assertEquals(manifest.get("source.sensing_pass.c"), sha256(Files.readAllBytes(source)),
                STALE + " (sensing_pass.c changed since the library was built)");
        assertEquals(manifest.get("library.sha256"), sha256(resource(lib)), STALE + " (the library does not match its manifest)");
        assertTrue(manifest.getOrDefault("flags", "").contains("-ffp-contract=fast"),
                "the library must be built with fused multiply-adds in its sums: " + manifest.get("flags"));
    }
}
