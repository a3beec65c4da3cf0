package org.msense.cuda;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A private, per-user cache of native libraries, each file in a directory named by its content hash, so
 * that what is loaded is exactly what was meant to be loaded.
 *
 * <p>Why: JCuda extracts its JNI libraries into {@code java.io.tmpdir} under fixed names and loads a file
 * that is already there without checking it. A truncated or foreign file there (an interrupted extraction,
 * another user's file in a shared {@code /tmp}) is mapped into the JVM and kills it with SIGBUS, or runs
 * someone else's code. Here instead:
 * <ul>
 *   <li>the cache root is {@code MSENSE_CACHE_DIR}, else {@code $XDG_CACHE_HOME/msense}, else
 *       {@code ~/.cache/msense}, else {@code <java.io.tmpdir>/msense-<user>} (the first that can be used;
 *       an explicit {@code MSENSE_CACHE_DIR} has no fallback);</li>
 *   <li>every directory of the cache is created with mode 0700, and one that exists is refused when it is
 *       owned by another user or writable by group or others, or when it sits in a directory that others can
 *       write and that either lacks the sticky bit or holds it as a symbolic link;</li>
 *   <li>a library is installed as {@code <root>/jni/<first 16 hex digits of its SHA-256>/<file name>}: written
 *       to a temporary file in that directory, forced to disk, renamed atomically over the final name, and
 *       checked (size and SHA-256) before it is returned. A file already there is reused only when it has
 *       the right size and hash; otherwise it is replaced the same way.</li>
 * </ul>
 */
final class NativeCache {
    /** What a {@code jni/<hash>} directory is named after: this many hex digits of the SHA-256. */
    static final int HASH_DIGITS = 16;

    private NativeCache() {
    }

    /** The candidate cache roots, in the order they are tried. */
    static List<Path> candidateRoots(Map<String, String> env) {
        String explicit = env.get("MSENSE_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return List.of(Path.of(explicit.strip()).toAbsolutePath());
        }
        List<Path> roots = new ArrayList<>();
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg.strip()).isAbsolute()) {
            roots.add(Path.of(xdg.strip(), "msense"));
        }
        String home = System.getProperty("user.home");
        if (home != null && !home.isBlank() && !home.equals("?")) {
            roots.add(Path.of(home, ".cache", "msense"));
        }
        String tmp = System.getProperty("java.io.tmpdir");
        if (tmp != null && !tmp.isBlank()) {
            roots.add(Path.of(tmp, "msense-" + System.getProperty("user.name", "user")).toAbsolutePath());
        }
        return roots;
    }

    /**
     * The first usable cache root, created if needed.
     *
     * @throws IOException naming every candidate and why it was refused
     */
    static Path root(Map<String, String> env) throws IOException {
        List<String> refused = new ArrayList<>();
        for (Path candidate : candidateRoots(env)) {
            try {
                return privateDirectory(candidate);
            } catch (IOException e) {
                refused.add(CublasBridge.firstLine(e));
            }
        }
        throw new IOException("no usable cache directory for native libraries (" + String.join("; ", refused)
                + "); set MSENSE_CACHE_DIR to a directory of your own");
    }

    /**
     * Installs {@code image} as {@code <root>/jni/<hash>/<fileName>} (see the class comment) and returns its
     * path, checked.
     */
    static Path install(Path root, String fileName, byte[] image) throws IOException {
        if (fileName.contains("/") || fileName.startsWith(".")) {
            throw new IllegalArgumentException("not a plain file name: " + fileName);
        }
        String hash = sha256(image);
        Path dir = privateDirectory(privateDirectory(root.resolve("jni")).resolve(hash.substring(0, HASH_DIGITS)));
        Path file = dir.resolve(fileName);
        if (!matches(file, image.length, hash)) {
            Path tmp = Files.createTempFile(dir, "." + fileName, ".part"); // mode 0600
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ByteBuffer b = ByteBuffer.wrap(image);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    ch.force(true);
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("cannot rename atomically in " + dir + " (" + e.getMessage() + ")", e);
                }
                syncDirectory(dir);
            } finally {
                Files.deleteIfExists(tmp); // only left when the write or the rename failed
            }
            if (!matches(file, image.length, hash)) {
                throw new IOException(file + " does not hold the expected " + image.length + " bytes (SHA-256 "
                        + hash.substring(0, HASH_DIGITS) + "…) after writing it");
            }
        }
        return file;
    }

    /** Whether {@code file} is a regular file (not a link) of {@code size} bytes with SHA-256 {@code hash}. */
    static boolean matches(Path file, long size, String hash) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != size) {
            return false;
        }
        return sha256(Files.readAllBytes(file)).equals(hash);
    }

    /**
     * {@code dir}, created with mode 0700 if missing (its parents with the default mode), after checking that
     * it is a directory of this user that no one else can write into.
     *
     * @throws IOException saying why the directory cannot be used
     */
    static Path privateDirectory(Path dir) throws IOException {
        dir = dir.toAbsolutePath();
        if (!Files.exists(dir)) {
            if (dir.getParent() != null) {
                Files.createDirectories(dir.getParent());
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // Made meanwhile (another JVM): checked below like any existing directory.
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory");
        }
        int me = currentUid();
        int owner = (Integer) Files.getAttribute(dir, "unix:uid");
        if (owner != me) {
            throw new IOException(dir + " is owned by uid " + owner + ", not by this user (uid " + me + ")");
        }
        int mode = (Integer) Files.getAttribute(dir, "unix:mode");
        if ((mode & 0022) != 0) {
            throw new IOException(dir + " is writable by " + ((mode & 0020) != 0 ? "its group" : "others") + " (mode "
                    + String.format(Locale.ROOT, "%o", mode & 07777) + "); make it private (chmod 700)");
        }
        Path parent = dir.getParent();
        if (parent != null) {
            int parentMode = (Integer) Files.getAttribute(parent, "unix:mode");
            if ((parentMode & 0022) != 0) {
                if ((parentMode & 01000) == 0) {
                    throw new IOException(dir + " is in " + parent + ", which others can write without the sticky bit (mode "
                            + String.format(Locale.ROOT, "%o", parentMode & 07777) + ")");
                }
                if (Files.isSymbolicLink(dir)) {
                    throw new IOException(dir + " is a symbolic link in " + parent + ", which others can write");
                }
            }
        }
        return dir;
    }

    /** The effective uid of this process (the owner of {@code /proc/self}). */
    static int currentUid() throws IOException {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            Path probe = Files.createTempFile("msense-uid", ".tmp"); // no /proc: a file this process made is ours
            try {
                return (Integer) Files.getAttribute(probe, "unix:uid");
            } finally {
                Files.deleteIfExists(probe);
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every file system lets a directory be synced; the rename itself is still atomic.
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
