package org.minespark.spark;

import java.util.List;
import org.minespark.spec.MineSpec;
import org.minespark.core.CriticShape;

/**
 * Tensor rows ({@code --x-shape P,dx} / {@code --y-shape P,dy}, {@link MineSpec#withXShape}): resolves
 * the per-position dims from the flattened column widths, checks them, and builds the critic shared
 * by the positions. Without a shape every row is one vector (P = 1) and nothing changes.
 */
final class TensorShapes {
    private TensorShapes() {
    }

    /**
     * {@code {P, dx, dy}} for the flattened widths {@code xWidth}, {@code yWidth} of a row. A given
     * shape must match its width exactly; a missing one (when the other is given) takes the same P
     * and {@code width / P} as its dim, which must divide. Errors name the flag and the values.
     */
    static int[] resolve(MineSpec spec, int xWidth, int yWidth) {
        List<Integer> xs = spec.xShape();
        List<Integer> ys = spec.yShape();
        if (xs.isEmpty() && ys.isEmpty()) {
            return new int[] {1, xWidth, yWidth};
        }
        int p = spec.positions();
        int dx = dim("--x-shape", xs, "x", spec.xColumns(), xWidth, p, "--y-shape");
        int dy = dim("--y-shape", ys, "y", spec.yColumns(), yWidth, p, "--x-shape");
        return new int[] {p, dx, dy};
    }

    private static int dim(String flag, List<Integer> shape, String what, List<String> columns, int width, int p,
                           String otherFlag) {
        String cols = (columns.size() == 1 ? "column " : "columns ") + String.join(",", columns);
        if (!shape.isEmpty()) {
            long need = (long) shape.get(0) * shape.get(1);
            if (need != width) {
                throw new IllegalArgumentException(flag + " " + shape.get(0) + "," + shape.get(1) + " needs " + need
                        + " values per row but " + what + " " + cols + " " + (columns.size() == 1 ? "has " : "have ")
                        + width + "; expected " + flag + " P,D with P x D = " + width);
            }
            return shape.get(1);
        }
        if (width % p != 0) {
            throw new IllegalArgumentException(flag + " is not given and " + what + " " + cols + " "
                    + (columns.size() == 1 ? "has " : "have ") + width + " values per row, not a multiple of the " + p
                    + " positions of " + otherFlag + "; give " + flag + " " + p + ",D with " + p + " x D values");
        }
        return width / p;
    }

    /**
     * The critic for the spec and resolved {@code {P, dx, dy}}: the spec's critic on one position
     * vector, shared by the P positions. Tensor rows need the concat critic and a pairwise bound.
     */
    static CriticShape critic(MineSpec spec, int[] pdd, int[] hidden) {
        int p = pdd[0];
        if (p > 1 && !"concat".equals(spec.critic())) {
            throw new IllegalArgumentException("--x-shape/--y-shape (" + p + " positions) is not supported with --critic "
                    + spec.critic() + ": the position-shared critic is the concat MLP; use --critic concat");
        }
        if (p > 1 && "infonce".equals(spec.bound())) {
            throw new IllegalArgumentException("--x-shape/--y-shape (" + p + " positions) is not supported with --bound"
                    + " infonce (its all-pairs groups would score K x K pairings at every position and need a row-level"
                    + " CI of their own); use dv, dv-biased, nwj or smile");
        }
        CriticShape shape = CriticShape.of(spec.critic(), pdd[1], pdd[2], hidden, spec.embedDim());
        return p > 1 ? shape.withPositions(p) : shape;
    }

    /**
     * The spec with its batch sizes counted in rows: for tensor rows ({@code p > 1}) the batch of
     * {@code --batch-size} and {@code --max-batch-size} counts (row, position) pairs, the samples
     * the position-shared critic scores, so a step draws {@code ceil(B / p)} rows (at least 2) and
     * costs about what a batch of B plain rows costs, whatever the number of positions. (Counted in
     * rows, seed 000's 96 positions made a default step 96 times a plain one.) Plain rows: unchanged.
     */
    static MineSpec rowBatches(MineSpec spec, int p) {
        if (p <= 1) {
            return spec;
        }
        int batch = Math.max(2, (spec.batchSize() + p - 1) / p);
        int max = Math.max(batch, (spec.maxBatchSize() + p - 1) / p);
        return spec.withBatchSize(batch).withMaxBatchSize(max);
    }

    /**
     * One normal-scores map per feature for tensor rows (the group of each wide-row dimension, for
     * {@link org.minespark.core.NormalScores#fitPooled}): x feature j of every position is group j,
     * y feature j is group {@code dx + j}; the x part ({@code P dx} values) comes before the y part.
     */
    static int[] featureGroups(int p, int dx, int dy) {
        int[] group = new int[p * (dx + dy)];
        for (int i = 0; i < p * dx; i++) {
            group[i] = i % dx;
        }
        for (int i = 0; i < p * dy; i++) {
            group[p * dx + i] = dx + i % dy;
        }
        return group;
    }

    /**
     * One standardisation per feature for tensor rows: the shared critic treats the positions as
     * samples of one distribution, so feature j of every position gets the same affine map, from the
     * pooled mean {@code m_j = mean_p mean_{p,j}} and pooled variance
     * {@code mean_p (sd_{p,j}^2 + mean_{p,j}^2) - m_j^2} (with {@code sd = 1 / invStd}; a constant
     * dimension counts with sd 1, as the per-dimension standardisation leaves it). In place over
     * the x part ({@code P dx} values) then the y part ({@code P dy}).
     */
    static void poolPositions(double[] mean, double[] invStd, int p, int dx, int dy) {
        if (p <= 1) {
            return;
        }
        pool(mean, invStd, 0, p, dx);
        pool(mean, invStd, p * dx, p, dy);
    }

    private static void pool(double[] mean, double[] invStd, int off, int p, int d) {
        for (int j = 0; j < d; j++) {
            double m = 0;
            double sq = 0;
            for (int q = 0; q < p; q++) {
                int i = off + q * d + j;
                double sd = 1.0 / invStd[i];
                m += mean[i];
                sq += sd * sd + mean[i] * mean[i];
            }
            m /= p;
            double var = Math.max(0.0, sq / p - m * m);
            double inv = var > 0 ? 1.0 / Math.sqrt(var) : 1.0;
            for (int q = 0; q < p; q++) {
                int i = off + q * d + j;
                mean[i] = m;
                invStd[i] = inv;
            }
        }
    }
}
