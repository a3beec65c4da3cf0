package org.msense.cpu;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ejml.EjmlVersion;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.SensingOperator;
import org.msense.core.backend.Precision;
import org.msense.core.backend.Transpose;
import org.msense.core.rng.GaussianStream;
import org.msense.core.spec.OperatorKind;

/**
 * The CPU engine: {@link VectorGemm} (fp64, when the Vector API is present) or EJML
 * ({@code CommonOps_DDRM}/{@code CommonOps_FDRM}) for the dense products, a fused
 * multi-threaded pass for the sensing operator ({@link SensingKernels}), and the Java Philox generator for
 * {@link #fillGaussian}. Batched operations run their items in parallel when the work is large enough.
 */
final class CpuEngine extends Engine {
    /** Multiply-adds of a batched operation below which it stays on one thread. */
    private static final long PARALLEL_WORK = 1L << 18;
    /**
     * Multiply-adds of a single product below which its rows are not split over the cores: a 100×100×100 product
     * (10⁶) takes 0.05–0.1 ms on one core, and handing half of it to a worker cost more than it saved (0.14–0.36 ms
     * on two threads against 0.06–0.12 ms on one, docs/benchmarks.md).
     */
    private static final long SPLIT_WORK = 1L << 22;

    private final ParallelLoops loops;
    private final SensingKernels sensing;
    private boolean fused = true;
    private boolean ejmlProducts;

    CpuEngine(int threads) {
        super(CpuBackend.ID);
        this.loops = new ParallelLoops(threads);
        this.sensing = new SensingKernels(loops);
    }

    @Override
    public String device() {
        return "CPU, " + loops.threads() + " thread" + (loops.threads() == 1 ? "" : "s");
    }

