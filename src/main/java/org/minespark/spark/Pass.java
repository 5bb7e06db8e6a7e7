package org.minespark.spark;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.minespark.spec.MineSpec;
import org.minespark.core.BatchGrowth;
import org.minespark.core.BoundStats;
import org.minespark.core.ConvergenceMonitor;
import org.minespark.core.CriticShape;
import org.minespark.core.Kernels;
import org.minespark.core.MineOptimizer;
import org.minespark.core.Seeds;
import org.minespark.core.StepAggregate;
import org.minespark.core.TrainingCheckpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training pass of N critics from fresh weights (or from a checkpoint) at one learning rate:
 * segments of {@code eval-every} steps ({@link PassSteps}), each followed by one validation job
 * for all active critics. Per critic, a {@link ConvergenceMonitor} keeps the best weights and stops
 * it after {@code patience} passes without a gain above {@code min-delta}; a divergent minibatch
 * or validation value ends it at once; adaptive {@link BatchGrowth} doubles its batch when its
 * held-out effective sample size says the gradient is too noisy (decided on a validation pass,
 * used from the next step; the growth restarts the patience window). A critic whose training is
 * over is skipped by the later steps: its critic is no longer computed. With checkpoints (a plan
 * of one critic) the complete state is saved every {@code checkpoint-every} steps.
 */
final class Pass implements PassSteps.Critics {
    private static final Logger LOG = LoggerFactory.getLogger(Pass.class);

    /**
     * The outcome of one critic's training: the kept weights (best on validation, else the last;
     * null after a divergence or failure), the per-step minibatch values of the steps run, the
     * wall time of the pass's step loop (without validation passes), the steps run, the step of the
     * kept weights, the monitor with the validation history and flags, the learning rate, whether
     * this is the retry after a divergence (and why the first attempt diverged), the validation
     * rows, the global batch of the last step, the steps after which the batch grew, the training
     * rows drawn in all (for samples per second), and why training failed (null when it did not).
     */
    record Trained(float[][] params, double[] curve, double seconds, int stepsRun, int bestStep,
                   ConvergenceMonitor monitor, double learningRate, String firstDivergence, long nValidation,
                   int finalBatch, int[] growthSteps, double samples, String failure) {
        boolean retried() {
            return firstDivergence != null;
        }

        boolean diverged() {
            return failure == null && monitor.diverged();
        }
    }

    private final Engine.Run run;
    private final MineSpec spec;
    private final int n;
    private final String[] names;
    private final CriticShape[] shapes;
    private final MineOptimizer[] opts;
    private final ConvergenceMonitor[] monitors;
    private final BatchGrowth[] growth;
    private final int[] batch;
    private final int[][] growthSteps;
    private final double[] samples;
    private final double[][] curve;
    private final double[] smooth;
    private final float[][][] kept;
    private final int[] keptStep;
    private final boolean[] over;
    private final String[] failure;
    private final int[] stepsDone;
    private final double lr;
    private final int attempt;
    private final String[] firstDivergence;
    private final Checkpointing.Checkpoints ck;
    private final PassSteps steps;
    private final Evaluation evaluation;
    private final int[][] xDims;
    private final int[][] yDims;
    private final int[] replicates;
    private final String kernels;
    private final long[] wall;
    private final long[] compute;
    private long loopNanos;
    private int firstStep;

