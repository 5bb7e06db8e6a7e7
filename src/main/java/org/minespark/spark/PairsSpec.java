package org.minespark.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code pairs} run measures: named units (a single column, or a named group of columns
 * acting as one multivariate variable) and the pairs of units to estimate I(X; Y) for, plus the
 * pairs-specific knobs. Training knobs come from the {@link org.minespark.api.MineSpec} passed
 * alongside (its x/y columns are ignored). Immutable; validated at construction.
 */
public final class PairsSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Default K of the categorical encoding (one-hot of the K most frequent values plus "other"). */
    public static final int DEFAULT_CATEGORICAL_TOP_K = 16;
    /** Default critic hidden widths for pairs (smaller than estimate's 256,256: many critics per step). */
    public static final List<Integer> DEFAULT_HIDDEN = List.of(64, 64);
    /** Default number of pairs trained together in one pass over the cached blocks. */
    public static final int DEFAULT_PAIRS_PER_PASS = 64;

    private final Map<String, List<String>> units;
    private final List<String[]> pairs;
    private final int categoricalTopK;
    private final List<Integer> hidden;
    private final int pairsPerPass;

    /**
     * @param units           unit name to its columns, in order (a plain column is a unit of itself)
     * @param pairs           {x unit, y unit} names
     * @param categoricalTopK K for string columns (>= 1)
     * @param hidden          critic hidden widths (each >= 1)
     * @param pairsPerPass    pairs trained together (>= 1)
     */
    public PairsSpec(Map<String, List<String>> units, List<String[]> pairs, int categoricalTopK,
                     List<Integer> hidden, int pairsPerPass) {
        if (categoricalTopK < 1) {
            throw new IllegalArgumentException("categorical-top-k must be >= 1, got " + categoricalTopK);
        }
        if (pairsPerPass < 1) {
            throw new IllegalArgumentException("pairs-per-pass must be >= 1, got " + pairsPerPass);
        }
        if (hidden.isEmpty() || hidden.stream().anyMatch(h -> h == null || h < 1)) {
            throw new IllegalArgumentException("hidden widths must be a non-empty list of integers >= 1, got " + hidden);
        }
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no pairs to estimate: give at least two columns, or a --target and one other column");
        }
        this.units = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : units.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("group '" + e.getKey() + "' has no columns");
            }
            this.units.put(e.getKey(), List.copyOf(e.getValue()));
        }
        this.pairs = new ArrayList<>();
        for (String[] p : pairs) {
            if (p.length != 2 || !this.units.containsKey(p[0]) || !this.units.containsKey(p[1])) {
                throw new IllegalArgumentException("pair " + String.join(" ~ ", p) + " names an unknown column or group");
            }
            Set<String> xs = new HashSet<>(this.units.get(p[0]));
            for (String c : this.units.get(p[1])) {
                if (xs.contains(c)) {
                    throw new IllegalArgumentException("pair " + p[0] + " ~ " + p[1] + ": column '" + c
                            + "' is on both sides; a variable's information about itself is unbounded");
                }
            }
            this.pairs.add(p.clone());
        }
        this.categoricalTopK = categoricalTopK;
        this.hidden = List.copyOf(hidden);
        this.pairsPerPass = pairsPerPass;
    }

    /** Unit name to columns, in order. */
    public Map<String, List<String>> units() {
        return java.util.Collections.unmodifiableMap(units);
    }

    /** The pairs as {x unit, y unit}. */
    public List<String[]> pairs() {
        List<String[]> out = new ArrayList<>();
        for (String[] p : pairs) {
            out.add(p.clone());
        }
        return out;
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

    /** All distinct columns of the units in the pairs, in first-use order. */
    public List<String> columns() {
        Set<String> seen = new java.util.LinkedHashSet<>();
        for (String[] p : pairs) {
            seen.addAll(units.get(p[0]));
            seen.addAll(units.get(p[1]));
        }
        return new ArrayList<>(seen);
    }
}
