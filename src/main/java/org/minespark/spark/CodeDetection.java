package org.minespark.spark;

import java.io.Serializable;
import java.util.Arrays;

import org.apache.spark.sql.Row;
import org.minespark.core.Seeds;
import org.minespark.core.ValueEncoding;

/**
 * Which selected columns are code-like ({@link ValueEncoding#codeLike}) and their per-value
 * encodings: one pass over the rows collecting each candidate column's distinct values up to the
 * limit ({@link ColumnLayout#apply} then reads those columns per value).
 */
final class CodeDetection {
    private CodeDetection() {
    }

    /**
     * The per-value encodings of the code-like columns among {@code names} (read from {@code rows},
     * the selected columns in that order, with their {@code kinds}), by name, from one pass: every
     * {@link ColumnLayout.Kind#STRING} column, and with {@code auto} every numeric {@link ColumnLayout.Kind#SCALAR} one, whose
     * values are {@link ValueEncoding#codeLike}. With {@code nullsLevel}, a null string is a level
     * of its own. A column that is not code-like is absent from the encodings; a string column is
     * then in {@link Detection#rejected} with what was found.
     */
    static Detection detect(org.apache.spark.api.java.JavaRDD<Row> rows, String[] names,
                                                      ColumnLayout.Kind[] kinds, long seed, boolean auto, boolean nullsLevel) {
        boolean[] candidate = new boolean[names.length];
        boolean[] str = new boolean[names.length];
        boolean any = false;
        for (int i = 0; i < names.length; i++) {
            str[i] = kinds[i] == ColumnLayout.Kind.STRING;
            candidate[i] = str[i] || (auto && kinds[i] == ColumnLayout.Kind.SCALAR);
            any |= candidate[i];
        }
        java.util.Map<String, ValueEncoding> out = new java.util.LinkedHashMap<>();
        java.util.Map<String, String> found = new java.util.LinkedHashMap<>();
        if (!any) {
            return new Detection(out, found);
        }
        LevelStats[] st = LevelStats.collect(rows, candidate, str, nullsLevel);
        for (int i = 0; i < names.length; i++) {
            LevelStats s = st[i];
            if (candidate[i] && ValueEncoding.codeLike(s.rows, s.distinct(), str[i] || s.integers)) {
                out.put(names[i], str[i] ? ValueEncoding.ofStrings(names[i], s.strings(), seed)
                        : ValueEncoding.ofNumbers(names[i], s.numbers(), seed));
            } else if (str[i]) {
                found.put(names[i], (s.distinct() > ValueEncoding.MAX_LEVELS ? "more than " + ValueEncoding.MAX_LEVELS
                        : String.valueOf(s.distinct())) + " distinct values in " + s.rows + " non-null rows");
            }
        }
        return new Detection(out, found);
    }

    /**
     * What {@link #detect} decided: the encodings of the code-like columns by name, and for each
     * string column left out what was found in it (for messages).
     */
    record Detection(java.util.Map<String, ValueEncoding> encodings, java.util.Map<String, String> rejected) {
    }

    /** Per column: non-null rows, whether every value is an integer, and the distinct values up to one past the limit. */
    static final class LevelStats implements Serializable {
        private static final long serialVersionUID = 1L;
        /** An empty slot of {@link #numbers}: a NaN, and only finite values are added. */
        private static final long EMPTY = 0x7ff8000000000001L;
        long rows;
        boolean integers = true;
        /** A string column's values. */
        java.util.HashSet<Object> values = new java.util.HashSet<>();
        /**
         * A numeric column's values, as the bits of their doubles in an open-addressing table (no
         * boxing: 1000 columns of 1 M rows spent 141 s here with a {@code HashSet<Double>}).
         */
        long[] numbers = emptyTable(16);
        int numberCount;
        boolean over;

        private static long[] emptyTable(int size) {
            long[] t = new long[size];
            Arrays.fill(t, EMPTY);
            return t;
        }

        int distinct() {
            return over ? ValueEncoding.MAX_LEVELS + 1 : values.size() + numberCount;
        }

