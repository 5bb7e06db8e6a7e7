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
import org.minespark.core.BoundStats;
import org.minespark.core.ColumnStats;
import org.minespark.core.ConvergenceMonitor;
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
        Map.Entry<PairsLayout, Dataset<Row>> created = PairsLayout.create(data, columns, ps.categoricalTopK(),
                ps.nullsCategory(), spec.seed(), "auto".equals(spec.encoding()));
        PairsLayout lay = created.getKey();
        if ("auto".equals(spec.encoding())) {
            LOG.info("encoding: {} read per value ({} dimensions each)", lay.encodedColumns().isEmpty()
                    ? "no code-like column" : String.join(", ", lay.encodedColumns()), ValueEncoding.DIMS);
        }
        int[] hidden = ps.hidden().stream().mapToInt(Integer::intValue).toArray();
        List<Plan.Pair> pairs = new ArrayList<>();
        CriticShape[] shapes = new CriticShape[kept.size()];
        for (int k = 0; k < kept.size(); k++) {
            List<String> p = ps.pairs().get(kept.get(k));
            int[] xd = dimsOf(lay, ps.units().get(p.get(0)));
            int[] yd = dimsOf(lay, ps.units().get(p.get(1)));
            pairs.add(new Plan.Pair(p.get(0) + " ~ " + p.get(1), p.get(0), p.get(1), xd, yd));
            shapes[k] = CriticShape.of(spec.critic(), xd.length, yd.length, hidden, spec.embedDim());
        }
        Plan plan = new Plan(lay, pairs, 1);
        try (Engine engine = new Engine(jsc, created.getValue().javaRDD(), plan, spec, shapes)) {
            ColumnStats stats = engine.checks().stats();
            PlugIn[] plugIns = ps.screen() ? engine.screen() : null;
            String[] skip = ps.screen() ? Screening.decide(plugIns, ps) : new String[kept.size()];
            Engine.Outcome[] outcomes = engine.run(ps.pairsPerPass(), progress(spec, progress), skip);
            if (plugIns == null) {
                plugIns = engine.plugIns();
            }
            PairResult[] rows = new PairResult[total];
            for (int k = 0; k < kept.size(); k++) {
                rows[kept.get(k)] = result(pairs.get(k), outcomes[k], spec, stats.valid()).withPlugIn(plugIns[k]);
            }
            for (int m = 0; m < total; m++) {
                if (rows[m] == null) {
                    List<String> p = ps.pairs().get(m);
                    rows[m] = new PairResult(p.get(0) + " ~ " + p.get(1), p.get(0), p.get(1), Double.NaN, Double.NaN,
                            Double.NaN, MiResult.Significance.NONE, stats.rows(), 0, 0, 0, false, false, false, false, 0,
                            PairResult.SKIPPED, skippedPair[m]);
                }
            }
            List<PairResult> results = family(List.of(rows), ps.correction(), spec.significanceLevel());
            double seconds = (System.nanoTime() - t0) / 1e9;
            LOG.info(String.format(Locale.ROOT, "pairs: %d pairs in %.1f s (%d skipped for their columns)", total,
                    seconds, total - kept.size()));
            return new PairsResult(results, stats.rows(), stats.dropped(), seconds, skippedColumns);
        }
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

    private static Engine.Progress progress(MineSpec spec, PairsProgressListener listener) {
        return (step, steps, pairsDone, pairsTotal, smoothed, sps, eta) -> {
            if (listener != null) {
                listener.onProgress(pairsDone, pairsTotal, step, steps, eta);
            }
            if (step % spec.logEvery() == 0 || step == steps) {
                LOG.info(String.format(Locale.ROOT, "pairs %d/%d done; step %d/%d; ETA %.0fs", pairsDone, pairsTotal,
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

    /** The row of one pair from its engine outcome. */
    static PairResult result(Plan.Pair p, Engine.Outcome o, MineSpec spec, long usable) {
        Pass.Trained t = o.trained();
        List<String> notes = new ArrayList<>(o.warnings());
        if (PairResult.CONSTANT.equals(o.status())) {
            notes.add(0, o.message());
            return new PairResult(p.name(), p.x(), p.y(), 0, 0, 0, MiResult.Significance.NONE, usable, 0, 0, 0, false,
                    false, false, false, 0, PairResult.CONSTANT, String.join("; ", notes));
        }
        if (t == null) { // unbounded (the estimate's error) or screened (why not trained), as this pair's message
            notes.add(0, o.message());
            return new PairResult(p.name(), p.x(), p.y(), Double.NaN, Double.NaN, Double.NaN, MiResult.Significance.NONE,
                    usable, 0, 0, 0, false, false, false, false, 0, o.status(), String.join("; ", notes));
        }
        String rate = Engine.rate(t.learningRate());
        ConvergenceMonitor mon = t.monitor();
        BoundStats eval = o.eval().bound;
        if (!PairResult.OK.equals(o.status())) {
            boolean diverged = PairResult.DIVERGED.equals(o.status());
            String msg = diverged ? "training diverged at learning rate " + rate + ": " + o.message() : o.message();
            if (diverged && t.retried()) {
                msg = "training diverged at learning rate " + Engine.rate(spec.learningRate()) + ": " + t.firstDivergence()
                        + "; and again on the retry from scratch: " + msg
                        + "; no estimate. Use a smaller --lr or a larger --batch-size, or check the columns for extreme values";
            }
            return new PairResult(p.name(), p.x(), p.y(), Double.NaN, Double.NaN, Double.NaN, MiResult.Significance.NONE,
                    usable, eval.count(), t.stepsRun(), t.bestStep(), false, false, diverged, t.retried(), o.seconds(),
                    o.status(), msg);
        }
        double est = eval.estimate();
        double lo = eval.ci95Low();
        double hi = eval.ci95High();
        MiResult.Significance sig = Evaluation.significance(o.eval().permutations, est, lo, spec.significanceLevel());
        if (t.retried()) {
            notes.add("training diverged at learning rate " + Engine.rate(spec.learningRate()) + ": "
                    + t.firstDivergence() + "; the estimate comes from one retry from scratch at learning rate " + rate
                    + ": use --lr " + rate + " or lower next time");
        }
        if (mon.stillIncreasing()) {
            notes.add("the validation estimate was still rising when the steps ran out: the estimate may be low;"
                    + " train longer (--steps)");
        }
        notes.addAll(Evaluation.notes(spec.bound(), eval));
        return new PairResult(p.name(), p.x(), p.y(), Math.max(0, est), Math.max(0, lo), Math.max(0, hi), sig, usable,
                eval.count(), t.stepsRun(), t.bestStep(), mon.converged(), mon.stillIncreasing(), false, t.retried(),
                o.seconds(), PairResult.OK, String.join("; ", notes));
    }
}
