package org.minespark.api.ml;

import static org.minespark.api.ml.ParamChecks.PROBE;
import static org.minespark.api.ml.ParamChecks.boxed;
import static org.minespark.api.ml.ParamChecks.with;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.minespark.spec.MineSpec;

/**
 * The Spark ML params of how {@link MineEstimator}'s critic is trained: the critic
 * ({@code spec/CriticSettings}), the bound and its optimisation ({@code OptimiserSettings}) and
 * when to stop ({@code StoppingSettings}), each with its getter and validating setter; also the
 * stage's uid. The other params are in {@link MineEstimatorParams}. Not used on its own.
 */
public abstract class MineTrainingParams extends Estimator<MineModel> {
    private static final long serialVersionUID = 1L;

    private final String uid;
    final IntArrayParam hidden;
    final Param<String> bound;
    final IntParam steps;
    final IntParam batchSize;
    final DoubleParam learningRate;
    final IntParam evalEvery;
    final IntParam patience;
    final DoubleParam minDelta;
    final DoubleParam lrFinalFraction;
    final DoubleParam emaAlpha;
    final Param<String> critic;
    final IntParam embedDim;
    final DoubleParam smileTau;
    final IntParam infonceK;

    /** A stage with the given uid (Spark's convention for copies and loading). */
    MineTrainingParams(String uid) {
        this.uid = uid;
        hidden = new IntArrayParam(this, "hidden", "hidden layer widths of the critic MLP (MineSpec.withHidden)");
        bound = new Param<>(this, "bound", "the variational bound: one of dv, dv-biased, nwj, infonce, smile (MineSpec.withBound)");
        steps = new IntParam(this, "steps", "synchronous training steps, at least 1 (MineSpec.withSteps)");
        batchSize = new IntParam(this, "batchSize", "joint rows per synchronous step summed over partitions, at least 2 (MineSpec.withBatchSize)");
        learningRate = new DoubleParam(this, "learningRate", "Adam base learning rate in (0, 1], or 0 for one chosen from the input's shape (MineSpec.withLearningRate)");
        evalEvery = new IntParam(this, "evalEvery", "steps between validation passes; 0 = no validation, no early stopping (MineSpec.withEvalEvery)");
        patience = new IntParam(this, "patience", "validation passes without improvement before stopping; 0 = never stop early (MineSpec.withPatience)");
        minDelta = new DoubleParam(this, "minDelta", "rise of the validation estimate (nats) that counts as an improvement (MineSpec.withMinDelta)");
        lrFinalFraction = new DoubleParam(this, "lrFinalFraction", "final learning rate of the cosine decay as a fraction of the base rate (MineSpec.withLrFinalFraction)");
        emaAlpha = new DoubleParam(this, "emaAlpha", "moving-average rate of the DV gradient correction in (0, 1] (MineSpec.withEmaAlpha)");
        critic = new Param<>(this, "critic", "the critic: concat (MLP on [x, y]) or separable (g(x) . h(y)) (MineSpec.withCritic)");
        embedDim = new IntParam(this, "embedDim", "embedding size of the separable critic (MineSpec.withEmbedDim)");
        smileTau = new DoubleParam(this, "smileTau", "SMILE clipping threshold tau (MineSpec.withSmileTau)");
        infonceK = new IntParam(this, "infonceK", "InfoNCE group size K (MineSpec.withInfonceK)");
        setDefault(bound, PROBE.bound());
        setDefault(steps, PROBE.steps());
        setDefault(batchSize, PROBE.batchSize());
        setDefault(learningRate, PROBE.learningRate());
        setDefault(evalEvery, PROBE.evalEvery());
        setDefault(patience, PROBE.patience());
        setDefault(minDelta, PROBE.minDelta());
        setDefault(lrFinalFraction, PROBE.lrFinalFraction());
        setDefault(emaAlpha, PROBE.emaAlpha());
        setDefault(critic, PROBE.critic());
        setDefault(embedDim, PROBE.embedDim());
        setDefault(smileTau, PROBE.smileTau());
        setDefault(infonceK, PROBE.infonceK());
        setDefault(hidden, PROBE.hidden().stream().mapToInt(Integer::intValue).toArray());
    }

    final MineEstimator self() {
        return (MineEstimator) this;
    }

    @Override
    public String uid() {
        return uid;
    }

    /** Param: the critic: concat (MLP on [x, y]) or separable (g(x) . h(y)) (MineSpec.withCritic). */
    public Param<String> critic() {
        return critic;
    }

    public String getCritic() {
        return  getOrDefault(critic);
    }

    /** @throws IllegalArgumentException naming {@code critic} and the value when MineSpec rejects it */
    public MineEstimator setCritic(String v) {
        with(PROBE, "critic", v, MineSpec::withCritic);
        set(critic, v);
        return self();
    }

    /** Param: hidden layer widths of the critic. */
    public IntArrayParam hidden() {
        return hidden;
    }

    public int[] getHidden() {
        return getOrDefault(hidden).clone();
    }

    /** @throws IllegalArgumentException naming {@code hidden} and the value when MineSpec rejects it */
    public MineEstimator setHidden(int... v) {
        with(PROBE, "hidden", v, (s, h) -> s.withHidden(boxed(h)));
        set(hidden, v.clone());
        return self();
    }

    /** Param: embedding size of the separable critic (MineSpec.withEmbedDim). */
    public IntParam embedDim() {
        return embedDim;
    }

    public int getEmbedDim() {
        return (Integer) getOrDefault(embedDim);
    }

    /** @throws IllegalArgumentException naming {@code embedDim} and the value when MineSpec rejects it */
    public MineEstimator setEmbedDim(int v) {
        with(PROBE, "embedDim", v, MineSpec::withEmbedDim);
        set(embedDim, v);
        return self();
    }

