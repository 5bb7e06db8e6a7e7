package org.minespark.spec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a pairs run ({@link org.minespark.api.MutualInformation#pairs}) measures: named <i>units</i> (a single column,
 * or a named group of columns acting as one multivariate variable) and the pairs of units to
 * estimate I(X; Y) for, plus the pairs-specific knobs and the training settings. Immutable: every
 * {@code with...} returns a new spec; values are validated when set.
 *
 * <pre>{@code
 * PairsSpec vsTarget = PairsSpec.againstTargets(List.of("a", "b", "geo"), List.of("t"),
 *         Map.of("geo", List.of("lat", "lon")))
 *     .withTraining(MineSpec.x("x").y("y").withSteps(1500).withSeed(7));
 * PairsSpec all = PairsSpec.allPairs(List.of("a", "b", "c"), Map.of());
 * }</pre>
 *
 * The training settings are a {@link MineSpec} whose x/y columns are ignored; its hidden widths
 * are replaced by {@link #hidden()} (default {@link #DEFAULT_HIDDEN}: pairs train many critics
 * per step, so they are smaller than an estimate's).
 */
public final class PairsSpec implements Serializable {
    private static final long serialVersionUID = 2L;

    /** Default K of the categorical encoding (one-hot of the K most frequent values plus "other"). */
    public static final int DEFAULT_CATEGORICAL_TOP_K = 16;
    /** Default critic hidden widths for pairs (smaller than estimate's 256,256: many critics per step). */
    public static final List<Integer> DEFAULT_HIDDEN = List.of(64, 64);
    /** Default number of pairs trained together in one pass over the cached blocks. */
    public static final int DEFAULT_PAIRS_PER_PASS = 64;
    /** Default multiple-testing correction over the run's family of pairs: Benjamini-Hochberg q-values. */
    public static final String DEFAULT_CORRECTION = "bh";
    /** Default level of the screen: a pair is trained when its screen q-value is at most this. */
    public static final double DEFAULT_SCREEN_ALPHA = 0.05;
    /** Default null fraction above which a column is skipped as mostly null. */
    public static final double DEFAULT_MAX_NULL_FRACTION = 0.5;
    /** Default number of distinct strings above which a string column is skipped. */
    public static final int DEFAULT_MAX_LEVELS = 1000;

    private final Map<String, List<String>> units;
    private final List<List<String>> pairs;
    private int categoricalTopK = DEFAULT_CATEGORICAL_TOP_K;
    private List<Integer> hidden = DEFAULT_HIDDEN;
    private int pairsPerPass = DEFAULT_PAIRS_PER_PASS;
    private String correction = DEFAULT_CORRECTION;
    private boolean screen = true;
    private double screenAlpha = DEFAULT_SCREEN_ALPHA;
    private int trainTop;
    private boolean screenOnly;
    private double maxNullFraction = DEFAULT_MAX_NULL_FRACTION;
    private int maxLevels = DEFAULT_MAX_LEVELS;
    private List<String> targets = List.of();
    private boolean nullsCategory;
    private MineSpec training = MineSpec.of(List.of("x"), List.of("y"));

    private PairsSpec(Map<String, List<String>> units, List<List<String>> pairs) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no pairs to estimate: give at least two columns, or a --target and one other column");
        }
        this.units = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : units.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw new IllegalArgumentException("--columns/--target: empty column or group name");
            }
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("group '" + e.getKey() + "' has no columns");
            }
            this.units.put(e.getKey(), List.copyOf(e.getValue()));
        }
        List<List<String>> ps = new ArrayList<>();
        for (List<String> p : pairs) {
            if (p.size() != 2 || !this.units.containsKey(p.get(0)) || !this.units.containsKey(p.get(1))) {
                throw new IllegalArgumentException("pair " + String.join(" ~ ", p) + " names an unknown column or group");
            }
            Set<String> xs = new HashSet<>(this.units.get(p.get(0)));
            for (String c : this.units.get(p.get(1))) {
                if (xs.contains(c)) {
                    throw new IllegalArgumentException("pair " + p.get(0) + " ~ " + p.get(1) + ": column '" + c
                            + "' is on both sides; a variable's information about itself is unbounded");
                }
            }
            ps.add(List.copyOf(p));
        }
        this.pairs = List.copyOf(ps);
    }

    private PairsSpec copy() {
        return settingsTo(new PairsSpec(units, pairs));
    }

    /** {@code s} with this spec's settings (all but the units and pairs); returns {@code s}. */
    private PairsSpec settingsTo(PairsSpec s) {
        s.categoricalTopK = categoricalTopK;
        s.hidden = hidden;
        s.pairsPerPass = pairsPerPass;
        s.correction = correction;
        s.screen = screen;
        s.screenAlpha = screenAlpha;
        s.trainTop = trainTop;
        s.screenOnly = screenOnly;
        s.maxNullFraction = maxNullFraction;
        s.maxLevels = maxLevels;
        s.targets = targets;
        s.nullsCategory = nullsCategory;
        s.training = training;
        return s;
    }

    /**
     * Explicit units and pairs.
     *
     * @param units unit name to its columns, in order (a plain column is a unit of itself)
     * @param pairs {x unit, y unit} names, each a list of two
     */
    public static PairsSpec of(Map<String, List<String>> units, List<List<String>> pairs) {
        return new PairsSpec(units, pairs);
    }

    /**
     * All unordered pairs of {@code columns} (at least two); an entry that is a key of
     * {@code groups} is that group of columns, any other entry a single column.
     */
    public static PairsSpec allPairs(List<String> columns, Map<String, List<String>> groups) {
        checkDistinct(columns, "--columns");
        if (columns.size() < 2) {
            throw new IllegalArgumentException("--columns: all-pairs mode needs at least 2 columns, got " + columns
                    + "; or give --target");
        }
        List<List<String>> pairs = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            for (int j = i + 1; j < columns.size(); j++) {
                pairs.add(List.of(columns.get(i), columns.get(j)));
            }
        }
        return new PairsSpec(units(columns, List.of(), groups), pairs);
    }

    /**
     * Every entry of {@code columns} against each of {@code targets} (an entry equal to the target
     * is skipped); entries may name groups of {@code groups}.
     */
    public static PairsSpec againstTargets(List<String> columns, List<String> targets, Map<String, List<String>> groups) {
        checkDistinct(columns, "--columns");
        checkDistinct(targets, "--target");
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("--target: at least one target is required");
        }
        List<List<String>> pairs = new ArrayList<>();
        for (String t : targets) {
            for (String c : columns) {
                if (!c.equals(t)) {
                    pairs.add(List.of(c, t));
                }
            }
        }
        PairsSpec s = new PairsSpec(units(columns, targets, groups), pairs);
        s.targets = List.copyOf(targets);
        return s;
    }

    /** The target units of a run against targets ({@link #againstTargets}); empty for all pairs. */
    public List<String> targets() {
        return targets;
    }

    private static void checkDistinct(List<String> names, String flag) {
        Set<String> seen = new HashSet<>();
        for (String c : names) {
            if (c == null || c.isBlank()) {
                throw new IllegalArgumentException(flag + ": empty column name in " + names);
            }
            if (!seen.add(c)) {
                throw new IllegalArgumentException(flag + ": '" + c + "' is listed twice");
            }
        }
    }

    private static Map<String, List<String>> units(List<String> columns, List<String> targets,
                                                   Map<String, List<String>> groups) {
        Map<String, List<String>> units = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(columns);
        all.addAll(targets);
        for (String name : all) {
            units.putIfAbsent(name, groups.getOrDefault(name, List.of(name)));
        }
        return units;
    }

    /** K for string columns: one-hot of the K most frequent values plus "other" ({@code >= 1}). */
    public PairsSpec withCategoricalTopK(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("categorical-top-k must be >= 1, got " + v);
        }
        PairsSpec s = copy();
        s.categoricalTopK = v;
        return s;
    }

    /** Critic hidden widths of every pair (each {@code >= 1}). */
    public PairsSpec withHidden(List<Integer> v) {
        if (v == null || v.isEmpty() || v.stream().anyMatch(h -> h == null || h < 1)) {
            throw new IllegalArgumentException("hidden widths must be a non-empty list of integers >= 1, got " + v);
        }
        PairsSpec s = copy();
        s.hidden = List.copyOf(v);
        return s;
    }

    /** Pairs trained together per pass over the cached training rows ({@code >= 1}). */
    /**
     * The multiple-testing correction over the run's family (every pair with a permutation test,
     * each once): {@code bh} (Benjamini-Hochberg q-values, the default), {@code holm} or
     * {@code none}. A pair is {@code dependent} when its adjusted value is at most the significance level.
     */
    public PairsSpec withCorrection(String v) {
        if (!org.minespark.core.MultipleTesting.CORRECTIONS.contains(v)) {
            throw new IllegalArgumentException("correction must be one of "
                    + String.join(", ", org.minespark.core.MultipleTesting.CORRECTIONS) + ", got '" + v + "'");
        }
        PairsSpec s = copy();
        s.correction = v;
        return s;
    }

    public String correction() {
        return correction;
    }

    /**
     * The screen before training (default on): every pair whose x and y are one dimension each
     * gets its plug-in estimate and G-test p-value from the cached training rows first, and only
     * the pairs that pass ({@link #withScreenAlpha}, or {@link #withTrainTop}) are trained. Off:
     * every pair is trained, as before the screen existed.
     */
    public PairsSpec withScreen(boolean v) {
        PairsSpec s = copy();
        s.screen = v;
        return s;
    }

    public boolean screen() {
        return screen;
    }

    /** The screen's level: a pair is trained when its Benjamini-Hochberg q-value over the screened pairs is at most this; in (0, 1]. */
    public PairsSpec withScreenAlpha(double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException("screen-alpha must be in (0, 1], got " + v);
        }
        PairsSpec s = copy();
        s.screenAlpha = v;
        return s;
    }

    public double screenAlpha() {
        return screenAlpha;
    }

    /** Train the N screened pairs of highest plug-in value instead of those under the screen's level; 0 = off. */
    public PairsSpec withTrainTop(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("train-top must be >= 0 (0 = the screen's level decides), got " + v);
        }
        PairsSpec s = copy();
        s.trainTop = v;
        return s;
    }

    public int trainTop() {
        return trainTop;
    }

    /** A column with a larger share of nulls is skipped (its pairs get a row saying so); in [0, 1]. */
    public PairsSpec withMaxNullFraction(double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("max-null-fraction must be in [0, 1], got " + v);
        }
        PairsSpec s = copy();
        s.maxNullFraction = v;
        return s;
    }

    public double maxNullFraction() {
        return maxNullFraction;
    }

    /** A string column with more distinct values is skipped; &gt;= 2. */
    public PairsSpec withMaxLevels(int v) {
        if (v < 2) {
            throw new IllegalArgumentException("max-levels must be >= 2, got " + v);
        }
        PairsSpec s = copy();
        s.maxLevels = v;
        return s;
    }

    public int maxLevels() {
        return maxLevels;
    }

    /**
     * The null policy of string columns: {@code false} (default, {@code --nulls drop}) drops a row
     * with a null as for any column; {@code true} ({@code --nulls category}) makes null a level of
     * its own, so those rows are kept and the missingness itself can carry information.
     */
    public PairsSpec withNullsCategory(boolean v) {
        PairsSpec s = copy();
        s.nullsCategory = v;
        return s;
    }

    public boolean nullsCategory() {
        return nullsCategory;
    }

    /**
     * All unordered pairs of {@code names} (units of this spec, at least two), with this spec's
     * settings, screened and never trained ({@link #screenOnly()}): the plug-in estimates of the
     * redundancy between features that an mRMR order needs.
     */
    public PairsSpec redundancy(List<String> names) {
        Map<String, List<String>> u = new LinkedHashMap<>();
        List<List<String>> p = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (!units.containsKey(names.get(i))) {
                throw new IllegalArgumentException("redundancy: '" + names.get(i) + "' is not a unit of this run");
            }
            u.put(names.get(i), units.get(names.get(i)));
            for (int j = i + 1; j < names.size(); j++) {
                p.add(List.of(names.get(i), names.get(j)));
            }
        }
        PairsSpec r = settingsTo(new PairsSpec(u, p));
        r.targets = List.of();
        r.screen = true;
        r.screenOnly = true;
        r.trainTop = 0;
        return r;
    }

    /** Only the screen: every pair gets its plug-in estimate and none is trained ({@link #redundancy}). */
    public boolean screenOnly() {
        return screenOnly;
    }

    public PairsSpec withPairsPerPass(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("pairs-per-pass must be >= 1, got " + v);
        }
        PairsSpec s = copy();
        s.pairsPerPass = v;
        return s;
    }

    /**
     * The training, evaluation and significance settings (steps, batch size, learning rate, seed,
     * eval-every/patience/min-delta, permutations, significance level, ...); its x/y columns and
     * hidden widths are ignored.
     */
    public PairsSpec withTraining(MineSpec v) {
        if (v == null) {
            throw new IllegalArgumentException("training spec must not be null");
        }
        PairsSpec s = copy();
        s.training = v;
        return s;
    }

    /** Unit name to columns, in order. */
    public Map<String, List<String>> units() {
        return Collections.unmodifiableMap(units);
    }

    /** The pairs as {x unit, y unit}. */
    public List<List<String>> pairs() {
        return pairs;
    }

    public int categoricalTopK() {
        return categoricalTopK;
    }

    public List<Integer> hidden() {
        return hidden;
    }

    public int pairsPerPass() {
        return pairsPerPass;
    }

    public MineSpec training() {
        return training;
    }

    /** All distinct columns of the units in the pairs, in first-use order. */
    public List<String> columns() {
        Set<String> seen = new LinkedHashSet<>();
        for (List<String> p : pairs) {
            seen.addAll(units.get(p.get(0)));
            seen.addAll(units.get(p.get(1)));
        }
        return List.copyOf(seen);
    }
}