        double[] numbers() {
            double[] out = new double[numberCount];
            int k = 0;
            for (long b : numbers) {
                if (b != EMPTY) {
                    out[k++] = Double.longBitsToDouble(b);
                }
            }
            return out;
        }

        String[] strings() {
            return values.toArray(new String[0]);
        }

        void add(Object v) {
            rows++;
            addValue(v);
        }

        /** Adds a finite number ({@code -0.0} given as {@code 0.0}). */
        void add(double v) {
            rows++;
            addNumber(Double.doubleToLongBits(v));
        }

        private void addValue(Object v) {
            if (!over && values.add(v) && values.size() > ValueEncoding.MAX_LEVELS) {
                overflow();
            }
        }

        private void addNumber(long bits) {
            if (over) {
                return;
            }
            int mask = numbers.length - 1;
            int i = (int) Seeds.mix(bits) & mask; // neighbouring integers land far apart
            while (numbers[i] != EMPTY) {
                if (numbers[i] == bits) {
                    return;
                }
                i = (i + 1) & mask;
            }
            numbers[i] = bits;
            if (++numberCount > ValueEncoding.MAX_LEVELS) {
                overflow();
            } else if (2 * numberCount > numbers.length) {
                long[] old = numbers;
                numbers = emptyTable(2 * old.length);
                numberCount = 0;
                for (long b : old) {
                    if (b != EMPTY) {
                        addNumber(b);
                    }
                }
            }
        }

        private void overflow() {
            over = true;
            values = new java.util.HashSet<>();
            numbers = emptyTable(1);
            numberCount = 0;
        }

        LevelStats merge(LevelStats o) {
            rows += o.rows;
            integers &= o.integers;
            if (!over) {
                if (o.over) {
                    overflow();
                } else {
                    for (Object v : o.values) {
                        addValue(v);
                    }
                    for (long b : o.numbers) {
                        if (b != EMPTY) {
                            addNumber(b);
                        }
                    }
                }
            }
            return this;
        }

        static LevelStats[] collect(org.apache.spark.api.java.JavaRDD<Row> rows, boolean[] candidate, boolean[] str,
                                    boolean nullsLevel) {
            int n = candidate.length;
            if (rows.getNumPartitions() == 0) { // an empty input: no levels (the row checks report it)
                LevelStats[] none = new LevelStats[n];
                for (int i = 0; i < n; i++) {
                    none[i] = new LevelStats();
                }
                return none;
            }
            try {
                return levels(rows, candidate, str, nullsLevel, n);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) { // Spark's Scala code throws the checked SparkException (a file it cannot read) undeclared
                throw new IllegalStateException("reading the distinct values of the columns failed", e);
            }
        }

        private static LevelStats[] levels(org.apache.spark.api.java.JavaRDD<Row> rows, boolean[] candidate, boolean[] str,
                                           boolean nullsLevel, int n) {
            return rows.mapPartitions(it -> {
                LevelStats[] st = new LevelStats[n];
                for (int i = 0; i < n; i++) {
                    st[i] = new LevelStats();
                }
                while (it.hasNext()) {
                    Row r = it.next();
                    for (int i = 0; i < n; i++) {
                        if (!candidate[i]) {
                            continue;
                        }
                        if (r.isNullAt(i)) {
                            if (str[i] && nullsLevel) {
                                st[i].add(PairsLayout.NULL_LEVEL);
                            }
                            continue;
                        }
                        if (str[i]) {
                            st[i].add(r.getString(i));
                            continue;
                        }
                        double v = ((Number) r.get(i)).doubleValue();
                        if (!Double.isFinite(v)) {
                            continue;
                        }
                        if (v != Math.rint(v)) {
                            st[i].integers = false;
                        }
                        st[i].add(v == 0.0 ? 0.0 : v); // -0.0 and 0.0 are one value (a primitive double: no boxing)
                    }
                }
                return java.util.Collections.singletonList(st).iterator();
            }).reduce((a, b) -> {
                for (int i = 0; i < n; i++) {
                    a[i].merge(b[i]);
                }
                return a;
            });
        }
    }
}
