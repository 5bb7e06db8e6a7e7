package org.minespark.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.minespark.core.ValueEncoding;
import org.minespark.spec.MineInputException;

/**
 * The wide row of a {@code pairs} run: every selected column's dimensions side by side. Numeric,
 * {@code array<numeric>} and Vector columns come first (read by a {@link ColumnLayout}), then the
 * string columns, each one-hot encoded over its K most frequent non-null values (ties by value),
 * plus one "other" dimension when the column has more than K distinct values. A null string with
 * {@code nullsCategory} is a level of its own ({@code <null>}). Any other null, NaN or infinite
 * value makes its column missing in that row: a {@link #pairwise()} layout (the main pass of a
 * {@code pairs} run) keeps the row with that column's dimensions NaN, so each pair uses the rows
 * where its own columns are present; a listwise one drops the row (a pass over one set of
 * complete rows). With {@code --encoding auto}, code-like columns (integer numbers and strings with
 * 2..4096 values and at least 10 rows per value) are read per value by the {@link ColumnLayout}
 * ({@link ValueEncoding}), strings included; only the string columns that are not code-like stay one-hot.
 */
final class PairsLayout implements RowLayout {
    private static final long serialVersionUID = 1L;

    private final String[] numericCols;
    private final String[] stringCols;
    private final ColumnLayout numeric;
    private final List<Map<String, Integer>> levels; // per string column: value -> one-hot index
    private final boolean[] hasOther;
    private final boolean nullsCategory;
    private final boolean pairwise;
    /** The key of the null level in {@link #levels} (a string no column value can be: it holds a NUL). */
    static final String NULL_LEVEL = "\u0000<null>";
    private final int[] catOffset;
    private final int width;
    private final Map<String, int[]> dimsOfColumn = new HashMap<>();
    private final List<String> dimNames = new ArrayList<>();

    private PairsLayout(String[] numericCols, String[] stringCols, ColumnLayout numeric,
                        List<Map<String, Integer>> levels, boolean[] hasOther, List<List<String>> levelNames,
                        boolean nullsCategory, boolean pairwise) {
        this.nullsCategory = nullsCategory;
        this.pairwise = pairwise;
        this.numericCols = numericCols;
        this.stringCols = stringCols;
        this.numeric = numeric;
        this.levels = levels;
        this.hasOther = hasOther;
        int dn = numeric.dx();
        List<List<Integer>> byCol = new ArrayList<>();
        for (int i = 0; i < numericCols.length; i++) {
            byCol.add(new ArrayList<>());
        }
        for (int k = 0; k < dn; k++) {
            byCol.get(numeric.columnOfDim(k)).add(k);
            dimNames.add(numeric.dimName(k));
        }
        for (int i = 0; i < numericCols.length; i++) {
            dimsOfColumn.put(numericCols[i], byCol.get(i).stream().mapToInt(Integer::intValue).toArray());
        }
        this.catOffset = new int[stringCols.length];
        int o = dn;
        for (int j = 0; j < stringCols.length; j++) {
            catOffset[j] = o;
            int size = levels.get(j).size() + (hasOther[j] ? 1 : 0);
            int[] d = new int[size];
            for (int t = 0; t < size; t++) {
                d[t] = o + t;
                dimNames.add(stringCols[j] + "=" + (t < levelNames.get(j).size() ? levelNames.get(j).get(t) : "<other>"));
            }
            dimsOfColumn.put(stringCols[j], d);
            o += size;
        }
        this.width = o;
    }

    /**
     * Checks the columns against the schema, learns array/vector widths and the string columns'
     * top-K values (one small Spark query per string column), and returns the layout plus the
     * selection (numeric columns first, then string columns) its {@link #firstInvalid} reads;
     * {@code pairwise}: see {@link #pairwise()}.
     */
    static Map.Entry<PairsLayout, Dataset<Row>> create(Dataset<Row> data, List<String> columns, int topK,
                                                       boolean nullsCategory, boolean pairwise) {
        return create(data, columns, topK, nullsCategory, pairwise, 0L, false);
    }

