package org.minespark.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.minespark.core.DistinctSketch;

/**
 * Column hygiene of a {@code pairs} run: one pass over the selected columns (rows, non-null values
 * per column and, for string and integer columns, the approximate number of distinct values, a
 * {@link DistinctSketch} with a 2.2 % relative error) says which columns to skip, each with its
 * reason. A skipped column never fails the run: its pairs get a row with status {@code skipped}
 * and the reason. Skipped are:
 * <ul>
 * <li>columns of a type the engine cannot read (not numeric, string, numeric array or ML vector);</li>
 * <li>mostly-null columns: a null fraction above {@code maxNullFraction};</li>
 * <li>ID-like columns: a string or integer column whose distinct values are at least
 *     {@link #ID_LIKE_FRACTION} of its non-null values (and more than {@link #ID_LIKE_MIN}), so each
 *     value is nearly unique: a key, not a feature (a string column of numbers gets the hint to
 *     cast it);</li>
 * <li>string columns with more than {@code maxLevels} distinct values.</li>
 * </ul>
 * A constant column is not skipped here: the engine's input checks report each of its pairs with
 * status {@code constant}, I = 0 exactly and a warning, which is an answer, not a gap.
 */
final class ColumnHygiene {
    /** Distinct values over non-null values at or above which a string or integer column is ID-like. */
    static final double ID_LIKE_FRACTION = 0.9;
    /** A column needs more distinct values than this to be called ID-like (a small table's codes are not IDs). */
    static final long ID_LIKE_MIN = 100;

    private ColumnHygiene() {
    }

    /** Per column, why it is skipped; only skipped columns are in the map (in the order of {@code columns}). */
    static Map<String, String> skipped(Dataset<Row> data, List<String> columns, double maxNullFraction, int maxLevels,
                                       boolean nullsCategory) {
        StructType schema = data.schema();
        Map<String, String> out = new LinkedHashMap<>();
        List<String> readable = new ArrayList<>();
        for (String c : columns) {
            if (!java.util.Arrays.asList(schema.fieldNames()).contains(c)) {
                continue; // the layout names a missing column in its error
            }
            DataType t = schema.apply(c).dataType();
            if (readable(t)) {
                readable.add(c);
            } else {
                out.put(c, "type " + t.simpleString() + " cannot be read (numbers, strings, numeric arrays and ML vectors"
                        + " can): skipped");
            }
        }
        if (readable.isEmpty()) {
            return inOrder(out, columns);
        }
        // one pass: non-null counts, and a distinct-count sketch of each string and integer column (the
        // only ones whose distinct values decide anything below)
        boolean[] sketched = new boolean[readable.size()];
        boolean[] integral = new boolean[readable.size()];
        Column[] cols = new Column[readable.size()];
        for (int i = 0; i < readable.size(); i++) {
            DataType t = schema.apply(readable.get(i)).dataType();
            integral[i] = t instanceof IntegralType;
            sketched[i] = integral[i] || t instanceof StringType;
            cols[i] = functions.col("`" + readable.get(i).replace("`", "``") + "`");
        }
        Counts counts = data.select(cols).javaRDD().mapPartitions(it -> {
            Counts c = new Counts(sketched);
            while (it.hasNext()) {
                c.add(it.next(), integral);
            }
            return java.util.List.of(c).iterator();
        }).treeReduce(Counts::merge);
        long rows = counts.rows;
        long[] nonNulls = counts.nonNull;
        long[] distincts = new long[readable.size()];
        for (int i = 0; i < readable.size(); i++) {
            distincts[i] = sketched[i] ? counts.distinct[i].estimate() : Long.MAX_VALUE;
        }
        for (int i = 0; i < readable.size(); i++) {
            String c = readable.get(i);
            long nonNull = nonNulls[i];
            long distinct = distincts[i];
            DataType t = schema.apply(c).dataType();
            // with --nulls category a string column's nulls are a level: not missing, one more value
            boolean nullLevel = nullsCategory && t instanceof StringType && nonNull < rows;
            String why = nullLevel ? reason(t, rows, rows, distinct + 1, maxNullFraction, maxLevels)
                    : reason(t, rows, nonNull, distinct, maxNullFraction, maxLevels);
            if (why != null) {
                out.put(c, why);
            }
        }
        return inOrder(out, columns);
    }

    /** Rows, non-null values per column and distinct-value sketches of one partition, or merged. */
    static final class Counts implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        long rows;
        final long[] nonNull;
        final DistinctSketch[] distinct;

        Counts(boolean[] sketched) {
            nonNull = new long[sketched.length];
            distinct = new DistinctSketch[sketched.length];
            for (int i = 0; i < sketched.length; i++) {
                distinct[i] = sketched[i] ? new DistinctSketch(DistinctSketch.DEFAULT_K) : null;
            }
        }

        void add(Row r, boolean[] integral) {
            rows++;
            for (int i = 0; i < nonNull.length; i++) {
                if (r.isNullAt(i)) {
                    continue;
                }
                nonNull[i]++;
                if (distinct[i] != null) {
                    Object v = r.get(i);
                    if (integral[i]) {
                        distinct[i].addLong(((Number) v).longValue());
                    } else {
                        distinct[i].addString(v.toString());
                    }
                }
            }
        }

        Counts merge(Counts o) {
            rows += o.rows;
            for (int i = 0; i < nonNull.length; i++) {
                nonNull[i] += o.nonNull[i];
                if (distinct[i] != null) {
                    distinct[i].merge(o.distinct[i]);
                }
            }
            return this;
        }
    }

    private static Map<String, String> inOrder(Map<String, String> m, List<String> columns) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String c : columns) {
            if (m.containsKey(c)) {
                out.put(c, m.get(c));
            }
        }
        return out;
    }

    /** Why a column of type {@code t} with these counts is skipped, or null to keep it. */
    static String reason(DataType t, long rows, long nonNull, long distinct, double maxNullFraction, int maxLevels) {
        double nullFraction = rows == 0 ? 1.0 : 1.0 - (double) nonNull / rows;
        distinct = Math.min(distinct, nonNull); // the sketch's estimate can exceed the count by its error
        if (nullFraction > maxNullFraction) {
            return String.format(Locale.ROOT, "mostly null: %.1f %% of %d rows are null (more than --max-null-fraction"
                    + " %s): skipped", 100 * nullFraction, rows, maxNullFraction);
        }
        boolean str = t instanceof StringType;
        if ((str || t instanceof IntegralType) && distinct > ID_LIKE_MIN && distinct >= ID_LIKE_FRACTION * nonNull) {
            return String.format(Locale.ROOT, "ID-like: about %d distinct values in %d non-null rows, so each value"
                    + " is nearly unique (a key, not a feature)%s: skipped", distinct, nonNull,
                    str ? "; if the column holds numbers written as text, cast it to a number" : "");
        }
        if (str && distinct > maxLevels) {
            return String.format(Locale.ROOT, "about %d distinct strings, more than --max-levels %d: skipped", distinct,
                    maxLevels);
        }
        return null;
    }

    /** A string (one-hot in pairs) or anything an estimate reads ({@link ColumnLayout#kind}). */
    private static boolean readable(DataType t) {
        return t instanceof StringType || ColumnLayout.kind(t) != null;
    }
}
