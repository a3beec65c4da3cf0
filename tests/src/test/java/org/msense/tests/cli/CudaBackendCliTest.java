package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.msense.core.backend.Availability;
import org.msense.core.backend.Backend;
import org.msense.core.backend.Backends;

/**
 * What the command line says about the CUDA backend, on any machine: {@code msense backends} lists it with
 * its reason (or, where available, its device, driver, cuBLAS, bridge and self-test), and
 * {@code --backend cuda} where it is unavailable is a one-line error carrying the probe's reason.
 */
class CudaBackendCliTest {

    private static Availability cuda() {
        Backend b = Backends.discover().stream().filter(x -> x.id().equals("cuda")).findFirst().orElseThrow(
                () -> new AssertionError("the cuda backend is not discovered (engine-cuda missing from the class path)"));
        assertTrue(b.priority() > 10, "cuda must rank above the CPU backend for --backend auto");
        return Backends.probe(b);
    }

    @Test
    void backendsListsCudaWithItsReasonOrItsFacts() {
        Availability a = cuda();
        CliRunner r = CliRunner.run("backends");
        assertTrue(r.out().contains("cuda"), r.out());
        if (a.available()) {
            for (String key : new String[] {"device:", "driver:", "cublas:", "bridge:", "self-test:"}) {
                assertTrue(r.out().contains(key), "missing " + key + " in\n" + r.out());
            }
        } else {
            assertTrue(r.out().contains("unavailable"), r.out());
            assertTrue(r.out().contains("reason: " + a.reason()), r.out());
            assertFalse(a.reason().isBlank());
        }
    }

    @Test
    void explicitCudaWhereUnavailableIsAClearError() {
        Availability a = cuda();
        org.junit.jupiter.api.Assumptions.assumeFalse(a.available(), "CUDA is available here; the error path cannot be shown");
        CliRunner r = CliRunner.run("run", "--backend", "cuda", "--iterations", "1");
        assertEquals(2, r.status(), "asking for a backend this machine lacks is an input error: " + r.err());
        assertTrue(r.err().contains("the cuda backend is not available: " + a.reason()), r.err());
        assertFalse(r.hasStackTrace(), "no stack trace: " + r.err());
    }
}
