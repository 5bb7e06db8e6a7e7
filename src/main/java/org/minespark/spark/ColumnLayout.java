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
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import org.minespark.core.ValueEncoding;
import org.minespark.spec.MineInputException;

/**
 * How the selected columns map onto the flat x and y vectors: each column is a numeric scalar (one
 * dimension), an {@code array<numeric>} or a Spark ML {@code Vector} (a fixed number of dimensions,
 * learned from the data and then checked on every row). The schema is checked before any work
 * ({@link #fromSchema}); rows are read with {@link #firstInvalid}. Problems with the data are
 * {@link MineInputException}s naming the column, what was found and what was expected.
 */
final class ColumnLayout implements RowLayout {
    private static final long serialVersionUID = 1L;

    /** SCALAR, ARRAY, VECTOR as read; CODE: a numeric scalar and STRING: a string, each read by its {@link ValueEncoding}. */
    enum Kind { SCALAR, ARRAY, VECTOR, CODE, STRING }

    private final String[] names;
    private final Kind[] kinds;
    private final boolean[] isY;
    private final ValueEncoding[] encodings; // per column: set for CODE and STRING
    private int[] widths; // null until resolved
    private int dx;
    private int dy;

    private ColumnLayout(String[] names, Kind[] kinds, boolean[] isY) {
        this.names = names;
        this.kinds = kinds;
        this.isY = isY;
        this.encodings = new ValueEncoding[names.length];
    }

    /** The selected columns in order: x columns then y columns. */
    @Override
    public String[] names() {
        return names.clone();
    }

    int dx() {
        return dx;
    }

    @Override
    public int width() {
        return dx + dy;
    }

    int dy() {
        return dy;
    }

    boolean needsWidths() {
        for (Kind k : kinds) {
            if (k == Kind.ARRAY || k == Kind.VECTOR) {
                return true;
            }
        }
        return false;
    }

    /** Checks that every column exists and has a supported type; names close matches for typos. */
    static ColumnLayout fromSchema(StructType schema, List<String> x, List<String> y) {
        return fromSchema(schema, x, y, false);
    }

