package org.msense.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The machine's memory read floor: the best rate (of several passes) at which {@code threads} threads
 * stream once through a buffer far larger than the caches, summing its entries. The sum is an int
 * reduction, which the JIT vectorizes, so the loop is limited by memory, not by arithmetic. Any kernel that
 * must read B bytes from memory needs at least B / rate seconds: the one-pass floor.
 */
final class ReadBandwidth {
    private static volatile long sink;

    private ReadBandwidth() {
    }

    /**
     * Bytes per second of the fastest of {@code passes} full reads of a {@code bytes}-byte buffer split into
     * one contiguous range per thread.
     */
    static double measure(long bytes, int threads, int passes) throws Exception {
        int[] buffer = new int[(int) Math.min(bytes / 4, Integer.MAX_VALUE - 8)];
        for (int i = 0; i < buffer.length; i += 1024) {
            buffer[i] = i;
        }
        // compile the loop (C2 vectorizes it) before timing anything
        for (int i = 0; i < 2000; i++) {
            sink += sum(buffer, 0, Math.min(buffer.length, 1 << 14));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads - 1));
        try {
            double best = 0;
            for (int pass = 0; pass < passes + 1; pass++) {
                long start = System.nanoTime();
                List<Future<Integer>> parts = new ArrayList<>();
                for (int t = 1; t < threads; t++) {
                    int from = (int) ((long) buffer.length * t / threads);
                    int to = (int) ((long) buffer.length * (t + 1) / threads);
                    parts.add(pool.submit(() -> sum(buffer, from, to)));
                }
                long total = sum(buffer, 0, (int) ((long) buffer.length / threads));
                for (Future<Integer> f : parts) {
                    total += f.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                sink = total;
                if (pass > 0) { // the first pass touches the pages
                    best = Math.max(best, 4.0 * buffer.length / seconds);
                }
            }
            return best;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int sum(int[] v, int from, int to) {
        int s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s;
    }
}
