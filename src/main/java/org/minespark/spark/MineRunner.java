package org.minespark.spark;

import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineInputException;
import org.minespark.spec.MineSpec;
import org.minespark.spec.MineTrainingException;
import org.minespark.spec.PairResult;
import org.minespark.spec.ProgressListener;
import org.minespark.core.BoundStats;
import org.minespark.core.ColumnStats;
import org.minespark.core.ConvergenceMonitor;
import org.minespark.core.CriticShape;
import org.minespark.core.EstimatorReach;
import org.minespark.core.PermutationStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code estimate}: the {@link Engine} plan of one pair (X = the x columns, Y = the y columns),
 * with the stages only an estimate has: tensor rows (one critic shared by P positions,
 * {@link TensorShapes}), the retrained permutation null ({@code null-retrain}) and the
 * {@link MiResult} with its training curve. Everything else (input checks, transform, sampling,
 * training with batch growth, early stopping, divergence retry and checkpoints, the held-out
 * evaluation with the permutation test) is the engine's, shared with {@code pairs}. A constant
 * side gives MI 0 without training; unbounded MI (an exact affine x/y relation) is a
 * {@link MineInputException}; a second divergence is a {@link MineTrainingException}.
 */
public final class MineRunner {
    private static final Logger LOG = LoggerFactory.getLogger(MineRunner.class);

    /**
     * |correlation| between an x and a y dimension at or above {@code 1 - UNBOUNDED_TOLERANCE}
     * means one is an exact affine function of the other (up to rounding); for continuous data the
     * mutual information is then infinite. (For a Gaussian pair, 1 - |rho| = 1e-12 would be an MI
     * of 13.5 nats, beyond what MINE can estimate from any practical sample anyway.)
     */
    public static final double UNBOUNDED_TOLERANCE = 1e-12;
    /** Dimensions whose deviation lies outside [1e-140, 1e140] are re-scanned at a rescaled range. */
    static final double SCALE_LIMIT = 1e140;

    private MineRunner() {
    }

    public static MiResult run(Dataset<Row> data, MineSpec spec, ProgressListener listener) {
        try {
            return runUnwrapped(data, spec, listener);
        } catch (RuntimeException e) {
            throw unwrap(e);
        }
    }

    /**
     * Checks, without reading any data, that every selected column exists (suggesting close names)
     * and has a supported type.
     *
     * @throws MineInputException naming the column and what was expected
     */
    public static void checkSchema(StructType schema, MineSpec spec) {
        ColumnLayout.fromSchema(schema, spec.xColumns(), spec.yColumns(), encodes(spec));
    }

    /** Whether code-like columns are read per value: {@code --encoding auto}, plain rows only (not tensor rows). */
    static boolean encodes(MineSpec spec) {
        return "auto".equals(spec.encoding()) && spec.xShape().isEmpty() && spec.yShape().isEmpty();
    }

