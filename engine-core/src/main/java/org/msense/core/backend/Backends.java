package org.msense.core.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the backends on the class path ({@link ServiceLoader} of {@link Backend}) and chooses one.
 *
 * <p>{@code auto} takes the available backend of highest priority and records, for each better one it
 * passed over, a one-line reason; an explicit id that is unknown or unavailable is an error carrying the
 * probe's reason. Nothing here is static state: every call looks again.
 */
public final class Backends {

    /** The outcome of {@link #select}: the backend to open and what was passed over on the way. */
    public record Selection(Backend backend, Availability availability, List<String> fallbacks) {
        public Selection {
            fallbacks = List.copyOf(fallbacks);
        }
    }

    private Backends() {
    }

    /** Every backend on the class path, highest priority first. */
    public static List<Backend> discover() {
        return discover(Backends.class.getClassLoader());
    }

    /** Every backend visible to {@code loader}, highest priority first. */
    public static List<Backend> discover(ClassLoader loader) {
        List<Backend> found = new ArrayList<>();
        var it = ServiceLoader.load(Backend.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                // A provider that cannot even be constructed is skipped; its absence shows in `backends`.
                System.err.println("msense: a backend provider could not be loaded: " + e.getMessage());
            }
        }
        found.sort(Comparator.comparingInt(Backend::priority).reversed().thenComparing(Backend::id));
        return found;
    }

    /** Runs a probe and turns anything it throws into an unavailability with the reason. */
    public static Availability probe(Backend backend) {
        try {
            Availability a = backend.probe();
            return a != null ? a : Availability.no("the probe gave no answer", Map.of());
        } catch (Throwable t) {
            return Availability.no("the probe failed: " + t, Map.of());
        }
    }

    /**
     * Chooses a backend that implements {@code kind}: as {@link #select(String, List)}, and under {@code auto} a backend
     * that lacks the operator is passed over for the next available one, with the reason among the fallbacks (so it is
     * announced, never silent). An explicit backend is returned as chosen; opening the operator on it then fails with
     * a message naming the kinds it has.
     */
    public static Selection select(String requested, List<Backend> backends, org.msense.core.spec.OperatorKind kind) {
        String want = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        if (!want.equals("auto")) {
            return select(requested, backends);
        }
        List<String> passed = new ArrayList<>();
        for (Backend b : backends) {
            Availability a = probe(b);
            if (!a.available()) {
                passed.add(b.id() + " unavailable: " + a.reason());
            } else if (!b.supportsOperator(kind)) {
                passed.add("the " + b.id() + " backend has no implementation of the '" + kind.id() + "' operator");
            } else {
                return new Selection(b, a, passed);
            }
        }
        throw new BackendException("no available backend runs the '" + kind.id() + "' operator: " + String.join("; ", passed));
    }

    /**
     * Chooses a backend.
     *
     * @param requested {@code auto} or a backend id
     * @throws BackendException for an unknown id, an unavailable explicit choice, or no available backend
     */
    public static Selection select(String requested, List<Backend> backends) {
        String want = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        if (backends.isEmpty()) {
            throw new BackendException("no backend found on the class path; the engine-cpu jar is missing");
        }
        if (want.equals("auto")) {
            List<String> passed = new ArrayList<>();
            for (Backend b : backends) {
                Availability a = probe(b);
                if (a.available()) {
                    return new Selection(b, a, passed);
                }
                passed.add(b.id() + " unavailable: " + a.reason());
            }
            throw new BackendException("no backend is available: " + String.join("; ", passed));
        }
        for (Backend b : backends) {
            if (b.id().equals(want)) {
                Availability a = probe(b);
                if (!a.available()) {
                    throw new BackendException("the " + b.id() + " backend is not available: " + a.reason()
                            + (b.id().equals("cpu") ? "" : " (use --backend cpu or auto)"));
                }
                return new Selection(b, a, List.of());
            }
        }
        List<String> ids = backends.stream().map(Backend::id).toList();
        throw new BackendException("unknown backend '" + requested + "'; choose auto or one of " + String.join(", ", ids));
    }
}
