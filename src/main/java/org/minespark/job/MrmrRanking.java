package org.minespark.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.minespark.api.MutualInformation;
import org.minespark.core.Mrmr;
import org.minespark.spec.PairResult;
import org.minespark.spec.PairsSpec;

/**
 * The mRMR order of the features against each target of a {@code --target} run ({@link Mrmr}):
 * relevance and redundancy are both the screen's plug-in estimates (one estimator on one scale;
 * MINE's estimate stands in for a feature without a plug-in value, a multi-column group). The
 * redundancy between the {@code top} most relevant features is computed by one more screen-only
 * pass ({@link PairsSpec#redundancy}); features outside them are not ranked.
 */
final class MrmrRanking {
    private MrmrRanking() {
    }

    /** A pair's relevance: the plug-in estimate, else MINE's, else NaN (skipped, failed). */
    static double relevance(PairResult r) {
        if (r.plugIn().computed()) {
            return Math.max(0, r.plugIn().nats());
        }
        return PairResult.OK.equals(r.status()) ? r.miNats() : Double.NaN;
    }

    /**
     * {@code segment}'s results with each target's mRMR ranks filled in; prints the order per target.
     *
     * @param top the most relevant features ranked per target ({@code --mrmr-top}); 0 ranks none
     */
    static List<SegmentPair> rank(JobContext ctx, Dataset<Row> df, PairsSpec ps, List<SegmentPair> segment, int top) {
        if (top < 1 || ps.targets().isEmpty()) {
            return segment;
        }
        Map<String, int[]> rank = new HashMap<>();
        Map<String, Double> score = new HashMap<>();
        for (String t : ps.targets()) {
            List<SegmentPair> feats = new ArrayList<>(segment.stream().filter(sp -> sp.result().y().equals(t)
                    && Double.isFinite(relevance(sp.result()))).toList());
            feats.sort(Comparator.comparingDouble((SegmentPair sp) -> -relevance(sp.result())));
            feats = feats.subList(0, Math.min(top, feats.size()));
            if (feats.isEmpty()) {
                continue;
            }
            List<String> names = feats.stream().map(sp -> sp.result().x()).toList();
            double[] rel = feats.stream().mapToDouble(sp -> relevance(sp.result())).toArray();
            double[][] red = redundancy(ctx, df, ps, names);
            List<Mrmr.Step> order = Mrmr.order(rel, red);
            StringBuilder line = new StringBuilder("mRMR order vs " + t
                    + (segment.get(0).segment() == null ? "" : " [" + segment.get(0).segment() + "]") + ":");
            for (int i = 0; i < order.size(); i++) {
                SegmentPair sp = feats.get(order.get(i).feature());
                rank.put(sp.result().pair(), new int[] {i + 1});
                score.put(sp.result().pair(), order.get(i).score());
                line.append(String.format(Locale.ROOT, " %d. %s (%.4g)", i + 1, sp.result().x(), order.get(i).score()));
            }
            ctx.out.println(line);
        }
        return segment.stream().map(sp -> rank.containsKey(sp.result().pair()) ? new SegmentPair(sp.segment(),
                sp.result(), rank.get(sp.result().pair())[0], score.get(sp.result().pair())) : sp).toList();
    }

    /** The plug-in MI between every two of {@code names} (NaN where there is none), by one screen-only pass. */
    private static double[][] redundancy(JobContext ctx, Dataset<Row> df, PairsSpec ps, List<String> names) {
        int n = names.size();
        double[][] red = new double[n][n];
        for (double[] row : red) {
            java.util.Arrays.fill(row, Double.NaN);
        }
        if (n < 2) {
            return red;
        }
        Map<String, Integer> at = new HashMap<>();
        for (int i = 0; i < n; i++) {
            at.put(names.get(i), i);
        }
        List<PairResult> pairs;
        try {
            pairs = MutualInformation.pairs(df, ps.redundancy(names)).pairs();
        } catch (RuntimeException e) {
            ctx.err.println(Main.PROGRAM + ": warning: mRMR: the redundancy screen failed, features ranked by relevance "
                    + "alone: " + e.getMessage());
            return red;
        }
        for (PairResult r : pairs) {
            if (r.plugIn().computed()) {
                int i = at.get(r.x());
                int j = at.get(r.y());
                red[i][j] = Math.max(0, r.plugIn().nats());
                red[j][i] = red[i][j];
            }
        }
        return red;
    }
}
