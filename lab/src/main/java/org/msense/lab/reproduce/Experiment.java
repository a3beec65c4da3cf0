package org.msense.lab.reproduce;

import java.io.IOException;

/**
 * One reproducible phenomenon of the theory (docs/math.md): it runs factorized gradient descent on problems
 * it chooses, writes its figures into its own directory, and returns its numbers and the checks of the
 * predictions. Every experiment has a quick configuration (seconds on a laptop CPU, run by the tests) and
 * a full one (larger problems, longer runs).
 */
public interface Experiment {

    /** The command-line name, e.g. {@code alpha}. */
    String name();

    /** One line: what the experiment shows. */
    String summary();

    /** Runs the experiment in {@code lab} (quick or full per {@link Lab#quick()}) and reports what it found. */
    ExperimentResult run(Lab lab) throws IOException;
}
