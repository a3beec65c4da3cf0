package org.msense.lab.io;

/**
 * JSON text is not valid (RFC 8259) or does not have the shape asked for. The message has the form
 * {@code source line L, column C: what is wrong}, e.g.
 * {@code config.json line 2, column 15: NaN is not a JSON number; write a finite number}; {@link #line()} and
 * {@link #column()} give the position (1-based), or 0 where the parser gives none.
 */
public class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final int line;
    private final int column;

    /**
     * @param source the name of the text (usually a file name) shown at the start of the message
     * @param line   1-based line, or 0 when unknown
     * @param column 1-based column, or 0 when unknown
     * @param detail what is wrong
     * @param cause  the parser's exception, or null
     */
    public JsonException(String source, int line, int column, String detail, Throwable cause) {
        super(source + (line > 0 ? " line " + line + (column > 0 ? ", column " + column : "") : "") + ": " + detail,
                cause);
        this.source = source;
        this.line = line;
        this.column = column;
    }

    /** The name of the text given to the reader. */
    public String source() {
        return source;
    }

    /** The 1-based line of the error, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** The 1-based column of the error, or 0 when unknown. */
    public int column() {
        return column;
    }
}
