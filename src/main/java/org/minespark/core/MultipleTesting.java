package org.minespark.core;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Adjusted p-values over a family of tests. NaN entries (no test) are left out of the family and
 * stay NaN; the family size m is the number of finite p-values.
 * <ul>
 * <li>{@link #benjaminiHochberg}: q-values controlling the false discovery rate (Benjamini and
 *     Hochberg 1995): with the m p-values sorted, {@code q_(i) = min_{j >= i} min(1, m p_(j) / j)};
 *     rejecting every q &lt;= alpha keeps the expected share of false discoveries &lt;= alpha for
 *     independent or positively dependent tests.</li>
 * <li>{@link #holm}: Holm's step-down adjustment, controlling the family-wise error rate under
 *     any dependence: {@code p~_(i) = max_{j <= i} min(1, (m - j + 1) p_(j))}.</li>
 * </ul>
 */
public final class MultipleTesting {
    /** The corrections by name: {@code bh}, {@code holm}, {@code none} (the raw p-values). */
    public static final java.util.List<String> CORRECTIONS = java.util.List.of("bh", "holm", "none");

    private MultipleTesting() {
    }

    /** The adjusted p-values of {@code p} by {@code correction} ({@link #CORRECTIONS}). */
    public static double[] adjust(String correction, double[] p) {
        switch (correction) {
            case "bh":
                return benjaminiHochberg(p);
            case "holm":
                return holm(p);
            case "none":
                return p.clone();
            default:
                throw new IllegalArgumentException("correction must be one of " + CORRECTIONS + ", got '" + correction + "'");
        }
    }

    public static double[] benjaminiHochberg(double[] p) {
        Integer[] order = finiteOrder(p);
        int m = order.length;
        double[] q = nanArray(p.length);
        double running = 1.0;
        for (int i = m - 1; i >= 0; i--) {
            int k = order[i];
            running = Math.min(running, Math.min(1.0, m * p[k] / (i + 1)));
            q[k] = running;
        }
        return q;
    }

    public static double[] holm(double[] p) {
        Integer[] order = finiteOrder(p);
        int m = order.length;
        double[] q = nanArray(p.length);
        double running = 0.0;
        for (int i = 0; i < m; i++) {
            int k = order[i];
            running = Math.max(running, Math.min(1.0, (m - i) * p[k]));
            q[k] = running;
        }
        return q;
    }

    private static Integer[] finiteOrder(double[] p) {
        for (double v : p) {
            if (!Double.isNaN(v) && !(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("p-values must be in [0, 1] or NaN, got " + v);
            }
        }
        return IntStream.range(0, p.length).filter(i -> !Double.isNaN(p[i])).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> p[i]).thenComparingInt(i -> i)).toArray(Integer[]::new);
    }

    private static double[] nanArray(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }
}
