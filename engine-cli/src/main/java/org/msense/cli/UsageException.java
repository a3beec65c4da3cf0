package org.msense.cli;

/** The command line is wrong in a way the parser cannot see (a value out of range); the message says how. Exit status 2, no stack trace. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
