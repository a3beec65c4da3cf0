package org.msense.core.spec;

/**
 * How the factors are trained.
 *
 * @param iterations maximum number of gradient steps T ≥ 1
 * @param logEvery   diagnostics are recorded at t = 0, logEvery, 2·logEvery, … and at the last iteration
 * @param tolerance  a trajectory stops (status {@code converged}) once its relative error is ≤ tolerance,
 *                   checked at logged iterations; 0 disables the test
 * @param minibatch  0 for full-batch gradient descent on the problem's m measurements; b &gt; 0 for
 *                   stochastic gradient descent that draws b fresh Gaussian measurements at every step
 * @param method     the update rule ({@link Method}); the preconditioned ones need {@code minibatch} = 0
 */
public record AlgorithmSpec(int iterations, int logEvery, double tolerance, int minibatch, Method method) {
    public AlgorithmSpec {
        Checks.atLeast("iterations", iterations, 1);
        Checks.atLeast("log-every", logEvery, 1);
        Checks.nonNegative("tolerance", tolerance);
        Checks.atLeast("minibatch", minibatch, 0);
        Checks.present("method", method);
        if (method != Method.GD && minibatch > 0) {
            throw new InvalidSpecException("method", method.id() + " runs on the full set of measurements;"
                    + " fresh-measurement SGD (--minibatch) is only available with gd");
        }
    }

    /** Plain gradient descent ({@link Method#GD}). */
    public AlgorithmSpec(int iterations, int logEvery, double tolerance, int minibatch) {
        this(iterations, logEvery, tolerance, minibatch, Method.GD);
    }

    /** Whether iteration t is recorded. */
    public boolean logs(int t) {
        return t % logEvery == 0 || t == iterations;
    }
}
