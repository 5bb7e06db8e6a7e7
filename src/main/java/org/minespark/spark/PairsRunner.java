package org.minespark.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineInputException;
import org.minespark.spec.MineSpec;
import org.minespark.spec.PairResult;
import org.minespark.spec.PlugIn;
import org.minespark.spec.PairsProgressListener;
import org.minespark.spec.PairsResult;
import org.minespark.spec.PairsSpec;
import org.minespark.core.ColumnStats;
import org.minespark.core.CriticShape;
import org.minespark.core.ValueEncoding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pairs}: MI estimates for many pairs of columns (or column groups) as one {@link Engine}
 * plan, every data pass shared: the wide row of all selected columns ({@link PairsLayout}; string
 * columns one-hot encoded), the input checks per pair, the transform, one cached training sample
 * for all pairs, training in passes of at most {@code pairsPerPass} critics, and one held-out
 * evaluation per pass. Per pair: the estimate, its CI, the permutation test and the convergence
 * flags; a constant side gives MI 0 without training; an exact affine relation gives the row
 * status {@link PairResult#UNBOUNDED} with the error an estimate would give; a pair that diverges
 * twice is {@link PairResult#DIVERGED} with no estimate (never NaN in the outputs). A pair's
 * failure leaves the other pairs unaffected, and a pair's result does not depend on the other
 * pairs of its pass. Checkpoints hold one critic's training state, so a run with more than one
 * pair rejects {@code --checkpoint-dir}.
 * <p>
 * Missing values are dropped pairwise: the shared pass keeps a row with a null, NaN or infinite
 * value (its column's dimensions NaN) for the checks, the screen and the pairs without missing
 * values; a pair with a missing value that the screen keeps is trained on its complete rows in an
 * engine of its own ({@link CompleteRowPasses}), so its result is that of the pair alone on those
 * rows. Each row reports its complete rows ({@link PairResult#n()}) and {@link PairResult#missingRate()};
 * a pair with too few complete rows gets a {@link PairResult#FAILED} row naming them.
 */
public final class PairsRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PairsRunner.class);

    private PairsRunner() {
    }

    /**
     * Estimates every pair of {@code ps} with the training settings {@link PairsSpec#training()}
     * (its x/y are ignored, its hidden widths replaced by {@link PairsSpec#hidden()}).
     *
     * @param progress receives pairs done / total and the ETA (may be null)
     */
    public static PairsResult run(Dataset<Row> data, PairsSpec ps, PairsProgressListener progress) {
        try {
            return runUnwrapped(data, ps, progress);
        } catch (RuntimeException e) {
            throw MineRunner.unwrap(e);
        }
    }

    private static PairsResult runUnwrapped(Dataset<Row> data, PairsSpec ps, PairsProgressListener progress) {
        long t0 = System.nanoTime();
        MineSpec spec = ps.training();
        // pairs keeps the wide rate for every pair (MineDefaults.WIDE_LEARNING_RATE): the rate its critic was measured at
        spec = spec.withLearningRate(spec.learningRateFor(Integer.MAX_VALUE));
        int total = ps.pairs().size();
        if (spec.checkpointDir() != null && total > 1) {
            throw new IllegalArgumentException("--checkpoint-dir / mine.train.checkpoint-dir: a checkpoint holds the"
                    + " training state of one critic, and this pairs run trains " + total + " pairs in shared passes;"
                    + " run the pairs separately to checkpoint them, or remove --checkpoint-dir");
        }
        if (spec.resume() && spec.checkpointDir() == null) {
            throw new IllegalArgumentException("--resume needs a checkpoint directory (--checkpoint-dir DIR"
                    + " / mine.train.checkpoint-dir) to resume from");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        requireColumns(data, ps);
        // column hygiene: skipped columns never fail the run; their pairs get a row with the reason
        Map<String, String> skippedColumns = ColumnHygiene.skipped(data, ps.columns(), ps.maxNullFraction(),
                ps.maxLevels(), ps.nullsCategory());
        String[] skippedPair = new String[total];
        List<Integer> kept = new ArrayList<>();
        for (int m = 0; m < total; m++) {
            for (String unit : ps.pairs().get(m)) {
                for (String c : ps.units().get(unit)) {
                    if (skippedPair[m] == null && skippedColumns.containsKey(c)) {
                        skippedPair[m] = "column " + c + ": " + skippedColumns.get(c);
                    }
                }
            }
            if (skippedPair[m] == null) {
                kept.add(m);
            }
        }
        for (Map.Entry<String, String> e : skippedColumns.entrySet()) {
            LOG.warn("column {}: {}", e.getKey(), e.getValue());
        }
        if (kept.isEmpty()) {
            throw new MineInputException("every pair has a skipped column, nothing to estimate: " + String.join("; ",
                    skippedColumns.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList()));
        }
        List<String> columns = ps.columns().stream().filter(c -> !skippedColumns.containsKey(c)).toList();
        // the main pass is pairwise: a missing value leaves its row in, with that column's dimensions NaN
        Map.Entry<PairsLayout, Dataset<Row>> created = PairsLayout.create(data, columns, ps.categoricalTopK(),
                ps.nullsCategory(), true, spec.seed(), "auto".equals(spec.encoding()));
        if ("auto".equals(spec.encoding())) {
            LOG.info("encoding: {} read per value ({} dimensions each)", created.getKey().encodedColumns().isEmpty()
                    ? "no code-like column" : String.join(", ", created.getKey().encodedColumns()), ValueEncoding.DIMS);
        }
        List<List<String>> keptPairs = kept.stream().map(m -> ps.pairs().get(m)).toList();
        Planned main = plan(created.getKey(), keptPairs, ps, spec);
        List<Plan.Pair> pairs = main.plan().pairs();
        int n = kept.size();
        try (Engine engine = new Engine(jsc, created.getValue().javaRDD(), main.plan(), spec, main.shapes())) {
            InputChecks checks = engine.checks();
            ColumnStats stats = checks.stats();
            long[] complete = new long[n];
            double[] missingRate = new double[n];
            String[] tooFew = new String[n];
            boolean[] deferred = new boolean[n];
            for (int k = 0; k < n; k++) {
                complete[k] = stats.valid() - checks.pairMissing(k);
                missingRate[k] = stats.rows() == 0 ? 0 : (double) (stats.rows() - complete[k]) / stats.rows();
                tooFew[k] = CompleteRowPasses.tooFew(pairs.get(k), complete[k], stats.rows(), spec);
            }
            PlugIn[] plugIns = ps.screen() ? engine.screen() : null;
            String[] skip = ps.screen() ? Screening.decide(plugIns, ps) : new String[n];
            int deferredCount = 0;
            for (int k = 0; k < n; k++) {
                if (tooFew[k] != null) {
                    skip[k] = tooFew[k];
                } else if (skip[k] == null && checks.pairMissing(k) > 0) {
                    // trained on its complete rows in a pass of its own (below), not on the shared rows
                    skip[k] = "trained on its complete rows";
                    deferred[k] = true;
                    deferredCount++;
                }
            }
            Engine.Outcome[] outcomes = engine.run(ps.pairsPerPass(), progress(spec, progress, -deferredCount, n), skip);
            if (plugIns == null) {
                plugIns = engine.plugIns();
            }
            long[] usable = complete.clone();
            for (int k = 0; k < n; k++) {
                boolean notRun = PairResult.SCREENED.equals(outcomes[k].status());
                if (tooFew[k] != null && notRun) {
                    outcomes[k] = new Engine.Outcome(PairResult.FAILED, tooFew[k], null, null, outcomes[k].warnings(), 0);
                }
                deferred[k] &= notRun; // (a pair found constant on all its values needs no pass of its own)
            }
            java.util.Set<String> withMissing = new java.util.HashSet<>();
            String[] names = created.getKey().names();
            for (int c = 0; c < names.length; c++) {
                if (checks.columnMissing(c) > 0) {
                    withMissing.add(names[c]);
                }
            }
            CompleteRowPasses.run(data, columns, withMissing, ps, spec, keptPairs, deferred, complete, stats.rows(),
                    outcomes, plugIns, usable, progress, n - deferredCount);
            PairResult[] rows = new PairResult[total];
            for (int k = 0; k < n; k++) {
                rows[kept.get(k)] = PairRows.result(pairs.get(k), outcomes[k], spec, usable[k]).withPlugIn(plugIns[k])
                        .withMissingRate(missingRate[k]);
            }
            for (int m = 0; m < total; m++) {
                if (rows[m] == null) {
                    rows[m] = PairRows.skipped(ps.pairs().get(m), stats.rows(), skippedPair[m]);
                }
            }
            List<PairResult> results = family(List.of(rows), ps.correction(), spec.significanceLevel());
            double seconds = (System.nanoTime() - t0) / 1e9;
            LOG.info(String.format(Locale.ROOT, "pairs: %d pairs in %.1f s (%d skipped for their columns, %d trained on"
                    + " their complete rows apart)", total, seconds, total - kept.size(), deferredCount));
            return new PairsResult(results, stats.rows(), checks.incompleteRows(), seconds, skippedColumns);
        }
    }

    /** A plan over {@code lay} of the given pairs ({@code [x unit, y unit]}), with each pair's critic shape. */
    record Planned(Plan plan, CriticShape[] shapes) {
    }

    static Planned plan(PairsLayout lay, List<List<String>> of, PairsSpec ps, MineSpec spec) {
        int[] hidden = ps.hidden().stream().mapToInt(Integer::intValue).toArray();
        List<Plan.Pair> pairs = new ArrayList<>();
        CriticShape[] shapes = new CriticShape[of.size()];
        for (int k = 0; k < of.size(); k++) {
            List<String> p = of.get(k);
            int[] xd = dimsOf(lay, ps.units().get(p.get(0)));
            int[] yd = dimsOf(lay, ps.units().get(p.get(1)));
            pairs.add(new Plan.Pair(p.get(0) + " ~ " + p.get(1), p.get(0), p.get(1), xd, yd));
            shapes[k] = CriticShape.of(spec.critic(), xd.length, yd.length, hidden, spec.embedDim());
        }
        return new Planned(new Plan(lay, pairs, 1), shapes);
    }

    /**
     * Every column of the run is in the table; a missing one is named with its flag: {@code --target}
     * for a column of a target unit, else {@code --columns}.
     */
    private static void requireColumns(Dataset<Row> data, PairsSpec ps) {
        List<String> available = java.util.Arrays.asList(data.schema().fieldNames());
        java.util.Set<String> targetColumns = new java.util.HashSet<>();
        for (String t : ps.targets()) {
            targetColumns.addAll(ps.units().get(t));
        }
        for (String c : ps.columns()) {
            if (!available.contains(c)) {
                throw new MineInputException((targetColumns.contains(c) ? "--target" : "--columns") + ": column '" + c
                        + "' not found in the input" + ColumnLayout.suggest(c, available) + "; columns: "
                        + ColumnLayout.listColumns(available));
            }
        }
    }

    /**
     * Progress of one engine of the run, as pairs of the whole run: {@code offset} + the engine's
     * pairs done, of {@code total} (the main pass counts the pairs it leaves to their complete-row
     * passes as done, hence a negative offset there; the ETA is of the current engine).
     */
    static Engine.Progress progress(MineSpec spec, PairsProgressListener listener, int offset, int total) {
        return (step, steps, engineDone, engineTotal, smoothed, sps, eta) -> {
            int pairsDone = Math.max(0, Math.min(total, offset + engineDone));
            if (listener != null) {
                listener.onProgress(pairsDone, total, step, steps, eta);
            }
            if (step % spec.logEvery() == 0 || step == steps) {
                LOG.info(String.format(Locale.ROOT, "pairs %d/%d done; step %d/%d; ETA %.0fs", pairsDone, total,
                        step, steps, eta));
            }
        };
    }

    private static int[] dimsOf(PairsLayout lay, List<String> columns) {
        return columns.stream().flatMapToInt(c -> java.util.Arrays.stream(lay.dims(c))).toArray();
    }

    /**
     * The multiple-testing step over the run's family: every pair with a permutation test, once
     * (the plan never holds a pair twice, nor a column against itself). Each gets its family
     * p-value ({@link #familyP}), adjusted by {@code correction}
     * ({@link org.minespark.core.MultipleTesting}) into {@code qValue}, and {@code dependent}
     * becomes {@code q <= alpha}. Pairs without a test keep their verdict and a NaN q.
     */
    static List<PairResult> family(List<PairResult> results, String correction, double alpha) {
        double[] p = new double[results.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = familyP(results.get(i));
        }
        double[] q = org.minespark.core.MultipleTesting.adjust(correction, p);
        List<PairResult> out = new ArrayList<>(results.size());
        for (int i = 0; i < p.length; i++) {
            PairResult r = results.get(i);
            if (Double.isNaN(q[i])) {
                out.add(r);
                continue;
            }
            MiResult.Significance g = r.significance();
            out.add(r.withFamily(q[i], new MiResult.Significance(g.test(), g.permutations(), g.significanceLevel(),
                    g.pValue(), q[i] <= alpha, g.nullMeanNats(), g.nullStdNats())));
        }
        return out;
    }

    /**
     * A pair's p-value in the family: its Monte-Carlo permutation p-value, except at the floor
     * {@code 1/(K+1)} (the observed bound beat every replicate), where the normal tail of the
     * replicates at the observed value, {@code 1 - Phi((I - mean) / sd)}, replaces it when smaller
     * (at least 1e-16). Without that refinement no pair of a family larger than
     * {@code alpha (K + 1)} could ever pass Benjamini-Hochberg, since q would be at least
     * {@code m / (K + 1)} for the best pair; the replicates' statistic is a mean over the test
     * rows, close to normal. NaN without a permutation test.
     */
    static double familyP(PairResult r) {
        MiResult.Significance g = r.significance();
        if (!MiResult.Significance.TEST_PERMUTATION.equals(g.test()) || Double.isNaN(g.pValue())) {
            return Double.NaN;
        }
        double floor = 1.0 / (g.permutations() + 1);
        if (g.pValue() > floor * (1 + 1e-9) || !(g.nullStdNats() > 0) || Double.isNaN(r.miNats())) {
            return g.pValue();
        }
        double tail = org.minespark.core.SpecialFunctions.normalCdf(-(r.miNats() - g.nullMeanNats()) / g.nullStdNats());
        return Math.min(g.pValue(), Math.max(1e-16, tail));
    }
}