    /**
     * As {@link #create(Dataset, List, int, boolean, boolean)}; with {@code encode} ({@code --encoding
     * auto}) the code-like columns are read per value ({@link ValueEncoding}, seeded by {@code seed}):
     * numeric scalar columns of integers, and string columns, with 2..4096 distinct values and at
     * least 10 rows per value. Such a string column is then read like a numeric one (its level index
     * plus the random dimensions) instead of one-hot over its top K values; a string column that is
     * not code-like stays one-hot.
     */
    static Map.Entry<PairsLayout, Dataset<Row>> create(Dataset<Row> data, List<String> columns, int topK,
                                                       boolean nullsCategory, boolean pairwise, long seed,
                                                       boolean encode) {
        StructType schema = data.schema();
        List<String> available = Arrays.asList(schema.fieldNames());
        List<String> num = new ArrayList<>();
        List<String> str = new ArrayList<>();
        for (String c : columns) {
            if (!available.contains(c)) {
                throw new MineInputException("--columns: column '" + c + "' not found in the input"
                        + ColumnLayout.suggest(c, available) + "; columns: " + ColumnLayout.listColumns(available));
            }
            (schema.apply(c).dataType() instanceof StringType ? str : num).add(c);
        }
        ColumnLayout lay;
        CodeDetection.Detection encodings = new CodeDetection.Detection(Map.of(), Map.of());
        try {
            lay = ColumnLayout.fromSchema(schema, num, List.of());
            if (encode) {
                List<String> candidates = new ArrayList<>(num);
                candidates.addAll(str);
                ColumnLayout probe = ColumnLayout.fromSchema(schema, candidates, List.of(), true);
                encodings = CodeDetection.detect(data.select(candidates.stream().map(PairsLayout::col).toArray(Column[]::new))
                        .javaRDD(), probe.names(), probe.kinds(), seed, true, nullsCategory);
                for (String c : new ArrayList<>(str)) {
                    if (encodings.encodings().containsKey(c)) { // a code-like string column is read per value, beside the numbers
                        str.remove(c);
                        num.add(c);
                    }
                }
                lay = ColumnLayout.fromSchema(schema, num, List.of(), true);
            }
        } catch (MineInputException e) {
            throw new MineInputException(e.getMessage().replaceFirst("^--x:", "--columns:"), e);
        }
        List<String> all = new ArrayList<>(num);
        all.addAll(str);
        Column[] cols = new Column[all.size()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = col(all.get(i));
        }
        Dataset<Row> selected = data.select(cols);
        if (lay.needsWidths()) {
            lay.resolveWidths(widthSample(selected, cols, num));
        }
        if (encode) {
            lay.apply(encodings);
        }
        List<Map<String, Integer>> levels = new ArrayList<>();
        List<List<String>> names = new ArrayList<>();
        boolean[] other = new boolean[str.size()];
        for (int j = 0; j < str.size(); j++) {
            Column c = col(str.get(j));
            List<Row> top = (nullsCategory ? data : data.where(c.isNotNull())).groupBy(c).count()
                    .orderBy(functions.col("count").desc(), c.asc()).limit(topK + 1).collectAsList();
            Map<String, Integer> m = new HashMap<>();
            List<String> n = new ArrayList<>();
            for (int t = 0; t < Math.min(topK, top.size()); t++) {
                String v = top.get(t).getString(0);
                m.put(v == null ? NULL_LEVEL : v, t);
                n.add(v == null ? "<null>" : v);
            }
            levels.add(m);
            names.add(n);
            other[j] = top.size() > topK;
        }
        PairsLayout pl = new PairsLayout(num.toArray(new String[0]), str.toArray(new String[0]), lay, levels, other, names,
                nullsCategory, pairwise);
        return Map.entry(pl, selected);
    }

