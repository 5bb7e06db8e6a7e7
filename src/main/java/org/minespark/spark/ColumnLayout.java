package org.minespark.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How the selected columns map onto the flat x and y vectors: each column is a numeric scalar (one
 * dimension), an {@code array<numeric>} or a Spark ML {@code Vector} (a fixed number of dimensions,
 * learned from the data and then checked on every row). The schema is checked before any work
 * ({@link #fromSchema}); rows are read with {@link #extract}.
 */
final class ColumnLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    enum Kind { SCALAR, ARRAY, VECTOR }

    private final String[] names;
    private final Kind[] kinds;
    private final boolean[] isY;
    private int[] widths; // null until resolved
    private int dx;
    private int dy;

    private ColumnLayout(String[] names, Kind[] kinds, boolean[] isY) {
        this.names = names;
        this.kinds = kinds;
        this.isY = isY;
    }

    /** The selected columns in order: x columns then y columns. */
    String[] names() {
        return names.clone();
    }

    int dx() {
        return dx;
    }

    int dy() {
        return dy;
    }

    boolean needsWidths() {
        for (Kind k : kinds) {
            if (k != Kind.SCALAR) {
                return true;
            }
        }
        return false;
    }

    /** Checks that every column exists and has a supported type; names close matches for typos. */
    static ColumnLayout fromSchema(StructType schema, List<String> x, List<String> y) {
        int n = x.size() + y.size();
        String[] names = new String[n];
        Kind[] kinds = new Kind[n];
        boolean[] isY = new boolean[n];
        List<String> available = Arrays.asList(schema.fieldNames());
        for (int i = 0; i < n; i++) {
            boolean inY = i >= x.size();
            String name = inY ? y.get(i - x.size()) : x.get(i);
            String flag = inY ? "--y" : "--x";
            if (!available.contains(name)) {
                throw new IllegalArgumentException(flag + ": column '" + name + "' not found" + suggest(name, available)
                        + "; available columns: " + String.join(", ", available));
            }
            StructField f = schema.apply(name);
            kinds[i] = kindOf(f.dataType(), flag, name);
            names[i] = name;
            isY[i] = inY;
        }
        ColumnLayout layout = new ColumnLayout(names, kinds, isY);
        if (!layout.needsWidths()) {
            layout.resolveWidths(null);
        }
        return layout;
    }

    private static Kind kindOf(DataType t, String flag, String name) {
        if (t instanceof NumericType) {
            return Kind.SCALAR;
        }
        if (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof NumericType) {
            return Kind.ARRAY;
        }
        if (t instanceof VectorUDT) {
            return Kind.VECTOR;
        }
        throw new IllegalArgumentException(flag + ": column '" + name + "' has type " + t.simpleString()
                + ", expected a numeric scalar, array<float|double> or an ML Vector");
    }

    private static String suggest(String name, List<String> available) {
        List<String> close = new ArrayList<>();
        String lower = name.toLowerCase(Locale.ROOT);
        for (String a : available) {
            int d = editDistance(lower, a.toLowerCase(Locale.ROOT));
            if (d <= Math.max(1, name.length() / 3)) {
                close.add(a);
            }
        }
        return close.isEmpty() ? "" : " (did you mean " + String.join(" or ", close) + "?)";
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * Fixes the width of array and vector columns from a sample row (a row of the selected columns
     * where none is null). Scalars have width 1.
     */
    void resolveWidths(Row sample) {
        int[] w = new int[names.length];
        int x = 0;
        int yy = 0;
        for (int i = 0; i < names.length; i++) {
            switch (kinds[i]) {
                case SCALAR:
                    w[i] = 1;
                    break;
                case ARRAY:
                    w[i] = sample.getList(i).size();
                    break;
                default:
                    w[i] = ((Vector) sample.get(i)).size();
            }
            if (w[i] < 1) {
                throw new IllegalArgumentException("column '" + names[i] + "' holds an empty array/vector");
            }
            if (isY[i]) {
                yy += w[i];
            } else {
                x += w[i];
            }
        }
        widths = w;
        dx = x;
        dy = yy;
    }

    /**
     * Reads one row (of the selected columns, in {@link #names()} order) into {@code out} (length
     * dx + dy, x first). Returns false if a value is null, NaN or infinite (the row is dropped).
     * Throws {@link IllegalArgumentException} if an array/vector has the wrong length.
     */
    boolean extract(Row row, double[] out) {
        int ox = 0;
        int oy = dx;
        for (int i = 0; i < names.length; i++) {
            if (row.isNullAt(i)) {
                return false;
            }
            int o = isY[i] ? oy : ox;
            switch (kinds[i]) {
                case SCALAR:
                    out[o] = ((Number) row.get(i)).doubleValue();
                    break;
                case ARRAY: {
                    List<Object> list = row.getList(i);
                    checkWidth(i, list.size());
                    for (int j = 0; j < widths[i]; j++) {
                        Object v = list.get(j);
                        if (v == null) {
                            return false;
                        }
                        out[o + j] = ((Number) v).doubleValue();
                    }
                    break;
                }
                default: {
                    Vector v = (Vector) row.get(i);
                    checkWidth(i, v.size());
                    for (int j = 0; j < widths[i]; j++) {
                        out[o + j] = v.apply(j);
                    }
                }
            }
            if (isY[i]) {
                oy += widths[i];
            } else {
                ox += widths[i];
            }
        }
        for (double v : out) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private void checkWidth(int i, int size) {
        if (size != widths[i]) {
            throw new IllegalArgumentException("column '" + names[i] + "': arrays of inconsistent length, "
                    + widths[i] + " in the first complete row and " + size + " in another");
        }
    }
}