    /**
     * As {@link #fromSchema(StructType, List, List)}; with {@code strings}, string columns are
     * accepted as {@link Kind#STRING} (they must then be encoded by {@link #encode}).
     */
    static ColumnLayout fromSchema(StructType schema, List<String> x, List<String> y, boolean strings) {
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
                throw new MineInputException(flag + ": column '" + name + "' not found in the input"
                        + suggest(name, available) + "; columns: " + listColumns(available));
            }
            StructField f = schema.apply(name);
            kinds[i] = strings && f.dataType() instanceof StringType ? Kind.STRING : kindOf(f.dataType(), flag, name);
            names[i] = name;
            isY[i] = inY;
        }
        ColumnLayout layout = new ColumnLayout(names, kinds, isY);
        if (!layout.needsWidths() && !layout.hasStrings()) {
            layout.resolveWidths(null);
        }
        return layout;
    }

    /** How a column of type {@code t} is read: a numeric scalar, a numeric array or an ML Vector; null if it cannot be. */
    static Kind kind(DataType t) {
        if (t instanceof NumericType) {
            return Kind.SCALAR;
        }
        if (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof NumericType) {
            return Kind.ARRAY;
        }
        return t instanceof VectorUDT ? Kind.VECTOR : null;
    }

    private static Kind kindOf(DataType t, String flag, String name) {
        Kind k = kind(t);
        if (k != null) {
            return k;
        }
        String hint;
        if (t instanceof StringType) {
            hint = " (a text column is read per value with --encoding auto, when it has " + ValueEncoding.MIN_LEVELS
                    + ".." + ValueEncoding.MAX_LEVELS + " levels and at least " + ValueEncoding.MIN_ROWS_PER_LEVEL
                    + " rows per level, and not with --x-shape/--y-shape; else encode the categories as numbers,"
                    + " e.g. one-hot in an array<double>, or cast a numeric text column)";
        } else if (t instanceof BooleanType) {
            hint = " (cast it to 0/1, e.g. CAST(" + name + " AS INT))";
        } else if (t instanceof StructType) {
            hint = " (select its numeric fields as top-level columns, or pack them into an array<double>)";
        } else if (t instanceof ArrayType a) {
            hint = " (array elements must be numeric, these are " + a.elementType().simpleString() + ")";
        } else if (t instanceof DateType || t instanceof TimestampType) {
            hint = " (convert it to a number, e.g. days or seconds since an epoch)";
        } else {
            hint = "";
        }
        throw new MineInputException(flag + ": column '" + name + "' has type " + t.simpleString()
                + ", expected a numeric scalar, array<float|double> or an ML Vector" + hint);
    }

    /** At most 20 names, then how many more. */
    static String listColumns(List<String> available) {
        if (available.size() <= 20) {
            return String.join(", ", available);
        }
        return String.join(", ", available.subList(0, 20)) + " and " + (available.size() - 20) + " more";
    }

    /** The available names closest to {@code name} (case-insensitive edit distance), if close enough. */
    static String suggest(String name, List<String> available) {
        String lower = name.toLowerCase(Locale.ROOT);
        int best = Integer.MAX_VALUE;
        List<String> close = new ArrayList<>();
        for (String a : available) {
            int d = editDistance(lower, a.toLowerCase(Locale.ROOT));
            if (d > Math.max(1, name.length() / 3) || d > best) {
                continue;
            }
            if (d < best) {
                best = d;
                close.clear();
            }
            close.add(a);
        }
        if (close.size() > 5) {
            close = close.subList(0, 5);
        }
        return close.isEmpty() ? "" : " (did you mean '" + String.join("' or '", close) + "'?)";
    }

    static int editDistance(String a, String b) {
        return org.minespark.core.EditDistance.between(a, b);
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
                case CODE:
                case STRING:
                    w[i] = ValueEncoding.DIMS;
                    break;
                case ARRAY:
                    w[i] = sample != null ? sample.getList(i).size() : widths[i];
                    break;
                default:
                    w[i] = sample != null ? ((Vector) sample.get(i)).size() : widths[i];
            }
            if (w[i] < 1) {
                throw new MineInputException((isY[i] ? "--y" : "--x") + ": column '" + names[i]
                        + "' holds an empty array/vector in the first row where every selected column is set;"
                        + " expected at least one element");
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
     * Reads one row (of the selected columns, in {@link #names()} order) into {@code out[0, dx + dy)}
     * (x first); returns -1 for a usable row, else the index (in {@link #names()}) of the first
     * selected column holding a null, NaN or infinite value (the row is dropped). Throws
     * {@link MineInputException} if an array/vector has the wrong length.
     */
    @Override
    public int firstInvalid(Row row, double[] out) {
        return read(row, out, false);
    }

    /**
     * Reads one row as {@link #firstInvalid} does, but a column holding a null (or a null element),
     * NaN or infinite value is missing rather than fatal: each of its dimensions is set to NaN and
     * the other columns are read (for {@link PairsLayout}'s pairwise rows).
     */
    void readPairwise(Row row, double[] out) {
        read(row, out, true);
    }

    private int read(Row row, double[] out, boolean pairwise) {
        int ox = 0;
        int oy = dx;
        for (int i = 0; i < names.length; i++) {
            int o = isY[i] ? oy : ox;
            if (!readColumn(row, i, out, o)) {
                if (!pairwise) {
                    return i;
                }
                Arrays.fill(out, o, o + widths[i], Double.NaN);
            }
            if (isY[i]) {
                oy += widths[i];
            } else {
                ox += widths[i];
            }
        }
        return -1;
    }

    /** Reads column i of the row into {@code out} from {@code o}; false when it holds a null, NaN or infinite value. */
    private boolean readColumn(Row row, int i, double[] out, int o) {
        if (row.isNullAt(i)) {
            int nl = kinds[i] == Kind.STRING ? encodings[i].index(PairsLayout.NULL_LEVEL) : -1;
            if (nl < 0) {
                return false;
            }
            encodings[i].write(nl, out, o); // a null string is a level of its own (pairs --nulls category)
            return true;
        }
        switch (kinds[i]) {
            case SCALAR:
                out[o] = ((Number) row.get(i)).doubleValue();
                break;
            case CODE: {
                double v = ((Number) row.get(i)).doubleValue();
                if (!Double.isFinite(v)) {
                    return false;
                }
                v = v == 0.0 ? 0.0 : v; // -0.0 is the level 0.0
                encodings[i].write(level(i, encodings[i].index(v), v), out, o);
                break;
            }
            case STRING:
                encodings[i].write(level(i, encodings[i].index(row.getString(i)), row.getString(i)), out, o);
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
        for (int j = 0; j < widths[i]; j++) {
            if (!Double.isFinite(out[o + j])) {
                return false;
            }
        }
        return true;
    }

    /** The index in {@link #names()} of the column that holds flat dimension {@code k} (x first). */
    @Override
    public int columnOfDim(int k) {
        int ox = 0;
        int oy = dx;
        for (int i = 0; i < names.length; i++) {
            int o = isY[i] ? oy : ox;
            if (k >= o && k < o + widths[i]) {
                return i;
            }
            if (isY[i]) {
                oy += widths[i];
            } else {
                ox += widths[i];
            }
        }
        throw new IndexOutOfBoundsException("dimension " + k + " of " + (dx + dy));
    }

    /** A readable name of flat dimension {@code k}: the column, with {@code [j]} for arrays and vectors. */
    @Override
    public String dimName(int k) {
        int c = columnOfDim(k);
        if (kinds[c] == Kind.SCALAR) {
            return names[c];
        }
        int ox = 0;
        int oy = dx;
        for (int i = 0; i < c; i++) {
            if (isY[i]) {
                oy += widths[i];
            } else {
                ox += widths[i];
            }
        }
        return names[c] + "[" + (k - (isY[c] ? oy : ox)) + "]";
    }

    private int level(int i, int level, Object value) {
        if (level < 0) {
            throw new IllegalStateException("column '" + names[i] + "': value " + value + " is not among the "
                    + encodings[i].levels() + " levels found when the encoding was fitted (was the input modified?)");
        }
        return level;
    }

    boolean hasStrings() {
        for (Kind k : kinds) {
            if (k == Kind.STRING) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean encoded(int c) {
        return kinds[c] == Kind.CODE || kinds[c] == Kind.STRING;
    }

    /** The encoding of column c (null unless it is encoded). */
    ValueEncoding encoding(int c) {
        return encodings[c];
    }

    /** The names of the encoded columns with their levels, for logs and results ({@code col:K}). */
    List<String> encodedColumns() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if (encoded(i)) {
                out.add(names[i] + ":" + encodings[i].levels());
            }
        }
        return out;
    }


    /** The kinds of the columns, in {@link #names()} order. */
    Kind[] kinds() {
        return kinds.clone();
    }

    /**
     * Reads the columns of the detection's encodings per value ({@link Kind#CODE} / {@link Kind#STRING});
     * a string column left without one is a {@link MineInputException}. Resolves the widths again
     * (array and vector columns keep theirs).
     */
    void apply(CodeDetection.Detection detection) {
        for (int i = 0; i < names.length; i++) {
            ValueEncoding e = detection.encodings().get(names[i]);
            if (e != null) {
                this.encodings[i] = e;
                kinds[i] = e.strings() ? Kind.STRING : Kind.CODE;
            } else if (kinds[i] == Kind.STRING) {
                String what = detection.rejected().getOrDefault(names[i], "");
                throw new MineInputException((isY[i] ? "--y" : "--x") + ": string column '" + names[i] + "' is not"
                        + " code-like" + (what.isEmpty() ? "" : " (" + what + ")") + ": a string column is read per value when it has " + ValueEncoding.MIN_LEVELS + ".."
                        + ValueEncoding.MAX_LEVELS + " distinct values and at least " + ValueEncoding.MIN_ROWS_PER_LEVEL
                        + " rows per value on average (--encoding auto); encode it as numbers otherwise");
            }
        }
        if (widths != null || !needsWidths()) {
            resolveWidths(null);
        }
    }


    private void checkWidth(int i, int size) {
        if (size != widths[i]) {
            throw new MineInputException((isY[i] ? "--y" : "--x") + ": column '" + names[i]
                    + "' has arrays/vectors of inconsistent length: " + widths[i]
                    + " in the first row where every selected column is set, " + size
                    + " in another row; expected the same length in every row");
        }
    }
}
