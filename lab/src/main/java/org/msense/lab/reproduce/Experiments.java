package org.msense.lab.reproduce;

import java.util.List;
import java.util.Optional;

/** The experiments of {@code msense reproduce}, in the order {@code all} runs them. */
public final class Experiments {
    private Experiments() {
    }

    /** Every experiment, in report order. */
    public static List<Experiment> all() {
        return List.of(new AlphaExperiment(), new WidthExperiment(), new SpectrumExperiment(), new BalanceExperiment(),
                new PhasesExperiment(),
                new NoiseExperiment(), new SgdExperiment(), new ImbalancedInitExperiment(), new PreconditioningExperiment(),
                new SgdBudgetExperiment(), new PhaseDiagramExperiment(),
                new OperatorsExperiment(), new PerturbedFlowExperiment());
    }

    /** The experiment of that name. */
    public static Optional<Experiment> byName(String name) {
        return all().stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
