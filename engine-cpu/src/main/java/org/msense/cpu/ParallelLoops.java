package org.msense.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/** A fixed pool of worker threads that runs index ranges in parallel; the calling thread takes part. */
final class ParallelLoops implements AutoCloseable {
    /** Runs one contiguous chunk [from, to) of a range. */
    interface RangeBody {
        void run(int chunk, int from, int to);
    }

    private final int threads;
    private final ExecutorService pool;

    ParallelLoops(int threads) {
        this.threads = Math.max(1, threads);
        AtomicInteger n = new AtomicInteger();
        this.pool = this.threads == 1 ? null : Executors.newFixedThreadPool(this.threads - 1, r -> {
            Thread t = new Thread(r, "msense-cpu-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    int threads() {
        return threads;
    }

    /**
     * Splits [0, n) into at most {@link #threads()} contiguous chunks of at least {@code minChunk} indices
     * and runs them in parallel. Returns the number of chunks used.
     */
    int forChunks(int n, int minChunk, RangeBody body) {
        int chunks = Math.max(1, Math.min(threads, n / Math.max(1, minChunk)));
        if (chunks == 1 || pool == null) {
            body.run(0, 0, n);
            return 1;
        }
        List<Future<?>> futures = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            int chunk = c;
            futures.add(pool.submit(() -> body.run(chunk, from, to)));
        }
        body.run(0, 0, (int) ((long) n / chunks));
        join(futures);
        return chunks;
    }

    /**
     * Runs {@code task.accept(t)} once for every t in [0, tasks): the calling thread and up to {@code threads() − 1}
     * workers take the next t from a shared counter until none is left, so a thread that loses its core for a while
     * takes fewer tasks instead of holding up the others. Which thread runs a task varies from call to call; what a
     * task computes must not depend on it. Returns when every task has finished (rethrowing the first failure).
     */
    void forTasks(int tasks, IntConsumer task) {
        int helpers = pool == null ? 0 : Math.min(threads, tasks) - 1;
        if (helpers <= 0) {
            for (int t = 0; t < tasks; t++) {
                task.accept(t);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable take = () -> {
            for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                task.accept(t);
            }
        };
        List<Future<?>> futures = new ArrayList<>(helpers);
        for (int h = 0; h < helpers; h++) {
            futures.add(pool.submit(take));
        }
        try {
            take.run();
        } finally {
            join(futures);
        }
    }

    /** Runs body(i) for i in [0, n), in parallel when {@code parallel}. */
    void forEach(int n, boolean parallel, IntConsumer body) {
        if (!parallel || n < 2) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        forChunks(n, 1, (c, from, to) -> {
            for (int i = from; i < to; i++) {
                body.accept(i);
            }
        });
    }

    private static void join(List<Future<?>> futures) {
        RuntimeException failure = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new IllegalStateException("interrupted while waiting for a CPU worker", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                failure = c instanceof RuntimeException re ? re : new IllegalStateException(c);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