    /**
     * @param members         indices (into the run's plan) of the pairs of this pass
     * @param attempt         0, or 1 for the retry after a divergence at {@code lr * RETRY_LR_DIVISOR}
     * @param firstDivergence per member, why its first attempt diverged (attempt 1), else null
     * @param ck              checkpoints (a pass of one critic), or {@link Checkpointing#none}
     * @param resume          the checkpoint to continue from, or null
     */
    Pass(Engine.Run run, List<Integer> members, double lr, int attempt, String[] firstDivergence,
         Checkpointing.Checkpoints ck, TrainingCheckpoint resume) {
        this.run = run;
        this.spec = run.spec();
        this.n = members.size();
        this.lr = lr;
        this.attempt = attempt;
        this.firstDivergence = firstDivergence;
        this.ck = ck;
        this.names = new String[n];
        this.shapes = new CriticShape[n];
        this.xDims = new int[n][];
        this.yDims = new int[n][];
        this.replicates = new int[n];
        this.opts = new MineOptimizer[n];
        this.monitors = new ConvergenceMonitor[n];
        Kernels driverKernels = Kernels.forName(spec.kernels());
        // the executors use the backend the driver resolved (with --kernels auto: its trial's choice),
        // so that every partition of a run, and a retried task, computes with the same rounding
        this.kernels = driverKernels.name();
        for (int m = 0; m < n; m++) {
            int p = members.get(m);
            Plan.Pair pair = run.plan().pairs().get(p);
            names[m] = pair.name();
            shapes[m] = run.shapes()[p];
            xDims[m] = pair.xDims();
            yDims[m] = pair.yDims();
            replicates[m] = pair.replicate();
            long init = pair.replicate() == 0 ? Seeds.derive(run.seed(), Engine.INIT)
                    : Seeds.derive(run.seed(), Engine.INIT, pair.replicate());
            opts[m] = new MineOptimizer(shapes[m], shapes[m].init(init), lr, run.bound(),
                    driverKernels).withCosineDecay(spec.steps(), spec.lrFinalFraction());
            monitors[m] = ConvergenceMonitor.forBound(spec.patience(), spec.minDelta(), run.bound().name());
            if (spec.evalEvery() > 0) {
                monitors[m].withCoolDown(ConvergenceMonitor.COOL_DOWN_FRACTION, spec.evalEvery());
            }
        }
        // the cap is per critic: pairs mixes input widths in one pass (MineSpec.maxBatchSizeFor)
        boolean grows = spec.batchGrowth() && BatchGrowth.appliesTo(spec.bound()) && run.validation() != null;
        this.growth = new BatchGrowth[n];
        for (int m = 0; m < n; m++) {
            growth[m] = grows ? new BatchGrowth(true, spec.batchGrowthPairs(),
                    spec.maxBatchSizeFor(shapes[m].dx() + shapes[m].dy())) : BatchGrowth.OFF;
        }
        int total = spec.steps();
        this.batch = new int[n];
        Arrays.fill(batch, spec.batchSize());
        this.growthSteps = new int[n][0];
        this.samples = new double[n];
        this.curve = new double[n][total];
        this.smooth = new double[n];
        Arrays.fill(smooth, Double.NaN);
        this.kept = new float[n][][];
        this.keptStep = new int[n];
        this.over = new boolean[n];
        this.failure = new String[n];
        this.stepsDone = new int[n];
        this.wall = new long[total];
        this.compute = new long[total];
        long key = new SplittableRandom().nextLong();
        this.steps = new PassSteps(spec.trainer(), run.blocks(), shapes, xDims, yDims, replicates, kernels, run.bound(),
                run.seed(), key);
        // the same workers as training's (same key): built with the replicates' streams whichever runs first
        this.evaluation = new Evaluation(shapes, xDims, yDims, replicates, kernels, run.bound(), spec.evalPairings(), key);
        if (resume != null) {
            // continue exactly where the checkpoint left off: same weights, optimiser and monitor
            // state, and the step count is the position of every random stream
            resume.restore(opts[0], monitors[0]);
            if (monitors[0].coolingDown()) {
                coolDown(0);
            }
            int done = resume.step();
            System.arraycopy(resume.curve(), 0, curve[0], 0, done);
            kept[0] = resume.kept();
            keptStep[0] = resume.keptStep();
            loopNanos = (long) (resume.trainingSeconds() * 1e9);
            growthSteps[0] = resume.batchGrowthSteps();
            if (resume.batchSize() > 0) {
                batch[0] = resume.batchSize();
            }
            samples[0] = Engine.samplesDrawn(spec.batchSize(), growthSteps[0], batch[0], done);
            stepsDone[0] = done;
            firstStep = done;
            if (resume.finished()) {
                over[0] = true;
            }
        }
    }

