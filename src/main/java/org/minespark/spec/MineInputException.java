package org.minespark.spec;

/**
 * The input table cannot be used for an estimate: a selected column is missing or of an
 * unsupported type, there are too few usable rows, array lengths differ between rows, or the data
 * make the mutual information unbounded. The message names the column and the value found and
 * says what was expected. A subclass of {@link IllegalArgumentException} so that callers who catch
 * bad arguments in general still catch it; the command line maps it to exit code 3 (bad input
 * data), other {@code IllegalArgumentException}s to 2 (bad parameters).
 */
public class MineInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public MineInputException(String message) {
        super(message);
    }

    public MineInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
