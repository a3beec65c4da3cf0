package org.msense.lab.run;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Failures in words for one-line messages: the reason, not the exception's class. */
public final class Failures {
    private Failures() {
    }

    /**
     * A failure in words: {@code permission denied: PATH} for an {@link AccessDeniedException} (whose own message
     * is only the path), {@code no such file or directory: PATH}, the heap advice for an {@link OutOfMemoryError},
     * else the message (the class name only when there is none).
     */
    public static String describe(Throwable e) {
        Throwable c = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        if (c instanceof AccessDeniedException a) {
            return prefix(e, c) + "permission denied: " + a.getFile() + (a.getReason() == null ? "" : " (" + a.getReason() + ")");
        }
        if (c instanceof NoSuchFileException n) {
            return prefix(e, c) + "no such file or directory: " + n.getFile();
        }
        if (c instanceof FileSystemException f && f.getReason() != null && f.getFile() != null
                && (f.getMessage() == null || f.getMessage().equals(f.getFile()))) {
            return prefix(e, c) + f.getFile() + ": " + f.getReason();
        }
        if (e instanceof OutOfMemoryError) {
            return "out of Java heap (" + e.getMessage() + "); raise it with JAVA_OPTS=-Xmx…, or use --precision fp32 or"
                    + " fewer measurements";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** The wrapper's own words (e.g. "cannot write metrics.csv: "), when it has some beyond the cause's message. */
    private static String prefix(Throwable outer, Throwable cause) {
        if (outer == cause || outer.getMessage() == null) {
            return "";
        }
        String m = outer.getMessage();
        int i = cause.getMessage() == null ? -1 : m.indexOf(cause.getMessage());
        String p = i > 0 ? m.substring(0, i) : "";
        return p.endsWith(": ") ? p : "";
    }
}
