package org.minespark.job;

/** The input table is missing, unreadable or unusable (exit code 3). */
final class InputDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputDataException(String message) {
        super(message);
    }

    InputDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
