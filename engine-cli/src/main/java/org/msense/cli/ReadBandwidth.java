package org.msense.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The machine's memory read floor: the best rate (of several passes) at which {@code threads} threads
 * stream once through a buffer far larger than the caches, summing its entries with four independent
 * accumulators — vector sums ({@link VectorRead}) when the Vector API module is present, scalar otherwise —
 * so the loop is limited by memory, not by arithmetic. Any kernel that must read B bytes from memory needs
 * at least B / rate seconds: the one-pass floor.
 */
final class ReadBandwidth {
    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static volatile long sink;

    private ReadBandwidth() {
    }

    /** Which loop measures: "Vector API" or "scalar". */
    static String kernel() {
        return VECTOR ? "Vector API" : "scalar";
    }

    /**
     * Bytes per second of the fastest of {@code passes} full reads of a {@code bytes}-byte buffer split into
     * one contiguous range per thread.
     */
    static double measure(long bytes, int threads, int passes) throws Exception {
        long[] buffer = new long[(int) Math.min(bytes / 8, Integer.MAX_VALUE - 8)];
        for (int i = 0; i < buffer.length; i += 512) {
            buffer[i] = i;
        }
        // compile the loop before timing anything
        for (int i = 0; i < 2000; i++) {
            sink += sum(buffer, 0, Math.min(buffer.length, 1 << 14));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads - 1));
        try {
            double best = 0;
            for (int pass = 0; pass < passes + 1; pass++) {
                long start = System.nanoTime();
                List<Future<Long>> parts = new ArrayList<>();
                for (int t = 1; t < threads; t++) {
                    int from = (int) ((long) buffer.length * t / threads);
                    int to = (int) ((long) buffer.length * (t + 1) / threads);
                    parts.add(pool.submit(() -> sum(buffer, from, to)));
                }
                long total = sum(buffer, 0, (int) ((long) buffer.length / threads));
                for (Future<Long> f : parts) {
                    total += f.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                sink = total;
                if (pass > 0) { // the first pass touches the pages
                    best = Math.max(best, 8.0 * buffer.length / seconds);
                }
            }
            return best;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long sum(long[] v, int from, int to) {
        if (VECTOR) {
            return VectorRead.sum(v, from, to);
        }
        long s0 = 0;
        long s1 = 0;
        long s2 = 0;
        long s3 = 0;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            s0 += v[i];
            s1 += v[i + 1];
            s2 += v[i + 2];
            s3 += v[i + 3];
        }
        for (; i < to; i++) {
            s0 += v[i];
        }
        return s0 + s1 + s2 + s3;
    }
}
