package org.msense.core.backend;

/**
 * Options for opening an {@link Engine}. Backends ignore those that do not concern them.
 *
 * @param threads     CPU worker threads (0: one per available processor)
 * @param device      GPU ordinal
 * @param allowTf32   let fp32 GEMMs use TF32 tensor cores (10-bit mantissa products; see docs/gpu.md)
 * @param debugSync   synchronize and check for errors after every device call (slow; for debugging)
 */
public record EngineOptions(int threads, int device, boolean allowTf32, boolean debugSync) {

    public EngineOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be ≥ 0 (0 means one per processor), got " + threads);
        }
        if (device < 0) {
            throw new IllegalArgumentException("device must be ≥ 0, got " + device);
        }
    }

    /** Defaults: all processors, device 0, no TF32, no debug synchronization. */
    public static EngineOptions defaults() {
        return new EngineOptions(0, 0, false, false);
    }

    /** The number of CPU threads to use: {@link #threads} or, when 0, the available processors. */
    public int resolvedThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    public EngineOptions withThreads(int t) {
        return new EngineOptions(t, device, allowTf32, debugSync);
    }
}
