package org.msense.lab.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@code .npy} file cannot be read or does not hold what is expected: it is missing, it is not a {@code .npy}
 * file, it is truncated, its dtype or memory order is unsupported, or its shape is not the one required. The
 * message names the file, says what was found and what to do about it; {@link #path()} is the file.
 */
public class NpyException extends IOException {
    private static final long serialVersionUID = 1L;
    /** Not serialized: {@link Path} is not serializable. */
    private final transient Path path;

    /**
     * @param path    the file concerned, or null when the array did not come from a file
     * @param message the complete message, already naming the file
     */
    public NpyException(Path path, String message) {
        super(message);
        this.path = path;
    }

    /**
     * @param path    the file concerned, or null when the array did not come from a file
     * @param message the complete message, already naming the file
     * @param cause   the underlying error
     */
    public NpyException(Path path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The file concerned, or null when the array did not come from a file (or after deserialization). */
    public Path path() {
        return path;
    }
}
