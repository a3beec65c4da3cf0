package org.msense.cuda;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link CublasBridgeLoadTest} (loading native libraries is once per JVM).
 * {@code bridge}: prepares cuBLAS through {@link CublasBridge} and prints the bridge and the cuBLAS version
 * that JCublas2 reports. {@code stock DIR}: loads DIR/libcublas.so.13 and then the unpatched JCublas2 JNI
 * library, which must fail.
 */
public final class BridgeProbeMain {
    private BridgeProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("bridge")) {
            CublasBridge.Outcome o = CublasBridge.prepare();
            System.out.println("bridge=" + o.bridge());
            System.out.println("version=" + JCublasBlas.libraryVersion());
            System.out.println("tmpdir=" + System.getProperty("java.io.tmpdir"));
        } else {
            Path dir = Path.of(args[1]);
            System.load(dir.resolve(CublasBridge.CUBLAS_13).toString());
            Path stock = dir.resolve("stock.so");
            try (InputStream in = BridgeProbeMain.class.getClassLoader().getResourceAsStream(JCudaNatives.resourceName(JCudaNatives.CUBLAS2))) {
                Files.write(stock, in.readAllBytes());
            }
            try {
                System.load(stock.toString());
                System.out.println("stock=loaded");
            } catch (UnsatisfiedLinkError e) {
                System.out.println("stock=failed: " + e.getMessage());
            }
        }
    }
}
