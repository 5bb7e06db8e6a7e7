package org.minespark.core;

/**
 * Held-out InfoNCE (van den Oord et al. 2018; Poole et al. 2019) over groups of rows: each group of
 * k rows gives the row values {@code v_i = S_ii - ln((1/k) sum_j S_ij)} and its sum
 * {@code V_g = sum_i v_i}; the estimate is {@code sum_g V_g / sum_g k_g} (at most {@code ln K}).
 *
 * <p>Rows of one group share their y's, so they are not independent; groups are (disjoint random
 * rows). The standard error therefore treats groups as the independent units and uses the delta
 * method for the ratio estimator: with {@code r = sum V / sum k}, residuals {@code e_g = V_g - r k_g}
 * and {@code kbar = mean k_g} over G groups, {@code Var(r) ~ sum e_g^2 / (G (G - 1) kbar^2)}, from
 * the mergeable sums {@code G, sum V, sum V^2, sum k, sum k^2, sum V k}. 0 with fewer than 2 groups.
 * Not thread-safe.
 */
final class InfoNceEvalStats extends BoundStats {
    private static final long serialVersionUID = 1L;

    private long groups;
    private long rows;
    private double sumV;
    private double sumV2;
    private double sumK2;
    private double sumVK;

    @Override
    public void add(float[] tJoint, float[] tMarg, int count) {
        throw new IllegalStateException("infonce needs every pairing within a group: feed a score matrix with addScores");
    }

    @Override
    public void addScores(float[] s, int k) {
        if (k < 1) {
            return;
        }
        double v = 0;
        for (int i = 0; i < k; i++) {
            v += s[i * k + i] - InfoNce.rowTerm(s, i * k, k, i, null, 0);
        }
        groups++;
        rows += k;
        sumV += v;
        sumV2 += v * v;
        sumK2 += (double) k * k;
        sumVK += v * k;
    }

    @Override
    public InfoNceEvalStats merge(BoundStats other) {
        InfoNceEvalStats o = requireSame(other, InfoNceEvalStats.class);
        groups += o.groups;
        rows += o.rows;
        sumV += o.sumV;
        sumV2 += o.sumV2;
        sumK2 += o.sumK2;
        sumVK += o.sumVK;
        return this;
    }

    @Override
    public long count() {
        return rows;
    }

    /** Number of groups accumulated. */
    long groups() {
        return groups;
    }

    @Override
    public double estimate() {
        requireData();
        return sumV / rows;
    }

    @Override
    public double stdError() {
        requireData();
        if (groups < 2) {
            return 0.0;
        }
        double r = sumV / rows;
        double kbar = rows / (double) groups;
        double ss = sumV2 - 2 * r * sumVK + r * r * sumK2;
        return Math.sqrt(Math.max(0, ss) / (groups * (double) (groups - 1))) / kbar;
    }
}
