package org.msense.cuda;

import org.msense.core.backend.Availability;

/** Run in a child JVM by {@link CudaProbeStandInTest}: prints the CUDA backend's probe answer. */
public final class ProbeMain {
    private ProbeMain() {
    }

    public static void main(String[] args) {
        CudaBackend backend = new CudaBackend();
        Availability a = backend.probe();
        System.out.println("available=" + a.available());
        System.out.println("reason=" + a.reason());
        System.out.println("details=" + a.details());
        System.out.println("again=" + (backend.probe() == a)); // cached: the same answer object
        System.out.println("tmpdir=" + System.getProperty("java.io.tmpdir"));
    }
}