    /** Param: the variational bound: one of dv, dv-biased, nwj, infonce, smile (MineSpec.withBound). */
    public Param<String> bound() {
        return bound;
    }

    public String getBound() {
        return  getOrDefault(bound);
    }

    /** @throws IllegalArgumentException naming {@code bound} and the value when MineSpec rejects it */
    public MineEstimator setBound(String v) {
        with(PROBE, "bound", v, MineSpec::withBound);
        set(bound, v);
        return self();
    }

    /** Param: synchronous training steps, at least 1 (MineSpec.withSteps). */
    public IntParam steps() {
        return steps;
    }

    public int getSteps() {
        return (Integer) getOrDefault(steps);
    }

    /** @throws IllegalArgumentException naming {@code steps} and the value when MineSpec rejects it */
    public MineEstimator setSteps(int v) {
        with(PROBE, "steps", v, MineSpec::withSteps);
        set(steps, v);
        return self();
    }

    /** Param: joint rows per synchronous step summed over partitions, at least 2 (MineSpec.withBatchSize). */
    public IntParam batchSize() {
        return batchSize;
    }

    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    /** @throws IllegalArgumentException naming {@code batchSize} and the value when MineSpec rejects it */
    public MineEstimator setBatchSize(int v) {
        with(PROBE, "batchSize", v, MineSpec::withBatchSize);
        set(batchSize, v);
        return self();
    }

    /** Param: Adam base learning rate in (0, 1], or 0 for one chosen from the input's shape (MineSpec.withLearningRate). */
    public DoubleParam learningRate() {
        return learningRate;
    }

    public double getLearningRate() {
        return (Double) getOrDefault(learningRate);
    }

    /** @throws IllegalArgumentException naming {@code learningRate} and the value when MineSpec rejects it */
    public MineEstimator setLearningRate(double v) {
        with(PROBE, "learningRate", v, MineSpec::withLearningRate);
        set(learningRate, v);
        return self();
    }

    /** Param: moving-average rate of the DV gradient correction in (0, 1] (MineSpec.withEmaAlpha). */
    public DoubleParam emaAlpha() {
        return emaAlpha;
    }

    public double getEmaAlpha() {
        return (Double) getOrDefault(emaAlpha);
    }

    /** @throws IllegalArgumentException naming {@code emaAlpha} and the value when MineSpec rejects it */
    public MineEstimator setEmaAlpha(double v) {
        with(PROBE, "emaAlpha", v, MineSpec::withEmaAlpha);
        set(emaAlpha, v);
        return self();
    }

    /** Param: final learning rate of the cosine decay as a fraction of the base rate (MineSpec.withLrFinalFraction). */
    public DoubleParam lrFinalFraction() {
        return lrFinalFraction;
    }

    public double getLrFinalFraction() {
        return (Double) getOrDefault(lrFinalFraction);
    }

    /** @throws IllegalArgumentException naming {@code lrFinalFraction} and the value when MineSpec rejects it */
    public MineEstimator setLrFinalFraction(double v) {
        with(PROBE, "lrFinalFraction", v, MineSpec::withLrFinalFraction);
        set(lrFinalFraction, v);
        return self();
    }

    /** Param: SMILE clipping threshold tau (MineSpec.withSmileTau). */
    public DoubleParam smileTau() {
        return smileTau;
    }

    public double getSmileTau() {
        return (Double) getOrDefault(smileTau);
    }

    /** @throws IllegalArgumentException naming {@code smileTau} and the value when MineSpec rejects it */
    public MineEstimator setSmileTau(double v) {
        with(PROBE, "smileTau", v, MineSpec::withSmileTau);
        set(smileTau, v);
        return self();
    }

    /** Param: InfoNCE group size K (MineSpec.withInfonceK). */
    public IntParam infonceK() {
        return infonceK;
    }

    public int getInfonceK() {
        return (Integer) getOrDefault(infonceK);
    }

    /** @throws IllegalArgumentException naming {@code infonceK} and the value when MineSpec rejects it */
    public MineEstimator setInfonceK(int v) {
        with(PROBE, "infonceK", v, MineSpec::withInfonceK);
        set(infonceK, v);
        return self();
    }

    /** Param: steps between validation passes; 0 = no validation, no early stopping (MineSpec.withEvalEvery). */
    public IntParam evalEvery() {
        return evalEvery;
    }

    public int getEvalEvery() {
        return (Integer) getOrDefault(evalEvery);
    }

    /** @throws IllegalArgumentException naming {@code evalEvery} and the value when MineSpec rejects it */
    public MineEstimator setEvalEvery(int v) {
        with(PROBE, "evalEvery", v, MineSpec::withEvalEvery);
        set(evalEvery, v);
        return self();
    }

    /** Param: validation passes without improvement before stopping; 0 = never stop early (MineSpec.withPatience). */
    public IntParam patience() {
        return patience;
    }

    public int getPatience() {
        return (Integer) getOrDefault(patience);
    }

    /** @throws IllegalArgumentException naming {@code patience} and the value when MineSpec rejects it */
    public MineEstimator setPatience(int v) {
        with(PROBE, "patience", v, MineSpec::withPatience);
        set(patience, v);
        return self();
    }

    /** Param: rise of the validation estimate (nats) that counts as an improvement (MineSpec.withMinDelta). */
    public DoubleParam minDelta() {
        return minDelta;
    }

    public double getMinDelta() {
        return (Double) getOrDefault(minDelta);
    }

    /** @throws IllegalArgumentException naming {@code minDelta} and the value when MineSpec rejects it */
    public MineEstimator setMinDelta(double v) {
        with(PROBE, "minDelta", v, MineSpec::withMinDelta);
        set(minDelta, v);
        return self();
    }
}