    /**
     * A row whose numeric columns are all set, for the array and vector widths: the first such row
     * of the selection when there is one; else (every row has a null in some numeric column, which
     * a pairwise run allows) a row assembled from each column's first non-null value.
     */
    private static Row widthSample(Dataset<Row> selected, Column[] cols, List<String> num) {
        Column allPresent = functions.lit(true);
        for (int i = 0; i < num.size(); i++) {
            allPresent = allPresent.and(cols[i].isNotNull());
        }
        List<Row> first = selected.where(allPresent).limit(1).collectAsList();
        if (!first.isEmpty()) {
            return first.get(0);
        }
        Object[] values = new Object[num.size()];
        for (int i = 0; i < num.size(); i++) {
            List<Row> r = selected.select(cols[i]).where(cols[i].isNotNull()).limit(1).collectAsList();
            if (r.isEmpty()) {
                throw new MineInputException("column '" + num.get(i) + "' is null in every row; nothing to estimate"
                        + " with it");
            }
            values[i] = r.get(0).get(0);
        }
        return org.apache.spark.sql.RowFactory.create(values);
    }

    private static Column col(String name) {
        return functions.col("`" + name.replace("`", "``") + "`");
    }

    /** All dimensions of the wide row. */
    @Override
    public int width() {
        return width;
    }

    /** The wide-row dimensions of a selected column. */
    int[] dims(String column) {
        int[] d = dimsOfColumn.get(column);
        if (d == null) {
            throw new IllegalArgumentException("column '" + column + "' is not selected");
        }
        return d.clone();
    }

    /** A readable name of a wide-row dimension ({@code col}, {@code col[j]} or {@code col=value}). */
    @Override
    public String dimName(int k) {
        return dimNames.get(k);
    }

    /** The selected columns in read order (numeric first, then string). */
    @Override
    public String[] names() {
        String[] out = Arrays.copyOf(numericCols, numericCols.length + stringCols.length);
        System.arraycopy(stringCols, 0, out, numericCols.length, stringCols.length);
        return out;
    }

    @Override
    public int firstInvalid(Row row, double[] out) {
        if (pairwise) {
            numeric.readPairwise(row, out);
        } else {
            int bad = numeric.firstInvalid(row, out); // numeric dimensions first, at offset 0
            if (bad >= 0) {
                return bad;
            }
        }
        int base = numericCols.length;
        for (int j = 0; j < stringCols.length; j++) {
            boolean isNull = row.isNullAt(base + j);
            int o = catOffset[j];
            int size = levels.get(j).size() + (hasOther[j] ? 1 : 0);
            if (isNull && !nullsCategory) {
                if (!pairwise) {
                    return base + j;
                }
                Arrays.fill(out, o, o + size, Double.NaN);
                continue;
            }
            Arrays.fill(out, o, o + size, 0.0);
            Integer t = levels.get(j).get(isNull ? NULL_LEVEL : row.getString(base + j));
            if (t != null) {
                out[o + t] = 1.0;
            } else if (hasOther[j]) {
                out[o + size - 1] = 1.0;
            }
        }
        return -1;
    }

    @Override
    public boolean pairwise() {
        return pairwise;
    }

    @Override
    public boolean oneHot(int c) {
        return c >= numericCols.length;
    }

    @Override
    public boolean encoded(int c) {
        return c < numericCols.length && numeric.encoded(c);
    }

    /** The encoded columns with their levels ({@code col:K}). */
    List<String> encodedColumns() {
        return numeric.encodedColumns();
    }

    @Override
    public int columnOfDim(int k) {
        if (k < numeric.dx()) {
            return numeric.columnOfDim(k);
        }
        for (int j = stringCols.length - 1; j >= 0; j--) {
            if (k >= catOffset[j]) {
                return numericCols.length + j;
            }
        }
        throw new IndexOutOfBoundsException("dimension " + k + " of " + width);
    }

}
