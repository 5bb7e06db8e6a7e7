package org.minespark.job;

/** The output exists (without {@code --overwrite}) or cannot be written (exit code 4). */
final class OutputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OutputException(String message) {
        super(message);
    }

    OutputException(String message, Throwable cause) {
        super(message, cause);
    }
}