    /** Executors wrap our validation errors in SparkException; surface the original message. */
    static RuntimeException unwrap(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
                return (RuntimeException) t;
            }
        }
        // in separate executor JVMs only the message of the remote exception survives
        for (Throwable t = e; t != null; t = t.getCause()) {
            String msg = t.getMessage();
            if (msg == null) {
                continue;
            }
            String input = MineInputException.class.getName() + ": ";
            if (msg.contains(input)) {
                return new MineInputException(lineAfter(msg, input), e);
            }
            String marker = "java.lang.IllegalArgumentException: ";
            if (msg.contains(marker)) {
                return new IllegalArgumentException(lineAfter(msg, marker), e);
            }
        }
        return e;
    }

    private static String lineAfter(String msg, String marker) {
        String m = msg.substring(msg.indexOf(marker) + marker.length());
        int nl = m.indexOf('\n');
        return nl >= 0 ? m.substring(0, nl) : m;
    }

    /**
     * The selected columns as rows; resolves the widths of array/vector columns from the first row
     * that has every column set.
     */
    private static JavaRDD<Row> selectedRows(Dataset<Row> data, ColumnLayout layout) {
        String[] names = layout.names();
        Column[] cols = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            cols[i] = functions.col("`" + names[i].replace("`", "``") + "`");
        }
        Dataset<Row> selected = data.select(cols);
        if (layout.needsWidths()) {
            Column allPresent = functions.lit(true);
            for (Column c : cols) {
                allPresent = allPresent.and(c.isNotNull());
            }
            List<Row> first = selected.where(allPresent).limit(1).collectAsList();
            if (first.isEmpty()) {
                throw new MineInputException("no row has every selected column (" + String.join(", ", names)
                        + ") set: the input is empty or each row has a null in one of them; nothing to estimate");
            }
            layout.resolveWidths(first.get(0));
        }
        return selected.javaRDD();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static MiResult runUnwrapped(Dataset<Row> data, MineSpec spec, ProgressListener listener) {
        long t0 = System.nanoTime();
        if (spec.resume() && spec.checkpointDir() == null) {
            throw new IllegalArgumentException("--resume needs a checkpoint directory (--checkpoint-dir DIR"
                    + " / mine.train.checkpoint-dir) to resume from");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        boolean encode = encodes(spec);
        ColumnLayout layout = ColumnLayout.fromSchema(data.schema(), spec.xColumns(), spec.yColumns(), encode);
        JavaRDD<Row> rows = selectedRows(data, layout);
        if (encode) {
            long te = System.nanoTime();
            layout.apply(CodeDetection.detect(rows, layout.names(), layout.kinds(), spec.seed(), true, false));
            LOG.info(String.format(Locale.ROOT, "encoding: %s read per value (%d dimensions each), %.2f s",
                    layout.encodedColumns().isEmpty() ? "no code-like column" : String.join(", ", layout.encodedColumns()),
                    org.minespark.core.ValueEncoding.DIMS, (System.nanoTime() - te) / 1e9));
        }
        int[] pdd = TensorShapes.resolve(spec, layout.dx(), layout.dy()); // {positions, dx, dy} per position
        int[] hidden = spec.hiddenFor(pdd[1] + pdd[2]).stream().mapToInt(Integer::intValue).toArray();
        CriticShape shape = TensorShapes.critic(spec, pdd, hidden);
        spec = TensorShapes.rowBatches(spec.withMaxBatchSize(spec.maxBatchSizeFor(pdd[1] + pdd[2]))
                .withLearningRate(spec.learningRateFor(pdd[1] + pdd[2])), pdd[0]);
        Plan.Pair pair = new Plan.Pair(String.join(",", spec.xColumns()) + " ~ " + String.join(",", spec.yColumns()),
                String.join(",", spec.xColumns()), String.join(",", spec.yColumns()), InputStats.range(0, layout.dx()),
                InputStats.range(layout.dx(), layout.dx() + layout.dy()));
        // a checkpoint holds the training state of one critic: a checkpointed estimate trains one
        int replicates = spec.checkpointDir() != null ? 1 : spec.replicates();
        List<Plan.Pair> critics = new java.util.ArrayList<>();
        for (int r = 0; r < replicates; r++) {
            critics.add(pair.replicate(r));
        }
        Plan plan = new Plan(layout, critics, pdd[0]);
        CriticShape[] shapes = new CriticShape[replicates];
        java.util.Arrays.fill(shapes, shape);
        try (Engine engine = new Engine(jsc, rows, plan, spec, shapes)) {
            InputChecks checks = engine.checks();
            List<String> warnings = checks.warnings();
            warnings.addAll(checks.pairWarnings(0));
            if (checks.constant(0) != null) {
                warnings.add(checks.constant(0));
                LOG.warn(checks.constant(0));
                return new MiResult(0.0, 0.0, 0.0, 0.0, checks.stats().rows(), checks.stats().dropped(), 0, 0, 0,
                        spec.bound(), spec.kernels(), (System.nanoTime() - t0) / 1e9, 0.0, 0.0, new double[0],
                        MiResult.STATUS_CONSTANT, warnings).withPositions(pdd[0]);
            }
            if (checks.unbounded(0) != null) {
                throw new MineInputException(checks.unbounded(0));
            }
            LOG.info("critic {} with {} parameters, bound {}, kernels: {}", shape, shape.numParams(), engine.bound().name(),
                    org.minespark.core.Kernels.forName(spec.kernels()).describe());
            if (Double.isFinite(engine.bound().capNats())) {
                warnings.add(String.format(Locale.ROOT, "bound %s cannot exceed ln %d = %.4f nats (its group size K, "
                        + "--infonce-k): an estimate near that cap means the true MI may be larger", engine.bound().name(),
                        engine.bound().groupSize(), engine.bound().capNats()));
                LOG.warn(warnings.get(warnings.size() - 1));
            }
            if (engine.bound().groupSize() > 1 && "concat".equals(spec.critic())) {
                // a log line, not a result warning: it is about run time, not about the estimate
                LOG.warn("bound {} with the concat critic scores every pairing of each group of K = {} rows, about {}x "
                        + "the per-step work of dv; --critic separable scores a group with one matrix product",
                        engine.bound().name(), engine.bound().groupSize(), Math.max(1, engine.bound().groupSize() / 2));
            }
            Engine.Outcome[] all = engine.run(replicates, progress(spec, listener));
            Engine.Outcome o = Replicates.primary(all);
            Pass.Trained trained = o.trained();
            double lr = spec.learningRate();
            double lr2 = lr / Engine.RETRY_LR_DIVISOR;
            if (PairResult.DIVERGED.equals(o.status())) {
                String first = trained.firstDivergence();
                throw new MineTrainingException("training diverged at learning rate " + Engine.rate(lr) + " ("
                        + first + ") and again after a retry from scratch at learning rate "
                        + Engine.rate(lr2) + " (" + o.message() + "); no estimate was produced. Use a smaller"
                        + " --lr (e.g. " + Engine.rate(lr2 / Engine.RETRY_LR_DIVISOR) + "), a larger --batch-size, or check the"
                        + " input for extreme values");
            }
            if (PairResult.FAILED.equals(o.status())) {
                throw new IllegalArgumentException(o.message());
            }
            if (spec.checkpointDir() != null && spec.replicates() > 1) {
                warnings.add("a checkpointed estimate trains one critic (a checkpoint holds one critic's state): the"
                        + " interval is the held-out one and leaves training variability out (replicates "
                        + spec.replicates() + " not used)");
            }
            warnings.addAll(Replicates.lost(all));
            if (trained.retried()) {
                warnings.add("training diverged at learning rate " + Engine.rate(lr) + " (" + trained.firstDivergence()
                        + "); the estimate comes from one retry from scratch at learning rate " + Engine.rate(lr2)
                        + " (--lr / " + Engine.rate(Engine.RETRY_LR_DIVISOR) + "): use --lr " + Engine.rate(lr2)
                        + " or lower next time");
            }
            warnings.addAll(Replicates.retried(all, o, lr, lr2, engine.ensemble() != null));
            if (trained.monitor().stillIncreasing()) {
                double[] v = trained.monitor().values();
                warnings.add(String.format(Locale.ROOT, "the validation estimate was still rising when the %d steps ran"
                        + " out (%.4f nats after step %d, best %.4f nats): the estimate may be low; train longer"
                        + " (--steps)", trained.stepsRun(), v[v.length - 1], trained.stepsRun(), trained.monitor().best()));
            }
            double[] nulls = engine.retrainedNull(0);
            org.minespark.spec.PlugIn plugIn = engine.plugIns()[0];
            MiResult res = result(o.eval(), trained, checks.stats(), spec, engine.trainingRows(), engine.bound().name(),
                    org.minespark.core.Kernels.forName(spec.kernels()).name(), t0, warnings).withPositions(pdd[0])
                    .withPlugIn(plugIn);
            res = Replicates.interval(res, all, engine.ensemble());
            if (nulls.length > 0) {
                MiResult.RetrainedNull rn = MiResult.RetrainedNull.of(o.eval().bound.estimate(), nulls);
                LOG.info(String.format(Locale.ROOT, "retrained null: %d critics, %.4f +- %.4f nats, p = %.4g",
                        rn.critics(), rn.meanNats(), rn.stdNats(), rn.pValue()));
                res = res.withRetrainedNull(rn);
            }
            return res;
        }
    }

    /** The engine's progress as an estimate reports it: every {@code log-every} steps, to the listener or the log. */
    private static Engine.Progress progress(MineSpec spec, ProgressListener listener) {
        int[] last = {-1};
        return (step, total, pairsDone, pairsTotal, smoothed, sps, eta) -> {
            // once per step: the engine reports a step again when a pass's critics end at it
            if (step % spec.logEvery() != 0 && step != total || step == last[0]) {
                return;
            }
            last[0] = step;
            String line = String.format(Locale.ROOT, "step %d/%d  estimate %.4f nats (smoothed)  %.0f samples/s  ETA %.0fs",
                    step, total, smoothed, sps, eta);
            if (listener != null) {
                // the listener reports progress itself: keep ours for debugging only
                LOG.debug(line);
                listener.onProgress(step, total, smoothed, sps, eta);
            } else {
                LOG.info(line);
            }
        };
    }

    /** The result from the test-row evaluation of the kept weights. */
    private static MiResult result(EvalStats evalStats, Pass.Trained trained, ColumnStats stats, MineSpec spec, long nTrain,
                                   String boundName, String kernels, long t0, List<String> warnings) {
        BoundStats eval = evalStats.bound;
        if (eval.count() == 0) {
            throw new IllegalArgumentException("no held-out rows to evaluate (" + stats.valid()
                    + " valid rows, eval-fraction " + spec.evalFraction() + "); use more rows or a larger eval-fraction");
        }
        double est = eval.estimate();
        if (!Double.isFinite(est)) {
            throw new MineTrainingException("the held-out estimate of the trained critic is not finite (" + est
                    + ") at learning rate " + Engine.rate(trained.learningRate()) + "; no estimate was produced. Use a smaller"
                    + " --lr or check the input for extreme values");
        }
        double lo = eval.ci95Low();
        double hi = eval.ci95High();
        MiResult.Significance sig = significance(evalStats.permutations, est, lo, spec);
        List<String> notes = Evaluation.notes(boundName, eval); // [negative raw bound], [near the reach]
        if (est < 0) {
            String raw = notes.remove(0);
            LOG.warn(raw);
            warnings.add(raw);
        }
        est = Math.max(0, est);
        lo = Math.max(0, lo);
        hi = Math.max(0, hi);
        double seconds = (System.nanoTime() - t0) / 1e9;
        ConvergenceMonitor m = trained.monitor();
        MiResult.Convergence conv = new MiResult.Convergence(trained.bestStep(), m.converged(), m.stillIncreasing(),
                trained.retried(), trained.learningRate(), trained.retried() ? trained.learningRate() : Double.NaN,
                trained.nValidation(), m.steps(), m.values(), trained.finalBatch(), trained.growthSteps());
        // how far the estimate can be trusted (issue 4: near the estimator's limit, never silent)
        double ess = eval.marginalEss();
        boolean near = Evaluation.nearLimit(eval);
        for (String w : notes) {
            LOG.warn(w);
            warnings.add(w);
        }
        MiResult.Reliability rel = new MiResult.Reliability(ess, EstimatorReach.reachNats(eval.count()), near);
        return new MiResult(est, lo, hi, eval.stdError(), stats.rows(), stats.dropped(),
                nTrain, eval.count(), trained.stepsRun(), boundName, kernels, seconds, trained.seconds(),
                trained.samples() / trained.seconds(), trained.curve(), MiResult.STATUS_OK,
                warnings, conv, sig, rel);
    }

    /** The significance verdict ({@link Evaluation#significance}), logged when a permutation test ran. */
    static MiResult.Significance significance(PermutationStats perm, double est, double lo, MineSpec spec) {
        MiResult.Significance s = Evaluation.significance(perm, est, lo, spec.significanceLevel());
        if (s.permutations() == 0) {
            return s;
        }
        double p = s.pValue();
        double alpha = spec.significanceLevel();
        LOG.info(String.format(Locale.ROOT, "permutation test: p = %.4g over %d replicates (null bound %.4f +- %.4f nats)"
                + ": %s at level %s", p, perm.replicates(), s.nullMeanNats(), s.nullStdNats(),
                s.dependent() ? "dependent" : "no evidence of dependence", alpha));
        return s;
    }

}
