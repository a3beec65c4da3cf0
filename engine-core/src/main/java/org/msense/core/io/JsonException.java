package org.msense.core.io;

/**
 * JSON text is not valid (RFC 8259), or a parsed value does not have the type a field needs. For syntax
 * errors the message has the form {@code source:line:column: what was expected, found what}, e.g.
 * {@code config.json:3:14: expected ',' or '}' after a value, found 'x'}, and {@link #line()} and
 * {@link #column()} give the position (1-based; columns count Unicode code points). For type errors the
 * position is unknown ({@code 0}) and the message names the field.
 */
public class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final int line;
    private final int column;

    /**
     * A syntax error at a position.
     *
     * @param source the name of the text (usually a file name) shown at the start of the message
     * @param line   1-based line
     * @param column 1-based column, in code points
     * @param detail what was expected and what was found
     */
    public JsonException(String source, int line, int column, String detail) {
        super(source + ":" + line + ":" + column + ": " + detail);
        this.source = source;
        this.line = line;
        this.column = column;
    }

    /**
     * An error without a position, such as a value of the wrong type.
     *
     * @param message the complete message, naming the field concerned
     */
    public JsonException(String message) {
        super(message);
        this.source = null;
        this.line = 0;
        this.column = 0;
    }

    /** The name of the text given to the parser, or null for errors without a position. */
    public String source() {
        return source;
    }

    /** The 1-based line of the error, or 0 when it has no position. */
    public int line() {
        return line;
    }

    /** The 1-based column (in code points) of the error, or 0 when it has no position. */
    public int column() {
        return column;
    }
}
