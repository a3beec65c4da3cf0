package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msense.core.backend.BackendException;

/** Where the bridge looks for cuBLAS, with a made-up environment (no library is loaded here). */
class CublasBridgeSearchTest {

    @Test
    void explicitPathComesFirstThenLdLibraryPathInOrderAndMissingDirectoriesAreDropped(@TempDir Path root) throws IOException {
        Path explicit = Files.createDirectories(root.resolve("explicit"));
        Path a = Files.createDirectories(root.resolve("a"));
        Path b = Files.createDirectories(root.resolve("b"));
        Path missing = root.resolve("missing");
        List<Path> dirs = CublasBridge.searchDirectories(Map.of("MSENSE_CUBLAS_PATH", explicit.toString(),
                "LD_LIBRARY_PATH", a + "::" + missing + ":" + b));
        assertEquals(explicit, dirs.get(0));
        assertEquals(a, dirs.get(1));
        assertEquals(b, dirs.get(2));
        assertFalse(dirs.contains(missing));
    }

    @Test
    void explicitPathMayNameTheLibraryFile(@TempDir Path root) throws IOException {
        Path dir = Files.createDirectories(root.resolve("lib"));
        Path file = Files.createFile(dir.resolve(CublasBridge.CUBLAS_13));
        List<Path> dirs = CublasBridge.searchDirectories(Map.of("MSENSE_CUBLAS_PATH", file.toString()));
        assertEquals(dir, dirs.get(0));
        assertEquals(Optional.of(file), CublasBridge.find(CublasBridge.CUBLAS_13, dirs));
    }

    @Test
    void findTakesTheFirstDirectoryThatHasTheFile(@TempDir Path root) throws IOException {
        Path a = directoryHolding(root.resolve("a"), CublasBridge.CUBLAS_13);
        Path b = directoryHolding(root.resolve("b"), CublasBridge.CUBLAS_12);
        assertEquals(Optional.of(b.resolve(CublasBridge.CUBLAS_12)), CublasBridge.find(CublasBridge.CUBLAS_12, List.of(a, b)));
        assertEquals(Optional.of(a.resolve(CublasBridge.CUBLAS_13)), CublasBridge.find(CublasBridge.CUBLAS_13, List.of(a, b)));
        assertTrue(CublasBridge.find("libcublas.so.11", List.of(a, b)).isEmpty());
    }

    @Test
    void pythonWheelDirectoriesOfTheActiveEnvironmentAreSearched(@TempDir Path root) throws IOException {
        Path wheel = Files.createDirectories(root.resolve("lib/python3.12/site-packages/nvidia/cu13/lib"));
        List<Path> dirs = CublasBridge.searchDirectories(Map.of("VIRTUAL_ENV", root.toString()));
        assertTrue(dirs.contains(wheel), dirs.toString());
    }

    @Test
    void pythonWheelDirectoriesOfAnEnvironmentOnPathAreSearchedWithoutActivation(@TempDir Path root) throws IOException {
        Path venv = root.resolve("opt/venv");
        Files.createDirectories(venv.resolve("bin"));
        Path wheel = Files.createDirectories(venv.resolve("lib/python3.11/site-packages/nvidia/cu13/lib"));
        List<Path> dirs = CublasBridge.searchDirectories(Map.of("PATH", root.resolve("tools") + ":" + venv.resolve("bin") + "::"));
        assertTrue(dirs.contains(wheel), dirs.toString());
    }

    @Test
    void anExplicitCublasWinsOverALibcublas12FoundOnTheSearchPath(@TempDir Path root) throws IOException {
        Path explicit = directoryHolding(root.resolve("explicit"), CublasBridge.CUBLAS_13);
        Path ld = directoryHolding(root.resolve("ld"), CublasBridge.CUBLAS_12);
        Map<String, String> env = Map.of("MSENSE_CUBLAS_PATH", explicit.toString(), "LD_LIBRARY_PATH", ld.toString());
        assertEquals(Optional.of(explicit.resolve(CublasBridge.CUBLAS_13)),
                CublasBridge.choose(env, CublasBridge.searchDirectories(env)));
        // Named as a file, too.
        Map<String, String> file = Map.of("MSENSE_CUBLAS_PATH", explicit.resolve(CublasBridge.CUBLAS_13).toString(),
                "LD_LIBRARY_PATH", ld.toString());
        assertEquals(Optional.of(explicit.resolve(CublasBridge.CUBLAS_13)),
                CublasBridge.choose(file, CublasBridge.searchDirectories(file)));
        // Without it, so.12 anywhere wins over so.13 anywhere.
        Map<String, String> none = Map.of("LD_LIBRARY_PATH", explicit + ":" + ld);
        assertEquals(Optional.of(ld.resolve(CublasBridge.CUBLAS_12)), CublasBridge.choose(none, List.of(explicit, ld)));
    }

    @Test
    void anExplicitDirectoryWithoutCublasIsAnErrorNotASilentFallback(@TempDir Path root) throws IOException {
        Path empty = Files.createDirectories(root.resolve("empty"));
        Path ld = directoryHolding(root.resolve("ld"), CublasBridge.CUBLAS_12);
        Map<String, String> env = Map.of("MSENSE_CUBLAS_PATH", empty.toString(), "LD_LIBRARY_PATH", ld.toString());
        BackendException e = assertThrows(BackendException.class,
                () -> CublasBridge.choose(env, CublasBridge.searchDirectories(env)));
        assertTrue(e.getMessage().startsWith("no cuBLAS found in MSENSE_CUBLAS_PATH (" + empty + ")"), e.getMessage());
    }

    @Test
    void pythonWheelDirectoriesUnderLib64AreSearched(@TempDir Path root) throws IOException {
        Path wheel = Files.createDirectories(root.resolve("lib64/python3.9/site-packages/nvidia/cublas/lib"));
        List<Path> dirs = CublasBridge.searchDirectories(Map.of("VIRTUAL_ENV", root.toString()));
        assertTrue(dirs.contains(wheel), dirs.toString());
        Path venv = root.resolve("venv");
        Files.createDirectories(venv.resolve("bin"));
        Path onPath = Files.createDirectories(venv.resolve("lib64/python3.11/site-packages/nvidia/cu13/lib"));
        assertTrue(CublasBridge.searchDirectories(Map.of("PATH", venv.resolve("bin").toString())).contains(onPath));
    }

    /** {@code dir}, created, with an empty file named {@code library} in it. */
    private static Path directoryHolding(Path dir, String library) throws IOException {
        Files.createFile(Files.createDirectories(dir).resolve(library));
        return dir;
    }
}
