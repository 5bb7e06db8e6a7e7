package org.minespark.spark;

import java.io.Serializable;

import org.apache.spark.sql.Row;

/**
 * How the engine reads a selected row into its wide row of doubles: every dimension of every
 * selected column side by side. {@link ColumnLayout} reads an estimate's x and y columns (numbers,
 * arrays, vectors); {@link PairsLayout} reads a {@code pairs} run's columns (plus one-hot strings).
 */
interface RowLayout extends Serializable {
    /** The selected columns, in the order of the selection the engine reads. */
    String[] names();

    /** Dimensions of the wide row. */
    int width();

    /**
     * Reads one selected row into {@code out} (length {@link #width()}); returns -1 for a usable
     * row, else the index in {@link #names()} of the first column holding a null, NaN or infinite value.
     * A {@link #pairwise()} layout never rejects a row: a column holding a null, NaN or infinite
     * value is missing in that row, every one of its dimensions NaN.
     */
    int firstInvalid(Row row, double[] out);

    /**
     * Whether a missing value leaves the row in with the column's dimensions NaN (each pair then
     * uses the rows where its own columns are present) rather than dropping the row for every pair.
     */
    default boolean pairwise() {
        return false;
    }

    /** The index in {@link #names()} of the column holding wide-row dimension {@code k}. */
    int columnOfDim(int k);

    /** A readable name of wide-row dimension {@code k} ({@code col}, {@code col[j]} or {@code col=value}). */
    String dimName(int k);

    /** Whether column {@code c} of {@link #names()} is read as a one-hot of its levels (a string column of pairs). */
    default boolean oneHot(int c) {
        return false;
    }

    /**
     * Whether column {@code c} of {@link #names()} is read by a per-value encoding
     * ({@code core/ValueEncoding}): its first dimension is the value (or the string's level index),
     * an injective code of it on its own.
     */
    default boolean encoded(int c) {
        return false;
    }
}
