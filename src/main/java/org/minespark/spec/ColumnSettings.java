package org.minespark.spec;

import java.util.List;

/**
 * The x and y column groups and their tensor shapes ({@code [positions, dim]} or empty).
 * Part of a {@link MineSpec}; immutable, validated by the spec\'s {@code with...} methods. Each component is declared once in {@link Settings}.
 */
public record ColumnSettings(List<String> xColumns, List<String> yColumns, List<Integer> xShape, List<Integer> yShape) implements java.io.Serializable {
    ColumnSettings withXColumns(List<String> v) {
        return new ColumnSettings(v, yColumns, xShape, yShape);
    }

    ColumnSettings withYColumns(List<String> v) {
        return new ColumnSettings(xColumns, v, xShape, yShape);
    }

    ColumnSettings withXShape(List<Integer> v) {
        return new ColumnSettings(xColumns, yColumns, v, yShape);
    }

    ColumnSettings withYShape(List<Integer> v) {
        return new ColumnSettings(xColumns, yColumns, xShape, v);
    }
}
