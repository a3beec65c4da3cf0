package org.msense.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import jcuda.JCudaVersion;
import jcuda.LibUtils;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;

/**
 * Loads JCuda's JNI libraries from {@link NativeCache}, checked, before JCuda's own loader can touch
 * {@code java.io.tmpdir}.
 *
 * <p>How JCuda loads (jcuda 12.6.0, {@code LibUtils.loadLibrary}, reached from the static initializer of
 * {@link JCudaDriver} and {@link JCublas2}): first {@code System.loadLibrary(name)} on
 * {@code java.library.path}; failing that, it takes the file {@code <java.io.tmpdir>/lib<name>.so}, writes
 * it from the jar only when no such file exists, and calls {@code System.load} on it, trusting whatever is
 * there. The hook used here: the JVM loads a given canonical path once per class loader, and a second
 * {@code System.load} of it returns at once. So the library is first installed in the cache (atomically,
 * verified by size and SHA-256) and loaded with {@code System.load} by absolute path; then the JCuda class is
 * initialized with {@code java.io.tmpdir} pointing, for that call only, at the cache directory that holds
 * the file, so that JCuda's loader finds exactly that file, already loaded, and neither reads nor writes the
 * real temporary directory. A stale or planted file in the temporary directory is never opened.
 *
 * <p>When {@code System.load} fails (typically {@code libcuda.so.1} or {@code libcublas.so.12} not found), the
 * JCuda class is not touched at all, so nothing is left half-initialized. This class and JCuda must be loaded
 * by the same class loader (they are: both on the class path).
 */
final class JCudaNatives {
    static final String DRIVER = "JCudaDriver";
    static final String CUBLAS2 = "JCublas2";

    private JCudaNatives() {
    }

    /** JCuda's platform library name for {@code base}, e.g. {@code JCudaDriver-12.6.0-linux-x86_64}. */
    static String libraryName(String base) {
        return LibUtils.createPlatformLibraryName(base + "-" + JCudaVersion.get());
    }

    /** The file name JCuda gives the library, e.g. {@code libJCudaDriver-12.6.0-linux-x86_64.so}. */
    static String fileName(String base) {
        return LibUtils.createLibraryFileName(libraryName(base));
    }

    /** The resource path of the library in its natives jar (no leading slash). */
    static String resourceName(String base) {
        return "lib/" + fileName(base);
    }

    /** The library as shipped in its natives jar. */
    static byte[] stockImage(String base) throws IOException {
        try (InputStream in = JCudaNatives.class.getClassLoader().getResourceAsStream(resourceName(base))) {
            if (in == null) {
                throw new IOException("the JCuda library " + resourceName(base) + " is not on the class path (the "
                        + (base.equals(DRIVER) ? "jcuda" : "jcublas") + "-natives jar for linux-x86_64 is missing)");
            }
            return in.readAllBytes();
        }
    }

    /**
     * Loads the JCuda driver library (which needs {@code libcuda.so.1}) from the cache and initializes
     * {@link JCudaDriver} with exceptions enabled.
     *
     * @return the file loaded
     * @throws IOException when the library cannot be installed in the cache
     * @throws UnsatisfiedLinkError when it cannot be loaded (no driver)
     */
    static Path loadDriver(Map<String, String> env) throws IOException {
        return load(DRIVER, stockImage(DRIVER), env, () -> JCudaDriver.setExceptionsEnabled(true));
    }

    /**
     * Loads {@code image} (the stock JCublas2 library, or the bridge's retargeted copy) from the cache and
     * initializes {@link JCublas2}. The cuBLAS it links must be loadable (preloaded by the bridge).
     */
    static Path loadCublas2(byte[] image, Map<String, String> env) throws IOException {
        return load(CUBLAS2, image, env, JCublas2::initialize);
    }

    private static synchronized Path load(String base, byte[] image, Map<String, String> env, Runnable initialize)
            throws IOException {
        Path file = NativeCache.install(NativeCache.root(env), fileName(base), image);
        System.load(file.toString());
        withTemporaryDirectory(file.getParent(), initialize);
        return file;
    }

    /** Runs {@code action} with {@code java.io.tmpdir} set to {@code dir}, restoring it afterwards. */
    static void withTemporaryDirectory(Path dir, Runnable action) {
        String previous = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", dir.toString());
        try {
            action.run();
        } finally {
            if (previous == null) {
                System.clearProperty("java.io.tmpdir");
            } else {
                System.setProperty("java.io.tmpdir", previous);
            }
        }
    }
}
