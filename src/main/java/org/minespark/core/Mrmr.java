package org.minespark.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The minimum-redundancy maximum-relevance order of features (Peng, Long and Ding 2005, the
 * difference form "MID"): first the feature of highest relevance I(f; t); then, repeatedly, the
 * remaining feature with the highest {@code I(f; t) - mean over chosen s of I(f; s)}. A feature
 * that adds the same information as one already chosen falls behind one of lower relevance that
 * adds information of its own.
 */
public final class Mrmr {
    /** One step of the order: the feature's index and its score when it was chosen (its relevance for the first). */
    public record Step(int feature, double score) {
    }

    private Mrmr() {
    }

    /**
     * The order of the features with a finite relevance (the others are left out).
     *
     * @param relevance  I(f; target) per feature, NaN when unknown
     * @param redundancy I(f; g) between features (symmetric; NaN entries are left out of the mean,
     *                   and a feature with no known redundancy to the chosen ones scores its relevance)
     */
    public static List<Step> order(double[] relevance, double[][] redundancy) {
        int n = relevance.length;
        if (redundancy.length != n) {
            throw new IllegalArgumentException("redundancy must be " + n + " x " + n + ", got " + redundancy.length + " rows");
        }
        boolean[] used = new boolean[n];
        double[] sum = new double[n];
        int[] count = new int[n];
        List<Step> out = new ArrayList<>();
        while (true) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int f = 0; f < n; f++) {
                if (used[f] || !Double.isFinite(relevance[f])) {
                    continue;
                }
                double score = relevance[f] - (count[f] == 0 ? 0 : sum[f] / count[f]);
                if (score > bestScore) { // ties: the lower index, i.e. the caller's order
                    best = f;
                    bestScore = score;
                }
            }
            if (best < 0) {
                return out;
            }
            used[best] = true;
            out.add(new Step(best, bestScore));
            for (int f = 0; f < n; f++) {
                double r = redundancy[f][best];
                if (!used[f] && Double.isFinite(r)) {
                    sum[f] += r;
                    count[f]++;
                }
            }
        }
    }
}