    /** The pass's evaluator (its workers are the pass's pooled ones). */
    Evaluation evaluation() {
        return evaluation;
    }

    /** The stream trainer of this pass (null for the jobs trainer), for tests that inject failures. */
    StreamTrainer streamTrainer() {
        return steps.streamTrainer();
    }

    @Override
    public float[][] weights(int m) {
        return over[m] ? null : opts[m].params();
    }

    @Override
    public int batch(int m) {
        return batch[m];
    }

    @Override
    public boolean anyActive() {
        for (boolean o : over) {
            if (!o) {
                return true;
            }
        }
        return false;
    }

    private int active() {
        int a = 0;
        for (boolean o : over) {
            a += o ? 0 : 1;
        }
        return a;
    }

    /** Training of critic m is over (early stop, divergence or failure): later steps skip it. */
    private void end(int m, int step) {
        if (!over[m]) {
            over[m] = true;
            run.work().endPair(spec.steps() - step);
        }
    }

    @Override
    public void afterStep(int s, StepAggregate[] merged, long stepNanos) {
        compute[s] = merged.length > 0 ? merged[0].computeNanos() : 0;
        wall[s] = stepNanos;
        loopNanos += stepNanos;
        run.work().stepped(active());
        for (int m = 0; m < n; m++) {
            if (over[m]) {
                continue;
            }
            try {
                double est = opts[m].step(merged[m]);
                stepsDone[m] = s + 1;
                curve[m][s] = est;
                samples[m] += batch[m];
                smooth[m] = Double.isNaN(smooth[m]) ? est : 0.98 * smooth[m] + 0.02 * est;
                if (monitors[m].onStep(s, est)) {
                    LOG.warn("{}: training diverged at learning rate {} after {} steps: {}", names[m], Engine.rate(lr),
                            s + 1, monitors[m].divergence());
                    end(m, s + 1);
                }
            } catch (RuntimeException e) {
                failure[m] = "training failed at step " + (s + 1) + ": " + e.getMessage();
                LOG.warn("{}: {}", names[m], failure[m]);
                end(m, s + 1);
            }
        }
        // a validation step is reported once, after its validation pass (train), with its early stops counted
        if (run.validation() == null || (s + 1) % spec.evalEvery() != 0 && s + 1 != spec.steps()) {
            run.work().report(s + 1, smooth[0], samples[0] / Math.max(1e-9, loopNanos / 1e9));
        }
    }

    /** Trains the pass (see the class). */
    void train() {
        int total = spec.steps();
        int every = run.validation() != null ? spec.evalEvery() : total;
        long tStart = System.nanoTime();
        int done = stepsDone[0];
        for (int m = 1; m < n; m++) {
            done = Math.min(done, stepsDone[m]);
        }
        while (done < total && anyActive()) {
            int to = ck.segmentEnd(done, Math.min(total, (done / every + 1) * every));
            steps.run(done, to, this);
            done = to;
            if (run.validation() == null || done % every != 0 && done != total) {
                if (ck.due(done) || done == total) {
                    checkpoint(done, done == total);
                }
                continue;
            }
            validate(done, total);
            // early stops count at once, not at the next step
            run.work().report(done, smooth[0], samples[0] / Math.max(1e-9, loopNanos / 1e9));
        }
        for (int m = 0; m < n; m++) {
            if (kept[m] == null && failure[m] == null && !monitors[m].diverged()) {
                kept[m] = opts[m].snapshot();
                keptStep[m] = stepsDone[m];
            }
            end(m, stepsDone[m]);
        }
        run.work().report(total, smooth[0], samples[0] / Math.max(1e-9, loopNanos / 1e9)); // the pass's pairs are done
        int ran = 0;
        for (int m = 0; m < n; m++) {
            ran = Math.max(ran, stepsDone[m]);
        }
        if (ran > firstStep) {
            long[] ov = new long[ran - firstStep];
            long[] w = Arrays.copyOfRange(wall, firstStep, ran);
            for (int s = firstStep; s < ran; s++) {
                ov[s - firstStep] = wall[s] - compute[s];
            }
            Arrays.sort(ov);
            Arrays.sort(w);
            LOG.info(String.format(Locale.ROOT, "pass of %d critic(s) (%s trainer): %d of %d steps in %.1f s (%.1f s with"
                            + " validation), median step %.2f ms, median distribution overhead %.2f ms per step", n,
                    steps.trainer(), ran, total, loopNanos / 1e9, (System.nanoTime() - tStart) / 1e9, w[w.length / 2] / 1e6,
                    ov[ov.length / 2] / 1e6));
        }
        for (int m = 0; m < n; m++) {
            if (growthSteps[m].length > 0) {
                LOG.info("{}: batch growth {} -> {} rows per step, grown after steps {}", names[m], spec.batchSize(),
                        batch[m], Arrays.toString(growthSteps[m]));
            }
        }
    }

