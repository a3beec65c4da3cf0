package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Where the probe's time limit comes from (the limit itself is exercised in {@link CudaProbeStandInTest}). */
class CudaProbeTimeoutTest {

    @Test
    void thePropertyWinsOverTheVariableWhichWinsOverTheDefault() {
        assertEquals(new CudaProbe.Timeout(5, "-Dmsense.cuda.probeTimeout"), CudaProbe.timeout("5", "7"));
        assertEquals(new CudaProbe.Timeout(7, "MSENSE_CUDA_PROBE_TIMEOUT"), CudaProbe.timeout(null, " 7 "));
        assertEquals(new CudaProbe.Timeout(20, "default"), CudaProbe.timeout(null, null));
        assertEquals(new CudaProbe.Timeout(0.5, "MSENSE_CUDA_PROBE_TIMEOUT"), CudaProbe.timeout("", "0.5"));
    }

    @Test
    void aValueThatIsNotAPositiveNumberIsIgnoredAndSaidSo() {
        assertEquals(new CudaProbe.Timeout(20, "default; MSENSE_CUDA_PROBE_TIMEOUT=soon ignored: not a positive number of seconds"),
                CudaProbe.timeout(null, "soon"));
        assertEquals(new CudaProbe.Timeout(3, "MSENSE_CUDA_PROBE_TIMEOUT"), CudaProbe.timeout("-1", "3"));
    }

    @Test
    void timesAreShownWithoutNeedlessDecimals() {
        assertEquals("20 s", new CudaProbe.Timeout(20, "default").text());
        assertEquals("2.5 s", new CudaProbe.Timeout(2.5, "default").text());
        assertEquals(2500, new CudaProbe.Timeout(2.5, "default").millis());
    }
}
