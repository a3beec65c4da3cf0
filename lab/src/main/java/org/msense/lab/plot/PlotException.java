package org.msense.lab.plot;

import java.awt.AWTError;
import java.awt.HeadlessException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A plot could not be drawn. {@link #graphicsUnavailable()} tells the common case apart: Java2D cannot work on
 * this machine at all (a minimal server without fonts or without the FreeType library, where AWT fails while
 * loading them), so every later plot would fail the same way. The message is one line for people: it names no
 * Java class.
 */
public final class PlotException extends Exception {
    private static final long serialVersionUID = 1L;
    /** Fully qualified Java class names, e.g. {@code sun.awt.X11FontManager}. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*\\b");
    /** Directories in front of a file name, e.g. of a native library. */
    private static final Pattern DIRECTORIES = Pattern.compile("(?<![\\w.])/(?:[^\\s/:]+/)+");

    private final boolean graphicsUnavailable;

    /** @param message what failed and why */
    public PlotException(String message) {
        this(message, null, false);
    }

    private PlotException(String message, Throwable cause, boolean graphicsUnavailable) {
        super(message, cause);
        this.graphicsUnavailable = graphicsUnavailable;
    }

    /** Whether Java2D is unusable here (e.g. no fonts): then no plot can be drawn in this process. */
    public boolean graphicsUnavailable() {
        return graphicsUnavailable;
    }

    /**
     * Wraps a failure of drawing. Linkage errors, AWT and internal errors, a missing display and anything that
     * mentions fonts count as "graphics unavailable"; the message says why without naming Java classes.
     */
    static PlotException of(Throwable e) {
        boolean fonts = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            fonts |= m != null && m.toLowerCase(Locale.ROOT).contains("font");
        }
        boolean unavailable = fonts || e instanceof LinkageError || e instanceof AWTError || e instanceof InternalError
                || e instanceof HeadlessException;
        if (!unavailable) {
            return new PlotException("the chart could not be drawn (" + detail(e, "an internal error of the chart library")
                    + ")", e, false);
        }
        String why;
        if (e instanceof NoClassDefFoundError || e instanceof ExceptionInInitializerError) {
            why = "its font system failed to start earlier in this process";
        } else if (e instanceof HeadlessException) {
            why = "no display is available";
        } else {
            why = detail(e, "its font system failed to start");
        }
        return new PlotException("Java cannot draw text on this machine (" + why + ")", e, true);
    }

    /** The innermost useful message of the chain, on one line, without class names or directories. */
    static String detail(Throwable e, String fallback) {
        String found = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank()) {
                String clean = DIRECTORIES.matcher(CLASS_NAME.matcher(m).replaceAll("")).replaceAll("")
                        .replaceAll("\\s+", " ").replaceAll("\\(\\s*\\)", "").trim();
                if (clean.length() >= 4) {
                    found = clean;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return found == null ? fallback : found;
    }
}
