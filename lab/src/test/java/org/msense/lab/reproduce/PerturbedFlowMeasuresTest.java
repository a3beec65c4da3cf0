package org.msense.lab.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msense.core.algorithm.BoundedPerturbation;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.problem.GroundTruth;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * The two measurements of the perturbed-flow experiment against cases whose answer is known in closed form: the
 * nuisance at t_fit on exponential records, and the error of the rank-r fit of X* − P.
 */
class PerturbedFlowMeasuresTest {

    /**
     * σ_r(t) = 1e-4·g^t and σ_{r+1}(t) = 1e-6·h^t recorded every 3 steps: log-linear interpolation is exact, so the
     * nuisance at t_fit (σ_r = 1/2) is 1e-6·h^{t*} with t* = ln(5000)/ln g.
     */
    @Test
    void nuisanceAtFitInterpolatesExponentialRecordsExactly() {
        double g = 1.21;
        double h = 1.02;
        List<DiagnosticRecord> records = new ArrayList<>();
        for (int t = 0; t <= 90; t += 3) {
            double signal = 1e-4 * Math.pow(g, t);
            records.add(new DiagnosticRecord(0, t, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    new double[] {signal, 1e-6 * Math.pow(h, t)}));
        }
        Trajectories runs = new Trajectories(List.of(records), null);
        double tStar = Math.log(0.5 / 1e-4) / Math.log(g);
        assertEquals(1e-6 * Math.pow(h, tStar), PerturbedFlowExperiment.nuisanceAtFit(runs, 0, 1), 1e-12 * 1e-6 * 5);
        // a run that never reaches σ_r/2 gives NaN
        Trajectories stalled = new Trajectories(List.of(records.subList(0, 5)), null);
        assertTrue(Double.isNaN(PerturbedFlowExperiment.nuisanceAtFit(stalled, 0, 1)));
    }

    /**
     * P outside the signal spaces with ‖P‖₂ &lt; σ_r leaves [X* − P]_r = X* (error 0); P = c·X* gives
     * [X* − P]_r = (1 − c)X* (relative error c).
     */
    @Test
    void rankFitErrorMatchesClosedForms() {
        int n1 = 9;
        int n2 = 7;
        int r = 2;
        GroundTruth t = GroundTruth.generate(new ProblemSpec(n1, n2, r, 2, 1, 30, OperatorKind.GAUSSIAN, 0, 5));
        double sigmaR = t.sigma()[r - 1];
        double[] outside = BoundedPerturbation.outside(BoundedPerturbation.gaussianDirection(n1, n2, n2, 3), n1, n2,
                t.left(), t.right(), r);
        double[] p = BoundedPerturbation.scaled(outside, n1, n2, 0.9 * sigmaR).matrix(0);
        assertEquals(0, PerturbedFlowExperiment.rankFitError(t, p, r), 1e-13);
        double c = 0.3;
        double[] scaled = t.matrix().clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= c;
        }
        assertEquals(c, PerturbedFlowExperiment.rankFitError(t, scaled, r), 1e-13);
    }
}
