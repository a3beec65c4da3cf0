package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The private cache that native libraries are loaded from (no library is loaded here). */
class NativeCacheTest {
    private static final byte[] IMAGE = "\u007fELF pretend this is a shared library".getBytes(StandardCharsets.ISO_8859_1);

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aLibraryIsInstalledInAPrivateDirectoryNamedByItsHash(@TempDir Path dir) throws IOException {
        Path root = NativeCache.privateDirectory(dir.resolve("cache"));
        Path file = NativeCache.install(root, "libX.so", IMAGE);
        String hash = NativeCache.sha256(IMAGE).substring(0, NativeCache.HASH_DIGITS);
        assertEquals(root.resolve("jni").resolve(hash).resolve("libX.so"), file);
        assertArrayEquals(IMAGE, Files.readAllBytes(file));
        assertEquals("rwx------", mode(root));
        assertEquals("rwx------", mode(root.resolve("jni")));
        assertEquals("rwx------", mode(file.getParent()));
        assertEquals("rw-------", mode(file));
        try (var left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList(), "no temporary file is left behind");
        }
        assertEquals(file, NativeCache.install(root, "libX.so", IMAGE), "installing again reuses the file");
    }

    @Test
    void aTruncatedOrReplacedFileInTheCacheIsRewritten(@TempDir Path dir) throws IOException {
        Path root = NativeCache.privateDirectory(dir.resolve("cache"));
        Path file = NativeCache.install(root, "libX.so", IMAGE);
        Files.write(file, java.util.Arrays.copyOf(IMAGE, 8)); // truncated
        assertArrayEquals(IMAGE, Files.readAllBytes(NativeCache.install(root, "libX.so", IMAGE)));
        byte[] same = IMAGE.clone();
        same[same.length - 1] ^= 1; // same size, other content
        Files.write(file, same);
        assertArrayEquals(IMAGE, Files.readAllBytes(NativeCache.install(root, "libX.so", IMAGE)));
        Path elsewhere = Files.write(dir.resolve("elsewhere.so"), IMAGE);
        Files.delete(file);
        Files.createSymbolicLink(file, elsewhere); // right content, but a link: replaced by a file
        NativeCache.install(root, "libX.so", IMAGE);
        assertFalse(Files.isSymbolicLink(file));
        assertArrayEquals(IMAGE, Files.readAllBytes(file));
    }

    @Test
    void aDirectoryOthersCanWriteIsRefused(@TempDir Path dir) throws IOException {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));
        IOException e = assertThrows(IOException.class, () -> NativeCache.privateDirectory(shared));
        assertTrue(e.getMessage().contains("writable by its group (mode 775)"), e.getMessage());
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xrwx"));
        e = assertThrows(IOException.class, () -> NativeCache.privateDirectory(shared));
        assertTrue(e.getMessage().contains("writable by others (mode 757)"), e.getMessage());
        e = assertThrows(IOException.class, () -> NativeCache.root(Map.of("MSENSE_CACHE_DIR", shared.toString())));
        assertTrue(e.getMessage().contains("set MSENSE_CACHE_DIR to a directory of your own"), e.getMessage());
    }

    @Test
    void aDirectoryInAWorldWritableDirectoryWithoutTheStickyBitIsRefused(@TempDir Path dir) throws IOException {
        Path open = Files.createDirectories(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> NativeCache.privateDirectory(open.resolve("cache")));
        assertTrue(e.getMessage().contains("which others can write without the sticky bit"), e.getMessage());
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(NativeCache.currentUid() == 0, "only root can give a directory to another user");
        Path theirs = Files.createDirectories(dir.resolve("theirs"));
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(theirs, "unix:uid", 65534);
        IOException e = assertThrows(IOException.class, () -> NativeCache.privateDirectory(theirs));
        assertTrue(e.getMessage().contains("is owned by uid 65534, not by this user (uid 0)"), e.getMessage());
    }

    @Test
    void rootsAreTheExplicitDirectoryOrTheUsualCachePlaces(@TempDir Path dir) {
        assertEquals(List.of(dir.resolve("mine")), NativeCache.candidateRoots(Map.of("MSENSE_CACHE_DIR", dir.resolve("mine").toString(),
                "XDG_CACHE_HOME", dir.toString())));
        List<Path> roots = NativeCache.candidateRoots(Map.of("XDG_CACHE_HOME", dir.toString()));
        assertEquals(dir.resolve("msense"), roots.get(0));
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "msense"), roots.get(1));
        assertTrue(roots.get(2).startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath()), roots.toString());
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "msense"),
                NativeCache.candidateRoots(Map.of("XDG_CACHE_HOME", "relative/ignored")).get(0));
    }
}
