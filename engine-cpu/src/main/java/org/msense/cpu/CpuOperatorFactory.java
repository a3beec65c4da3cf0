package org.msense.cpu;

import org.ejml.data.DMatrixRMaj;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.spec.OperatorKind;

/**
 * Builds the structured sensing operators of the CPU backend from their descriptions (the dense {@code gaussian}
 * one is built by the engine itself): {@code gaussian-implicit} ({@link CpuImplicitGaussianOperator}),
 * {@code hadamard} ({@link CpuHadamardOperator}; its rows and signs arrive drawn by the engine) and
 * {@code rank-one} ({@link CpuRankOneOperator}; a_i, b_i from the description or generated from the seed). All
 * compute in fp64; opened in fp32 they are wrapped in a {@link WideningOperator}, which widens fp32 operands to fp64
 * and rounds every output to fp32 once.
 */
final class CpuOperatorFactory {
    private CpuOperatorFactory() {
    }

    /** Whether this factory builds the kind. */
    static boolean builds(OperatorKind kind) {
        return kind == OperatorKind.GAUSSIAN_IMPLICIT || kind == OperatorKind.HADAMARD || kind == OperatorKind.RANK_ONE;
    }

    /**
     * The operator of the description on {@code engine}.
     *
     * @param precision fp64: the fp64 operator, for fp64 factors; fp32: the same wrapped in a {@link WideningOperator},
     *                  for fp32 factors
     * @throws BackendException for a kind this factory does not build, or when the JVM lacks the
     *                          {@code jdk.incubator.vector} module its kernels use
     */
    static SensingOperator open(CpuEngine engine, ParallelLoops loops, OperatorDescription d, Precision precision) {
        if (!SensingKernels.VECTOR_API) {
            throw new BackendException("the " + d.kind().id() + " operator of the cpu backend needs the JDK Vector API:"
                    + " start java with --add-modules jdk.incubator.vector (the msense launcher does)");
        }
        SensingOperator fp64 = openFp64(engine, loops, d);
        return precision == Precision.FP32 ? new WideningOperator(engine, fp64) : fp64;
    }

    private static SensingOperator openFp64(CpuEngine engine, ParallelLoops loops, OperatorDescription d) {
        return switch (d.kind()) {
            case GAUSSIAN_IMPLICIT -> new CpuImplicitGaussianOperator(engine, loops, d.n1(), d.n2(), d.m(), d.seed());
            case HADAMARD -> {
                if (d.rows() == null) {
                    throw new IllegalStateException("hadamard: the engine draws the rows and signs before the backend builds the operator");
                }
                yield new CpuHadamardOperator(engine, loops, d.n1(), d.n2(), d.rows(), d.signs());
            }
            case RANK_ONE -> {
                RankOneProducts kernel = d.left() == null
                        ? RankOneProducts.generate(loops, d.seed(), d.m(), d.n1(), d.n2())
                        : new RankOneProducts(loops, DMatrixRMaj.wrap(d.m(), d.n1(), d.left()),
                                DMatrixRMaj.wrap(d.m(), d.n2(), d.right()));
                yield new CpuRankOneOperator(engine, loops, d.n1(), d.n2(), kernel);
            }
            default -> throw new BackendException("the cpu backend has no implementation of the '" + d.kind().id()
                    + "' operator");
        };
    }
}
