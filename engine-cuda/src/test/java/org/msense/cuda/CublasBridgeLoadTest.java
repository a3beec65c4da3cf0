package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole bridge, loaded for real, without a GPU: a stand-in {@code libcublas.so.13} is built here with
 * gcc, exporting every cuBLAS symbol JCublas2's JNI library imports (read with readelf) under the version
 * {@code libcublas.so.13}, as cuBLAS 13 does; its {@code cublasGetProperty} answers 13.99.7 and every other
 * function is a stub that is never called. A child JVM then runs {@link CublasBridge#prepare} with
 * {@code MSENSE_CUBLAS_PATH} pointing there, and JCublas2 must load through the patched JNI library and
 * report 13.99.7 — which exercises the ELF patch against glibc's version check, the preloading by soname,
 * the cache file and JCuda's own loader. As a control, the unpatched JNI library must fail to load against
 * the same stand-in.
 *
 * <p>Skipped where gcc or readelf is missing, or where a real libcublas.so.12 would be found first.
 */
class CublasBridgeLoadTest {
    static Path gcc;
    static Path readelf;

    @BeforeAll
    static void tools() {
        gcc = NativeTools.onPath("gcc");
        readelf = NativeTools.onPath("readelf");
    }

    /** Builds the stand-in libcublas.so.13 in {@code dir}. */
    static void buildStandIn(Path dir) throws IOException, InterruptedException {
        Path jni = dir.resolve("jni.so");
        try (InputStream in = CublasBridgeLoadTest.class.getClassLoader().getResourceAsStream(JCudaNatives.resourceName(JCudaNatives.CUBLAS2))) {
            Files.write(jni, in.readAllBytes());
        }
        TreeSet<String> names = new TreeSet<>();
        for (String sym : NativeTools.importedSymbols(readelf, jni)) {
            if (sym.contains("@libcublas.so.12")) {
                names.add(sym.substring(0, sym.indexOf('@')));
            }
        }
        assertTrue(names.size() > 100 && names.contains("cublasGetProperty") && names.contains("cublasDgemm_v2"),
                "imports: " + names.size());
        StringBuilder c = new StringBuilder();
        for (String n : names) {
            if (n.equals("cublasGetProperty")) {
                c.append("int cublasGetProperty(int type, int *value) { *value = type == 0 ? 13 : type == 1 ? 99 : 7; return 0; }\n");
            } else {
                c.append("int ").append(n).append("(void) { return 14; }\n");
            }
        }
        Files.writeString(dir.resolve("standin.c"), c);
        Files.writeString(dir.resolve("standin.map"), "libcublas.so.13 { global: *; };\n");
        NativeTools.exec(List.of(gcc.toString(), "-shared", "-fPIC", "-o", dir.resolve(CublasBridge.CUBLAS_13).toString(),
                "-Wl,-soname," + CublasBridge.CUBLAS_13, "-Wl,--version-script=" + dir.resolve("standin.map"),
                dir.resolve("standin.c").toString()), null);
        Files.delete(jni);
    }

    @Test
    void jcublas2LoadsThroughThePatchedLibraryAndTheStockOneDoesNot(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(gcc != null && readelf != null, "gcc and readelf are needed to build the stand-in cuBLAS");
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Map<String, String> env = new HashMap<>();
        env.put("MSENSE_CUBLAS_PATH", lib.toString());
        env.put("MSENSE_CACHE_DIR", cache.toString());
        Map<String, String> childEnv = new HashMap<>(System.getenv());
        childEnv.putAll(env);
        Assumptions.assumeTrue(CublasBridge.find(CublasBridge.CUBLAS_12, CublasBridge.searchDirectories(childEnv)).isEmpty(),
                "a real libcublas.so.12 is installed here, so the bridge would not be used");
        buildStandIn(lib);

        String out = NativeTools.childJvm(BridgeProbeMain.class, env, "bridge");
        assertTrue(out.contains("bridge=so.12→so.13 patch"), out);
        assertTrue(out.contains("version=13.99.7"), "JCublas2 must call the stand-in through the patched library:\n" + out);
        assertTrue(out.contains("tmpdir=" + System.getProperty("java.io.tmpdir")), "java.io.tmpdir must be restored:\n" + out);
        try (var files = Files.walk(cache)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().equals(
                    "lib" + JCudaNatives.libraryName(JCudaNatives.CUBLAS2) + ".so")), "the patched library is cached");
        }

        String control = NativeTools.childJvm(BridgeProbeMain.class, env, "stock", lib.toString());
        assertTrue(control.contains("stock=failed") && control.contains("libcublas.so.12"),
                "the unpatched library must not load against cuBLAS 13:\n" + control);
    }
}
