package org.minespark.spec;

import java.util.Arrays;
import java.util.List;

/**
 * The x and y column groups and their tensor shapes ({@code [positions, dim]} or empty).
 * Part of a {@link MineSpec}; immutable, validated here (the column groups, their overlap and the shapes). Each component is declared once in {@link Settings}.
 */
public record ColumnSettings(List<String> xColumns, List<String> yColumns, List<Integer> xShape, List<Integer> yShape) implements java.io.Serializable {
    ColumnSettings withXColumns(List<String> v) {
        return new ColumnSettings(v, yColumns, xShape, yShape);
    }

    ColumnSettings withYColumns(List<String> v) {
        return new ColumnSettings(xColumns, v, xShape, yShape);
    }

    /** With x read as tensors of {@code positions} vectors of {@code dim} values (checked against the y shape). */
    ColumnSettings withXShape(int positions, int dim) {
        return new ColumnSettings(xColumns, yColumns, shape("x-shape", positions, dim, yShape, "y-shape"), yShape);
    }

    /** With y read as tensors of {@code positions} vectors of {@code dim} values (checked against the x shape). */
    ColumnSettings withYShape(int positions, int dim) {
        return new ColumnSettings(xColumns, yColumns, xShape, shape("y-shape", positions, dim, xShape, "x-shape"));
    }

    /** The column group {@code cols} of the flag {@code --what}, checked: at least one, none blank, none twice. */
    static List<String> group(String[] cols, String what) {
        if (cols == null || cols.length == 0) {
            throw new IllegalArgumentException("--" + what + ": at least one column is required");
        }
        for (String c : cols) {
            if (c == null || c.isBlank()) {
                throw new IllegalArgumentException("--" + what + ": empty column name in " + Arrays.toString(cols));
            }
        }
        if (Arrays.stream(cols).distinct().count() != cols.length) {
            throw new IllegalArgumentException("--" + what + ": a column is listed twice in " + String.join(",", cols));
        }
        return List.of(cols);
    }

    /** The settings of groups {@code x} and {@code y} (no tensor shapes), checked to be disjoint. */
    static ColumnSettings of(List<String> x, List<String> y) {
        for (String c : x) {
            if (y.contains(c)) {
                throw new IllegalArgumentException("column '" + c + "' is in both --x and --y; MI of a variable with itself is unbounded");
            }
        }
        return new ColumnSettings(x, y, List.of(), List.of());
    }

    private static List<Integer> shape(String what, int positions, int dim, List<Integer> other, String otherName) {
        if (positions < 1 || dim < 1 || (long) positions * dim > MineSpec.MAX_SHAPE_VALUES) {
            throw new IllegalArgumentException(what + " must be positions,dim with positions >= 1, dim >= 1 and"
                    + " positions x dim <= " + MineSpec.MAX_SHAPE_VALUES + ", got " + positions + "," + dim);
        }
        if (!other.isEmpty() && other.get(0) != positions) {
            throw new IllegalArgumentException(what + " " + positions + "," + dim + " has " + positions
                    + " positions but " + otherName + " " + other.get(0) + "," + other.get(1) + " has " + other.get(0)
                    + ": x and y must have the same positions");
        }
        return List.of(positions, dim);
    }
}