    /**
     * One validation job for the active critics after {@code done} steps: per critic, batch growth,
     * then its monitor decides (keep the weights of a new best; stop after patience; divergence).
     */
    private void validate(int done, int total) {
        float[][][] params = new float[n][][];
        boolean any = false;
        for (int m = 0; m < n; m++) {
            if (!over[m]) {
                params[m] = opts[m].snapshot();
                any = true;
            }
        }
        if (!any) {
            return;
        }
        BoundStats[] v = evaluation.validate(run.validation().blocks(), params, run.seed(), Engine.VALIDATE);
        boolean stop = false;
        for (int m = 0; m < n; m++) {
            if (over[m]) {
                continue;
            }
            double value = v[m].count() == 0 ? Double.NaN : v[m].estimate();
            // adaptive batch growth (decided on this pass, used from the next step): a growth
            // restarts the patience window before this pass is counted, so a critic is never
            // stopped at the pass where its gradient noise level changes (patience >= 2);
            // the held-out ESS per scored marginal pair, times the batch's marginal pairs
            long vPairs = Math.max(1L, v[m].marginalPairs());
            int grown = done < total && Double.isFinite(value)
                    ? growth[m].next(batch[m], v[m].marginalEss(), vPairs, run.batchLimit()) : batch[m];
            if (grown > batch[m]) {
                LOG.info(String.format(Locale.ROOT, "%s: batch %d -> %d at step %d: ~%.1f effective marginal pairs per"
                                + " step (held-out ESS %.1f of %d; threshold %s)", names[m], batch[m], grown, done,
                        BatchGrowth.effectivePairsPerStep(v[m].marginalEss(), vPairs, batch[m]), v[m].marginalEss(),
                        v[m].marginalPairs(), growth[m].minEffectivePairs()));
                batch[m] = grown;
                growthSteps[m] = Arrays.copyOf(growthSteps[m], growthSteps[m].length + 1);
                growthSteps[m][growthSteps[m].length - 1] = done;
                monitors[m].resetPatience();
            }
            ConvergenceMonitor.Verdict verdict = monitors[m].onValidation(done, value,
                    v[m].count() == 0 ? Double.NaN : v[m].stdError());
            if (n == 1) {
                LOG.info(String.format(Locale.ROOT, "validation after step %d: %.4f nats (best %.4f after step %d)%s",
                        done, value, monitors[m].best(), monitors[m].bestStep(), growth[m].enabled()
                                ? String.format(Locale.ROOT, "; ~%.1f effective marginal pairs per step at batch %d",
                                BatchGrowth.effectivePairsPerStep(v[m].marginalEss(), vPairs, batch[m]), batch[m]) : ""));
            }
            if (verdict == ConvergenceMonitor.Verdict.DIVERGED) {
                LOG.warn("{}: training diverged at learning rate {}: {}", names[m], Engine.rate(lr), monitors[m].divergence());
                end(m, done);
                continue;
            }
            if (monitors[m].bestStep() == done) {
                // a new best (also when this pass ends the patience: BEST or STOP)
                kept[m] = params[m];
                keptStep[m] = done;
            }
            if (verdict == ConvergenceMonitor.Verdict.COOL_DOWN) {
                coolDown(m);
                if (done < total) { // at the last step the run simply ends
                    LOG.info(String.format(Locale.ROOT, "%s: no validation gain above %.4g nats (the larger of min-delta"
                            + " and the validation standard error) in %d evaluations after step %d: annealing the learning"
                            + " rate to %s over %d steps, then stopping", names[m], monitors[m].threshold(),
                            spec.patience(), done, Engine.rate(lr * spec.lrFinalFraction()),
                            Math.min(total, monitors[m].coolDownEnd()) - done));
                }
            }
            if (verdict == ConvergenceMonitor.Verdict.STOP) {
                LOG.info(String.format(Locale.ROOT, "%s: early stop after step %d (%s); keeping the weights of step %d",
                        names[m], done, monitors[m].coolingDown()
                                ? String.format(Locale.ROOT, "the end of the cool-down that began after step %d",
                                monitors[m].coolDownStart())
                                : String.format(Locale.ROOT, "no validation gain above %.4g nats, the larger of min-delta"
                                + " and the validation standard error, in %d evaluations", monitors[m].threshold(),
                                spec.patience()), keptStep[m]));
                end(m, done);
                stop = n == 1;
            }
        }
        if (ck.due(done) || stop || done == total) {
            checkpoint(done, stop || done == total);
        }
    }

