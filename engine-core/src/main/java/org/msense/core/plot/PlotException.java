package org.msense.core.plot;

/**
 * A plot could not be rendered to a raster image, typically because Java2D is unusable on this machine
 * (for example a minimal server without fonts, where AWT fails while loading them). The message says why.
 * SVG output does not depend on Java2D, so a caller that catches this can still write the SVG.
 */
public final class PlotException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and why */
    public PlotException(String message) {
        super(message);
    }

    /**
     * @param message what failed and why
     * @param cause the underlying error
     */
    public PlotException(String message, Throwable cause) {
        super(message, cause);
    }
}
