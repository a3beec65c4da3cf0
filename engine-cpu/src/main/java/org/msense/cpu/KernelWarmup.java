package org.msense.cpu;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Compiles the Vector API kernels of the fused pass before a run needs them: the first time a CPU engine opens
 * in a JVM, a daemon thread runs {@link VectorSensingPass} on a tiny problem ({@value #ROWS} × {@value #COLS},
 * fp64 and fp32 operator, B = 1, 2 and 8) for at most {@value #MAX_MILLIS} ms, while the caller generates or
 * loads its operator. Interpreted Vector API code is orders of magnitude slower than compiled code, so without
 * this the first iterations of a run are slow. The warm-up works on its own arrays only: it changes no result.
 */
final class KernelWarmup {
    static final int ROWS = 67;
    static final int COLS = 1037;
    /** Calls per kernel variant. */
    static final int CALLS = 400;
    static final long MAX_MILLIS = 3000;
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static volatile double sink;

    private KernelWarmup() {
    }

    /** Starts the warm-up thread unless it has started in this JVM or the Vector API module is absent. */
    static void startOnce() {
        if (!SensingKernels.VECTOR_API || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(KernelWarmup::run, "msense-kernel-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** The warm-up itself: every variant {@value #CALLS} times, or until {@value #MAX_MILLIS} ms have passed. */
    static void run() {
        java.util.Random rnd = new java.util.Random(1);
        double[] a64 = new double[ROWS * COLS];
        float[] a32 = new float[ROWS * COLS];
        for (int i = 0; i < a64.length; i++) {
            a64[i] = rnd.nextGaussian();
            a32[i] = (float) a64[i];
        }
        double[][] x = {new double[COLS], new double[COLS]};
        double[][] y = {new double[ROWS], new double[ROWS]};
        double[][] res = {new double[ROWS], new double[ROWS]};
        double[][] x1 = {x[0]};
        double[][] y1 = {y[0]};
        double[][] res1 = {res[0]};
        int bp = VectorSensingPass.paddedBatch(8);
        double[] xi = new double[COLS * bp];
        double[] yi = new double[ROWS * bp];
        double[] ri = new double[ROWS * bp];
        double[] acc = new double[COLS * bp];
        long deadline = System.nanoTime() + MAX_MILLIS * 1_000_000L;
        for (int call = 0; call < CALLS && System.nanoTime() < deadline; call++) {
            VectorSensingPass.rowMajor(a64, COLS, 0, ROWS, x1, y1, res1, acc);
            VectorSensingPass.rowMajor(a32, COLS, 0, ROWS, x1, y1, res1, acc);
            VectorSensingPass.rowMajor(a64, COLS, 0, ROWS, x, y, res, acc);
            VectorSensingPass.rowMajor(a32, COLS, 0, ROWS, x, y, res, acc);
            VectorSensingPass.interleaved(a64, COLS, bp, 0, ROWS, xi, yi, ri, acc);
            VectorSensingPass.interleaved(a32, COLS, bp, 0, ROWS, xi, yi, ri, acc);
        }
        sink = acc[0] + res[0][0] + ri[0];
    }
}
