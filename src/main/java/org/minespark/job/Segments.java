package org.minespark.job;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The segments of a {@code --segment-by COL} run: the K most frequent values of the column (as
 * strings; ties by value), plus "other" for every other value and for nulls when there are any
 * such rows. Each segment is analysed on its own rows in the same job.
 */
final class Segments {
    /** The name of the segment of the remaining values (renamed "(other)" if a top value is "other"). */
    static final String OTHER = "other";

    /** One segment: its name, the filter of its rows, and how many rows it has. */
    record Segment(String name, Column filter, long rows) {
    }

    private Segments() {
    }

    /** Fails when {@code column} is not a column of {@code df}, naming the flag and the columns there are. */
    static void check(Dataset<Row> df, String column) {
        if (column != null && !Arrays.asList(df.columns()).contains(column)) {
            throw new InputDataException("--segment-by " + column + ": no such column in the input (columns: "
                    + String.join(", ", df.columns()) + ")");
        }
    }

    /** The top {@code k} values of {@code column} and "other" (one small aggregation job). */
    static List<Segment> of(Dataset<Row> df, String column, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("--segments / " + MineConfig.PAIRS_SEGMENTS
                    + ": must be >= 1 (the number of top values), got " + k);
        }
        check(df, column);
        Column v = col(column).cast("string");
        List<Row> counts = df.groupBy(v.as("v")).count().collectAsList();
        List<Row> values = new ArrayList<>(counts.stream().filter(r -> !r.isNullAt(0)).toList());
        values.sort((a, b) -> a.getLong(1) != b.getLong(1) ? Long.compare(b.getLong(1), a.getLong(1))
                : a.getString(0).compareTo(b.getString(0)));
        List<Segment> out = new ArrayList<>();
        List<String> top = new ArrayList<>();
        for (Row r : values.subList(0, Math.min(k, values.size()))) {
            top.add(r.getString(0));
            out.add(new Segment(r.getString(0), v.equalTo(r.getString(0)), r.getLong(1)));
        }
        long rest = counts.stream().filter(r -> r.isNullAt(0) || !top.contains(r.getString(0)))
                .mapToLong(r -> r.getLong(1)).sum();
        if (rest > 0) {
            String name = top.contains(OTHER) ? "(" + OTHER + ")" : OTHER;
            out.add(new Segment(name, v.isNull().or(v.isin(top.toArray()).unary_$bang()), rest));
        }
        return out;
    }
}
