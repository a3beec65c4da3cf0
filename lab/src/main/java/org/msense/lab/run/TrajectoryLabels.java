package org.msense.lab.run;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.msense.core.spec.TrajectorySpec;

/**
 * Short legend labels for the trajectories of a batch, naming only what varies between them, e.g.
 * {@code α=1e-3} for an α sweep or {@code α=1e-3 μ=0.1} when both vary.
 */
public final class TrajectoryLabels {
    private TrajectoryLabels() {
    }

    /** One label per trajectory, in batch order. */
    public static List<String> of(List<TrajectorySpec> ts) {
        boolean av = varies(ts, t -> t.alphaV());
        boolean aw = varies(ts, t -> t.alphaW() / t.alphaV());
        boolean mu = varies(ts, t -> t.stepSize());
        boolean seed = varies(ts, t -> (double) t.initSeed());
        boolean damping = varies(ts, t -> t.damping());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ts.size(); i++) {
            TrajectorySpec t = ts.get(i);
            List<String> parts = new ArrayList<>();
            if (av || (!aw && !mu && !damping && !seed)) {
                parts.add(aw ? "α_V=" + Parameter.formatDouble(t.alphaV()) : "α=" + Parameter.formatDouble(t.alphaV()));
            }
            if (aw) {
                parts.add("α_W=" + Parameter.formatDouble(t.alphaW()));
            }
            if (mu) {
                parts.add("μ=" + Parameter.formatDouble(t.stepSize()));
            }
            if (damping) {
                parts.add("λ=" + Parameter.formatDouble(t.damping()));
            }
            if (seed) {
                parts.add("seed " + t.initSeed());
            }
            out.add(String.join(" ", parts));
        }
        return out;
    }

    private interface Key {
        double of(TrajectorySpec t);
    }

    private static boolean varies(List<TrajectorySpec> ts, Key k) {
        Set<Double> s = new HashSet<>();
        for (TrajectorySpec t : ts) {
            s.add(k.of(t));
        }
        return s.size() > 1;
    }
}
