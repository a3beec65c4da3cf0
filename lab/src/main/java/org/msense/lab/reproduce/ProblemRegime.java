package org.msense.lab.reproduce;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.util.Locale;
import org.msense.core.problem.RegimeEstimate;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * The regime of one problem an experiment ran on, as the report gives it ({@link RegimeEstimate}): δ̂ =
 * ‖𝒜*𝒜(X*) − X*‖₂/σ_r and the angles between the top-r singular spaces of 𝒜*𝒜(X*) and those of X*.
 *
 * @param problem           the problem in a few words (sizes, m, κ)
 * @param deltaHat          δ̂ (null in JSON when not measured)
 * @param deviation         ‖𝒜*𝒜(X*) − X*‖₂
 * @param sinAngleLeft      sin θ(U_M, U*)
 * @param sinAngleRight     sin θ(V_M, V*)
 * @param wedinBound        ‖𝒜*𝒜(X*) − X*‖₂ / σ_r(𝒜*𝒜(X*)), Wedin's bound on both angles
 * @param skipped           why it was not measured; absent when measured
 */
public record ProblemRegime(String problem, double deltaHat, double deviation, double sinAngleLeft, double sinAngleRight,
        double wedinBound, @JsonInclude(Include.NON_NULL) String skipped) {

    /** The regime of the problem {@code spec}, from its estimate. */
    public static ProblemRegime of(ProblemSpec spec, RegimeEstimate e) {
        String problem = String.format(Locale.ROOT, "%d×%d, r = %d, κ = %s, m = %d (%.2f·n1n2)%s", spec.n1(), spec.n2(),
                spec.rank(), Check.format(spec.condition()), spec.measurements(),
                spec.measurements() / (double) spec.entries(),
                spec.operator() == OperatorKind.GAUSSIAN ? "" : ", operator " + spec.operator().id());
        return new ProblemRegime(problem, e.relativeDeviation(), e.deviation(), e.sinAngleLeft(), e.sinAngleRight(),
                e.wedinBound(), e.skippedBecause());
    }

    /** One line for report.md. */
    public String describe() {
        if (skipped != null) {
            return problem + ": regime not measured (" + skipped + ")";
        }
        return problem + String.format(Locale.ROOT, ": δ̂ = %s, sin θ(U_M, U*) = %s, sin θ(V_M, V*) = %s (Wedin bound %s)",
                Check.format(deltaHat), Check.format(sinAngleLeft), Check.format(sinAngleRight), Check.format(wedinBound));
    }
}
