package org.minespark.job;

/**
 * Process exit codes of {@code mine-spark} (a contract: scripts test them).
 *
 * <ul>
 *   <li>0: success</li>
 *   <li>1: any other failure (a bug, a Spark failure, an unsupported operation)</li>
 *   <li>2: usage error: unknown subcommand or flag, a value that does not parse, a parameter out
 *       of range, an unknown or mistyped configuration key ({@link IllegalArgumentException})</li>
 *   <li>3: bad input data: the input path does not exist or cannot be read in the given format, a
 *       selected column is missing, or the data cannot be used ({@link InputDataException})</li>
 *   <li>4: the output exists (and {@code --overwrite} was not given) or cannot be written
 *       ({@link OutputException})</li>
 * </ul>
 */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;
    static final int INPUT = 3;
    static final int OUTPUT = 4;

    private ExitCodes() {
    }
}
