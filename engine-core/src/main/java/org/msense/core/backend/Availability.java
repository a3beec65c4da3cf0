package org.msense.core.backend;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of a backend's probe: whether it can open here and, either way, a one-line human reason
 * and the facts found on the way (device name, driver version, library versions …).
 *
 * @param available whether {@link Backend#open} is expected to succeed
 * @param reason    one line: why not, or what will be used
 * @param details   ordered facts for {@code msense backends}; never null
 */
public record Availability(boolean available, String reason, Map<String, String> details) {

    public Availability {
        reason = reason == null ? "" : reason;
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** An available backend. */
    public static Availability yes(String reason, Map<String, String> details) {
        return new Availability(true, reason, details);
    }

    /** An unavailable backend and why. */
    public static Availability no(String reason, Map<String, String> details) {
        return new Availability(false, reason, details);
    }
}
