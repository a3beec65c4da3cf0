package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.msense.core.backend.EngineOptions;

/** The backend's own facts and the debug switch, without a GPU. */
class CudaBackendOptionsTest {

    @Test
    void msenseCudaSyncTurnsOnDebugSynchronizationAndKeepsTheRest() {
        EngineOptions o = new EngineOptions(3, 0, true, false);
        EngineOptions on = CudaBackend.withDebugFromEnvironment(o, "1");
        assertTrue(on.debugSync());
        assertEquals(3, on.threads());
        assertTrue(on.allowTf32());
        assertTrue(CudaBackend.withDebugFromEnvironment(o, "true").debugSync());
        assertSame(o, CudaBackend.withDebugFromEnvironment(o, null));
        assertFalse(CudaBackend.withDebugFromEnvironment(o, "0").debugSync());
    }

    @Test
    void cudaRanksAboveTheCpuAndIsNamedCuda() {
        CudaBackend b = new CudaBackend();
        assertEquals("cuda", b.id());
        assertTrue(b.priority() > 10);
    }
}
