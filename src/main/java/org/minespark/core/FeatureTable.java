package org.minespark.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A generated feature table with a known dependency structure ({@code generate --task feature-table}).
 *
 * <p><b>Columns</b>, in this order: {@code id} (long, the row index: unique), {@code id_str} (string,
 * unique: a bijective 64-bit mix of the row index in hex), {@code const_num} (double 1.0) and
 * {@code const_str} (string {@code "const"}), none of them ever null; then the N feature columns
 * {@code f000..f(N−1)}, each null in a row with probability {@code nullRate}, independently of
 * everything else (so the non-null rows of a pair have the planted MI).
 *
 * <p><b>Planted pairs</b>: {@code max(1, N/8)} disjoint pairs of feature columns, at positions shuffled
 * by the seed, of the kinds {@code linear-gaussian}, {@code monotone}, {@code non-monotone} and
 * {@code categorical} in turn (see {@link PlantedDependence} for the constructions and their true
 * MI). Their MIs are spread geometrically over [{@link #MIN_PLANTED_MI}, {@link #MAX_PLANTED_MI}]
 * nats and assigned to the pairs in a seeded random order. Every other feature column is
 * independent of all others: doubles (normal, uniform or exponential), integers uniform on
 * {@code 0..m−1} ({@code m} in 2..50) or strings uniform on {@code m} levels {@code v0..} ({@code m}
 * in 2..12), half, a quarter and a quarter of them. So every pair of columns that is not planted
 * has MI 0.
 *
 * <p><b>Determinism.</b> The layout (types, planted pairs, their parameters) depends only on the
 * seed and N; row {@code i} only on {@code (seed, i)} through {@link SyntheticTasks#rowRandom}.
 *
 * <p>Pure Java, no Spark import. Immutable, serialisable and thread-safe.
 */
public final class FeatureTable implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String TASK = "feature-table";
    public static final int DEFAULT_COLUMNS = 40;
    public static final double DEFAULT_NULL_RATE = 0.05;
    public static final int MIN_COLUMNS = 2;
    public static final int MAX_COLUMNS = 10_000;
    public static final double MIN_PLANTED_MI = 0.05;
    public static final double MAX_PLANTED_MI = 1.5;
    public static final String ID = "id";
    public static final String ID_STRING = "id_str";
    public static final String CONST_NUM = "const_num";
    public static final String CONST_STR = "const_str";
    /** Value of {@link #CONST_NUM}. */
    public static final double CONST_NUM_VALUE = 1.0;
    /** Value of {@link #CONST_STR}. */
    public static final String CONST_STR_VALUE = "const";

    private static final int FIXED = 4;

    /** A column's value type: Java {@code Double}, {@code Integer}, {@code Long}, {@code String}. */
    public enum Type { DOUBLE, INTEGER, LONG, STRING }

    /** What a column is for. */
    public enum Role { ID, CONSTANT, FEATURE }

    /** One column of the table. */
    public record Column(String name, Type type, Role role) implements Serializable {
    }

    /**
     * A planted dependent pair: column names, kind ({@code linear-gaussian}, {@code monotone},
     * {@code non-monotone}, {@code categorical}), true MI in nats, the parameters of the
     * construction, the construction and how the truth is obtained, in words.
     */
    public record Planted(String x, String y, String kind, double miNats, Map<String, Double> parameters,
                          String construction, String truth) implements Serializable {
        public Planted {
            parameters = Map.copyOf(parameters);
        }
    }

    private final int features;
    private final double nullRate;
    private final long seed;
    private final List<Column> columns;
    private final List<Planted> planted;
    private final PlantedDependence.Unit[] units;

    private FeatureTable(int features, double nullRate, long seed, List<Column> columns, List<Planted> planted,
                         PlantedDependence.Unit[] units) {
        this.features = features;
        this.nullRate = nullRate;
        this.seed = seed;
        this.columns = List.copyOf(columns);
        this.planted = List.copyOf(planted);
        this.units = units;
    }

    /**
     * The table of {@code features} feature columns with null rate {@code nullRate} for {@code seed}.
     *
     * @throws IllegalArgumentException for {@code features} outside [2, 10000] or a null rate outside [0, 1)
     */
    public static FeatureTable create(int features, double nullRate, long seed) {
        if (features < MIN_COLUMNS || features > MAX_COLUMNS) {
            throw new IllegalArgumentException("--columns must be in [" + MIN_COLUMNS + ", " + MAX_COLUMNS + "], got "
                    + features);
        }
        if (!(nullRate >= 0 && nullRate < 1)) {
            throw new IllegalArgumentException("--null-rate must be in [0, 1), got " + nullRate);
        }
        SplittableRandom layout = new SplittableRandom(Seeds.mix(seed ^ 0x7AB1E5EEDL));
        int[] perm = shuffled(features, layout);
        int pairs = Math.max(1, features / 8);
        double[] mi = new double[pairs];
        for (int j = 0; j < pairs; j++) {
            double t = pairs == 1 ? 0.5 : (double) j / (pairs - 1);
            mi[j] = MIN_PLANTED_MI * Math.pow(MAX_PLANTED_MI / MIN_PLANTED_MI, t);
        }
        int[] order = shuffled(pairs, layout);
        Type[] types = new Type[features];
        List<PlantedDependence.Unit> units = new ArrayList<>();
        List<Planted> planted = new ArrayList<>();
        String[] names = new String[features];
        int width = Math.max(3, String.valueOf(features - 1).length());
        for (int c = 0; c < features; c++) {
            names[c] = String.format(Locale.ROOT, "f%0" + width + "d", c);
        }
        for (int j = 0; j < pairs; j++) {
            String kind = PlantedDependence.KINDS[j % PlantedDependence.KINDS.length];
            int ix = perm[2 * j];
            int iy = perm[2 * j + 1];
            PlantedDependence.Built b = PlantedDependence.plant(kind, mi[order[j]], FIXED + ix, FIXED + iy,
                    j / PlantedDependence.KINDS.length, 3 + layout.nextInt(4));
            types[ix] = b.xType();
            types[iy] = b.yType();
            units.add(b.unit());
            planted.add(new Planted(names[ix], names[iy], kind, b.miNats(), b.parameters(), b.construction(), b.truth()));
        }
        for (int c = 0; c < features; c++) {
            if (types[c] != null) {
                continue;
            }
            double r = layout.nextDouble();
            int shape = r < 0.5 ? layout.nextInt(3) : r < 0.75 ? 2 + layout.nextInt(49) : 2 + layout.nextInt(11);
            types[c] = r < 0.5 ? Type.DOUBLE : r < 0.75 ? Type.INTEGER : Type.STRING;
            units.add(new PlantedDependence.Independent(FIXED + c, types[c], shape));
        }
        List<Column> cols = new ArrayList<>(List.of(new Column(ID, Type.LONG, Role.ID),
                new Column(ID_STRING, Type.STRING, Role.ID), new Column(CONST_NUM, Type.DOUBLE, Role.CONSTANT),
                new Column(CONST_STR, Type.STRING, Role.CONSTANT)));
        for (int c = 0; c < features; c++) {
            cols.add(new Column(names[c], types[c], Role.FEATURE));
        }
        return new FeatureTable(features, nullRate, seed, cols, planted, units.toArray(new PlantedDependence.Unit[0]));
    }

    /** A seeded Fisher-Yates permutation of {@code 0..n−1}. */
    private static int[] shuffled(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** All columns, in table order: the ID and constant columns, then the features. */
    public List<Column> columns() {
        return columns;
    }

    /** The names of the columns of {@code role}, in table order. */
    public List<String> names(Role role) {
        return columns.stream().filter(c -> c.role() == role).map(Column::name).toList();
    }

    /** The planted pairs; every other pair of columns is independent (MI 0). */
    public List<Planted> planted() {
        return planted;
    }

    /** The number of feature columns N. */
    public int features() {
        return features;
    }

    public double nullRate() {
        return nullRate;
    }

    public long seed() {
        return seed;
    }

    /**
     * Row {@code row}'s values in {@link #columns()} order into {@code out} ({@code Double},
     * {@code Integer}, {@code Long}, {@code String}, or null for a missing feature value).
     */
    public void fillRow(long row, Object[] out) {
        if (out.length != columns.size()) {
            throw new IllegalArgumentException("fillRow: expected " + columns.size() + " values, got " + out.length);
        }
        SplittableRandom rng = SyntheticTasks.rowRandom(seed, row);
        for (PlantedDependence.Unit u : units) {
            u.fill(rng, out);
        }
        if (nullRate > 0) {
            for (int c = FIXED; c < out.length; c++) {
                if (rng.nextDouble() < nullRate) {
                    out[c] = null;
                }
            }
        }
        out[0] = row;
        out[1] = String.format(Locale.ROOT, "r%016x", Seeds.mix(row ^ Seeds.mix(seed)));
        out[2] = CONST_NUM_VALUE;
        out[3] = CONST_STR_VALUE;
    }

    @Override
    public String toString() {
        return TASK + "{columns=" + features + ", null_rate=" + nullRate + ", seed=" + seed + ", planted=" + planted.size()
                + "}";
    }
}
