package org.msense.core.spec;

/**
 * A parameter is out of its domain. {@link #field()} is the parameter's name as the command line and the
 * JSON config spell it (e.g. {@code rank}, {@code step-size}), and the message says what was wrong and
 * what is allowed.
 */
public class InvalidSpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidSpecException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The parameter's name, as on the command line without the dashes. */
    public String field() {
        return field;
    }
}
