package org.msense.core.backend;

/**
 * A compute backend, discovered with {@link java.util.ServiceLoader} (see {@link Backends}).
 *
 * <p>A provider is cheap to construct and does no work until asked: {@link #probe()} finds out whether
 * the backend can run here, {@link #open(EngineOptions)} creates an {@link Engine} that owns every buffer it
 * allocates. Several engines, of the same or different backends, may be open in one JVM at once.
 */
public interface Backend {

    /** Short stable id used on the command line: {@code cpu}, {@code cuda}. */
    String id();

    /** Preference for {@code --backend auto}: the available backend with the highest priority wins. */
    int priority();

    /** One line saying what the backend is. */
    String description();

    /**
     * Whether this backend can open here, and why or why not. Must never throw (including
     * {@link LinkageError} from missing native libraries): failures become {@link Availability#no}. May be
     * slow the first time; implementations compute it once and return the cached answer afterwards.
     */
    Availability probe();

    /**
     * Opens an engine. The caller closes it; closing frees every buffer the engine allocated.
     *
     * @throws BackendException when the backend is unavailable or opening fails; the message says why
     */
    Engine open(EngineOptions options);

    /**
     * Whether engines of this backend implement the operator kind ({@link Engine#supportsOperator} says the same for
     * an open engine); known without opening one, so that {@code auto} can pass over a backend that lacks it.
     */
    default boolean supportsOperator(org.msense.core.spec.OperatorKind kind) {
        return kind == org.msense.core.spec.OperatorKind.GAUSSIAN;
    }
}
