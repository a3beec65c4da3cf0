package org.msense.core.backend;

/**
 * A backend could not do what was asked: it is unavailable, a device call failed, or a resource
 * (device memory, array size) is too small for the request. The message says what happened and, where
 * possible, what to change.
 */
public class BackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