    /** Starts critic m's learning-rate cool-down as its monitor set it (ending at the last step at the latest). */
    private void coolDown(int m) {
        int start = monitors[m].coolDownStart();
        opts[m].coolDown(start, Math.max(1, Math.min(spec.steps(), monitors[m].coolDownEnd()) - start));
    }

    /** Saves critic 0's state when checkpoints are on (plans of one critic; see {@link Checkpointing}). */
    private void checkpoint(int done, boolean finished) {
        if (!ck.enabled() || n != 1 || monitors[0].diverged() || failure[0] != null) {
            return;
        }
        ck.save(TrainingCheckpoint.capture(ck.fingerprint, attempt, lr, firstDivergence == null ? null
                        : firstDivergence[0], done, finished, opts[0], monitors[0], kept[0], keptStep[0], curve[0],
                loopNanos / 1e9).withBatch(batch[0], growthSteps[0]));
    }

    /** Critic m's outcome (after {@link #train}). */
    Trained trained(int m) {
        long nValidation = run.validation() == null ? 0 : run.validation().rows();
        boolean bad = failure[m] != null || monitors[m].diverged();
        return new Trained(bad ? null : kept[m], Arrays.copyOf(curve[m], stepsDone[m]), loopNanos / 1e9, stepsDone[m],
                keptStep[m], monitors[m], lr, firstDivergence == null ? null : firstDivergence[m], nValidation, batch[m],
                growthSteps[m].clone(), samples[m], failure[m]);
    }

    /**
     * When this pass is the R &ge; 2 replicates of one concat-critic pair and every one kept weights:
     * the evaluation of the R critics plus their ensemble ({@link Replicates#ensemble}); else null.
     */
    Replicates.Ensemble ensemble() {
        return Replicates.ensemble(shapes, xDims, yDims, replicates, keptWeights(), kernels, run.bound(),
                spec.evalPairings());
    }

    /** The kept weights of every critic (null for a diverged or failed one). */
    float[][][] keptWeights() {
        float[][][] k = new float[n][][];
        for (int m = 0; m < n; m++) {
            k[m] = failure[m] != null || monitors[m].diverged() ? null : kept[m];
        }
        return k;
    }
}
