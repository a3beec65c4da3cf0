package org.msense.lab.run;

/**
 * The input of a run cannot work, as found once the run has looked at its machine (the problem does not fit in
 * memory, the backend asked for is unavailable): a mistake of the command line, not a failure of the run. The
 * command exits with status 2 and this message.
 */
public final class RunInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public RunInputException(String message) {
        super(message);
    }
}
