package org.minespark.core;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The bias-corrected plug-in mutual information of two discrete variables (category codes, or
 * equal-frequency bins of a continuous one) from their contingency table: a mergeable table of
 * counts per cell ({@link #add}, {@link #merge}) and its estimate ({@link #estimate}).
 *
 * <p>With {@code n_ab} the count of cell (a, b), {@code n_a}, {@code n_b} the marginal counts and
 * N the total, the plug-in estimate is {@code I = sum_ab (n_ab / N) ln(n_ab N / (n_a n_b))}. Its
 * first-order bias is {@code ((K_xy - 1) - (K_x - 1) - (K_y - 1)) / (2N)} with K the occupied
 * cells of each table (Miller 1955, "Note on the bias of information estimates"; the Miller-Madow
 * correction of each of the three entropies), so the reported value is
 * {@code I_MM = I - ((K_xy - 1) - (K_x - 1) - (K_y - 1)) / (2N)}, at least 0. Its standard
 * error is the delta method's {@code sqrt((sum_ab p_ab ln^2(p_ab / (p_a p_b)) - I^2) / N)}. Under
 * independence {@code G = 2 N I} is asymptotically chi-squared with
 * {@code (K_x - 1)(K_y - 1)} degrees of freedom (the G-test), which gives a p-value.
 *
 * <p>Codes are non-negative ints. The table is an open-addressing map from the cell (two codes
 * in one long) to its count: memory grows with the occupied cells, never with the rows. Not
 * thread-safe; serialisable, so Spark partitions build tables that the driver merges.
 */
public final class PlugInMi implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long EMPTY = -1L;

    private long[] keys = new long[64];
    private long[] counts = new long[64];
    private int size;
    private long n;

    public PlugInMi() {
        Arrays.fill(keys, EMPTY);
    }

    /** The estimate of one table. */
    public record Estimate(double nats, double rawNats, double stdErr, double gStatistic, double df, double pValue,
                           int xLevels, int yLevels, long n) implements Serializable {
    }

    /** Counts one observation of codes {@code a} (x) and {@code b} (y), both &gt;= 0. */
    public void add(int a, int b) {
        add(((long) a << 32) | (b & 0xffffffffL), 1L);
    }

    private void add(long key, long c) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int i = slot(keys, key);
        if (keys[i] == EMPTY) {
            keys[i] = key;
            size++;
        }
        counts[i] += c;
        n += c;
    }

    private static int slot(long[] keys, long key) {
        int mask = keys.length - 1;
        int i = (int) (Seeds.mix(key) & mask);
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] ok = keys;
        long[] oc = counts;
        keys = new long[ok.length * 2];
        counts = new long[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] != EMPTY) {
                int i = slot(keys, ok[j]);
                keys[i] = ok[j];
                counts[i] = oc[j];
            }
        }
    }

    /** Adds {@code other}'s counts to this table; returns this. */
    public PlugInMi merge(PlugInMi other) {
        for (int j = 0; j < other.keys.length; j++) {
            if (other.keys[j] != EMPTY) {
                add(other.keys[j], other.counts[j]);
            }
        }
        return this;
    }

    /** Observations counted. */
    public long count() {
        return n;
    }

    /** Occupied cells. */
    public int cells() {
        return size;
    }

    /** The estimate of this table (NaN values for an empty table). */
    public Estimate estimate() {
        if (n == 0) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, 0, 0, 0);
        }
        // the cells in key order: the sums do not depend on the slots, which depend on the order
        // in which partition tables were merged (Spark's reduce merges them as tasks finish)
        long[][] cells = new long[size][];
        int at = 0;
        for (int j = 0; j < keys.length; j++) {
            if (keys[j] != EMPTY) {
                cells[at++] = new long[] {keys[j], counts[j]};
            }
        }
        Arrays.sort(cells, (a, b) -> Long.compare(a[0], b[0]));
        java.util.HashMap<Integer, long[]> ax = new java.util.HashMap<>();
        java.util.HashMap<Integer, long[]> by = new java.util.HashMap<>();
        for (long[] cell : cells) {
            ax.computeIfAbsent((int) (cell[0] >>> 32), k -> new long[1])[0] += cell[1];
            by.computeIfAbsent((int) cell[0], k -> new long[1])[0] += cell[1];
        }
        double total = n;
        double mi = 0;
        double sq = 0;
        for (long[] cell : cells) {
            double c = cell[1];
            double l = Math.log(c * total / ((double) ax.get((int) (cell[0] >>> 32))[0] * by.get((int) cell[0])[0]));
            mi += c / total * l;
            sq += c / total * l * l;
        }
        int kx = ax.size();
        int ky = by.size();
        double corrected = mi - ((size - 1) - (kx - 1) - (ky - 1)) / (2 * total);
        double se = Math.sqrt(Math.max(0.0, sq - mi * mi) / total);
        double g = 2 * total * mi;
        double df = (double) (kx - 1) * (ky - 1);
        double p = df == 0 ? 1.0 : chiSquaredSurvival(g, df);
        return new Estimate(Math.max(0.0, corrected), mi, se, g, df, p, kx, ky, n);
    }

    /** {@code P(X >= x)} for X chi-squared with {@code df} degrees of freedom: Q(df / 2, x / 2). */
    public static double chiSquaredSurvival(double x, double df) {
        if (!(df > 0)) {
            throw new IllegalArgumentException("df must be > 0, got " + df);
        }
        return x <= 0 ? 1.0 : regularizedGammaQ(df / 2, x / 2);
    }

    /**
     * The regularized upper incomplete gamma function {@code Q(a, x) = Gamma(a, x) / Gamma(a)}: the
     * power series of P(a, x) = 1 - Q below {@code x < a + 1}, the continued fraction of Q above
     * (Lentz's method), both to relative precision 1e-14 (Abramowitz and Stegun 6.5.29 and 6.5.31).
     */
    public static double regularizedGammaQ(double a, double x) {
        if (!(a > 0) || !(x >= 0)) {
            throw new IllegalArgumentException("regularizedGammaQ needs a > 0 and x >= 0, got a = " + a + ", x = " + x);
        }
        if (x == 0) {
            return 1.0;
        }
        double lnPre = a * Math.log(x) - x - SpecialFunctions.lnGamma(a);
        if (x < a + 1) {
            double term = 1.0 / a;
            double sum = term;
            for (int k = 1; k < 100_000; k++) {
                term *= x / (a + k);
                sum += term;
                if (term < sum * 1e-15) {
                    break;
                }
            }
            return Math.max(0.0, 1.0 - Math.exp(lnPre) * sum);
        }
        final double tiny = 1e-300;
        double b = x + 1 - a;
        double c = 1.0 / tiny;
        double d = 1.0 / b;
        double h = d;
        for (int i = 1; i < 100_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < tiny) {
                d = tiny;
            }
            c = b + an / c;
            if (Math.abs(c) < tiny) {
                c = tiny;
            }
            d = 1.0 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-15) {
                break;
            }
        }
        return Math.exp(lnPre) * h;
    }
}