    @Override
    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("threads", Integer.toString(loops.threads()));
        p.put("ejml", EjmlVersion.VERSION);
        p.put("fp64 products", SensingKernels.VECTOR_API && !ejmlProducts ? "Vector API" : "EJML");
        p.put("sensing pass", fused ? sensing.implementation() : "unfused (EJML reference)");
        return p;
    }

    /**
     * Chooses the implementation of {@link #residualAndAdjoint}: the fused single pass (default) or the
     * unfused EJML reference (forward product, then transposed product).
     */
    void useFusedPass(boolean useFused) {
        this.fused = useFused;
    }

    /** fp64 dense products through EJML even when the Vector API is present (to compare and test). */
    void useEjmlProducts(boolean ejml) {
        this.ejmlProducts = ejml;
    }

    /** Selects the scalar fused pass even when the Vector API is present (to compare and test it). */
    void useScalarPass(boolean scalar) {
        sensing.forceScalar(scalar);
    }

    /** Runs one trajectory's fused pass in Java even where the native pass loads (to compare and test it). */
    void useJavaPass(boolean java) {
        sensing.forceJava(java);
    }

    /**
     * Equal precisions, or an fp32 operator with fp64 data (fp32 storage of 𝒜, fp64 arithmetic: the stored
     * entries are widened exactly on load).
     */
    @Override
    public boolean supportsOperatorPrecision(Precision operator, Precision work) {
        return operator == work || (operator == Precision.FP32 && work == Precision.FP64);
    }

    /**
     * The operators this engine implements: gaussian (dense, through the sensing pass), completion, and the
     * structured operators of {@link CpuOperatorFactory} (gaussian-implicit, hadamard, rank-one).
     */
    static final java.util.Set<OperatorKind> OPERATORS = java.util.EnumSet.of(OperatorKind.GAUSSIAN, OperatorKind.COMPLETION,
            OperatorKind.GAUSSIAN_IMPLICIT, OperatorKind.HADAMARD, OperatorKind.RANK_ONE);

    @Override
    public boolean supportsOperator(OperatorKind kind) {
        return OPERATORS.contains(kind);
    }

    @Override
    protected SensingOperator openOperatorImpl(OperatorDescription d, Precision precision) {
        if (d.kind() == OperatorKind.COMPLETION) {
            return new CompletionOperator(this, loops, d.n1(), d.n2(), d.entries());
        }
        if (CpuOperatorFactory.builds(d.kind())) {
            return CpuOperatorFactory.open(this, loops, d, precision);
        }
        return super.openOperatorImpl(d, precision);
    }

    private static CpuMatrixBatch c(MatrixBatch m) {
        return (CpuMatrixBatch) m;
    }

    @Override
    protected MatrixBatch allocateImpl(Precision precision, int count, int rows, int cols) {
        if ((long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new BackendException("the cpu backend stores each matrix in one Java array of at most 2³¹−1 elements; "
                    + rows + "×" + cols + " = " + (long) rows * cols + " is too many (reduce the measurements or the dimensions)");
        }
        try {
            return new CpuMatrixBatch(this, precision, count, rows, cols);
        } catch (OutOfMemoryError e) {
            long bytes = (long) count * rows * cols * precision.bytes();
            throw new BackendException("out of Java heap allocating " + count + "×" + rows + "×" + cols + " " + precision
                    + " (" + (bytes >> 20) + " MiB); raise the heap (JAVA_OPTS=-Xmx…), use fp32 or fewer measurements");
        }
    }

    @Override
    protected void releaseImpl(MatrixBatch m) {
        // Garbage-collected storage: nothing to free explicitly.
    }

    @Override
    protected void uploadImpl(double[] src, MatrixBatch dst) {
        CpuMatrixBatch d = c(dst);
        int item = (int) dst.itemElements();
        for (int b = 0; b < dst.count(); b++) {
            if (d.d != null) {
                System.arraycopy(src, b * item, d.d[b].data, 0, item);
            } else {
                float[] t = d.f[b].data;
                for (int i = 0; i < item; i++) {
                    t[i] = (float) src[b * item + i];
                }
            }
        }
    }

    @Override
    protected double[] downloadImpl(MatrixBatch src) {
        CpuMatrixBatch s = c(src);
        int item = (int) src.itemElements();
        double[] out = new double[(int) src.elements()];
        for (int b = 0; b < src.count(); b++) {
            if (s.d != null) {
                System.arraycopy(s.d[b].data, 0, out, b * item, item);
            } else {
                float[] t = s.f[b].data;
                for (int i = 0; i < item; i++) {
                    out[b * item + i] = t[i];
                }
            }
        }
        return out;
    }

    @Override
    protected void fillGaussianImpl(GaussianStream stream, double scale, MatrixBatch dst) {
        CpuMatrixBatch d = c(dst);
        int item = (int) dst.itemElements();
        for (int b = 0; b < dst.count(); b++) {
            long first = (long) b * item;
            int bb = b;
            loops.forChunks(item, 1 << 16, (chunk, from, to) -> {
                if (d.d != null) {
                    stream.fill(first + from, scale, d.d[bb].data, from, to - from);
                } else {
                    stream.fill(first + from, scale, d.f[bb].data, from, to - from);
                }
            });
        }
    }

    @Override
    protected void copyImpl(MatrixBatch src, MatrixBatch dst) {
        CpuMatrixBatch s = c(src);
        CpuMatrixBatch d = c(dst);
        for (int b = 0; b < src.count(); b++) {
            if (s.d != null) {
                d.d[b].setTo(s.d[b]);
            } else {
                d.f[b].setTo(s.f[b]);
            }
        }
    }

    @Override
    protected void gemmImpl(double alpha, MatrixBatch a, Transpose ta, MatrixBatch b, Transpose tb, double beta,
            MatrixBatch cOut) {
        CpuMatrixBatch ca = c(a);
        CpuMatrixBatch cb = c(b);
        CpuMatrixBatch cc = c(cOut);
        int inner = ta == Transpose.NONE ? a.cols() : a.rows();
        long work = (long) cOut.count() * cOut.rows() * cOut.cols() * inner;
        boolean parallel = work >= PARALLEL_WORK && cOut.count() > 1;
        if (cc.d != null && cOut.count() == 1 && work >= SPLIT_WORK) {
            // one large product: split its rows over the cores instead
            DenseProducts.gemm(alpha, ca.d(0), ta, cb.d(0), tb, beta, cc.d[0], ejmlProducts, loops);
        } else if (cc.d != null) {
            loops.forEach(cOut.count(), parallel, i -> DenseProducts.gemm(alpha, ca.d(i), ta, cb.d(i), tb, beta, cc.d[i],
                    ejmlProducts));
        } else {
            loops.forEach(cOut.count(), parallel, i -> DenseProducts.gemm((float) alpha, ca.f(i), ta, cb.f(i), tb,
                    (float) beta, cc.f[i]));
        }
    }

    @Override
    protected void scaleAddImpl(double[] alpha, MatrixBatch x, MatrixBatch y) {
        CpuMatrixBatch cx = c(x);
        CpuMatrixBatch cy = c(y);
        for (int b = 0; b < y.count(); b++) {
            if (alpha[b] == 0) {
                continue;
            }
            if (cy.d != null) {
                CommonOps_DDRM.addEquals(cy.d[b], alpha[b], cx.d(b));
            } else {
                CommonOps_FDRM.addEquals(cy.f[b], (float) alpha[b], cx.f(b));
            }
        }
    }

    @Override
    protected double[] squaredNormsImpl(MatrixBatch x) {
        CpuMatrixBatch cx = c(x);
        double[] out = new double[x.count()];
        for (int b = 0; b < x.count(); b++) {
            double s = 0;
            if (cx.d != null) {
                for (double v : cx.d[b].data) {
                    s += v * v;
                }
            } else {
                for (float v : cx.f[b].data) {
                    s += (double) v * v;
                }
            }
            out[b] = s;
        }
        return out;
    }

    @Override
    protected double[] squaredDistancesImpl(MatrixBatch x, MatrixBatch ref) {
        CpuMatrixBatch cx = c(x);
        CpuMatrixBatch cr = c(ref);
        double[] out = new double[x.count()];
        int n = (int) x.itemElements();
        for (int b = 0; b < x.count(); b++) {
            double s = 0;
            if (cx.d != null) {
                double[] p = cx.d[b].data;
                double[] q = cr.d(b).data;
                for (int i = 0; i < n; i++) {
                    double dlt = p[i] - q[i];
                    s += dlt * dlt;
                }
            } else {
                float[] p = cx.f[b].data;
                float[] q = cr.f(b).data;
                for (int i = 0; i < n; i++) {
                    double dlt = (double) p[i] - q[i];
                    s += dlt * dlt;
                }
            }
            out[b] = s;
        }
        return out;
    }

    @Override
    protected void residualImpl(MatrixBatch op, MatrixBatch x, MatrixBatch y, MatrixBatch res) {
        if (op.precision() != x.precision()) {
            SensingKernels.residualWidened(c(op).f[0], c(x).d, c(y), c(res).d);
        } else if (op.precision() == Precision.FP64) {
            SensingKernels.residual(c(op).d[0], c(x).d, c(y).d, c(res).d);
        } else {
            SensingKernels.residual(c(op).f[0], c(x).f, c(y).f, c(res).f);
        }
    }

    @Override
    protected void adjointImpl(MatrixBatch op, MatrixBatch res, MatrixBatch e) {
        if (op.precision() != res.precision()) {
            SensingKernels.adjointWidened(c(op).f[0], c(res).d, c(e).d);
        } else if (op.precision() == Precision.FP64) {
            SensingKernels.adjoint(c(op).d[0], c(res).d, c(e).d);
        } else {
            SensingKernels.adjoint(c(op).f[0], c(res).f, c(e).f);
        }
    }

    @Override
    protected void residualAndAdjointImpl(MatrixBatch op, MatrixBatch x, MatrixBatch y, MatrixBatch res, MatrixBatch e) {
        if (!fused) {
            super.residualAndAdjointImpl(op, x, y, res, e);
        } else {
            sensing.fused(c(op), c(x), c(y), c(res), c(e));
        }
    }

    @Override
    protected void closeImpl() {
        loops.close();
    }
}
