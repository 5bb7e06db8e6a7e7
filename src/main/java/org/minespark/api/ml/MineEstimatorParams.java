package org.minespark.api.ml;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.function.BiFunction;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;
import org.minespark.api.MutualInformation;

/**
 * The params of {@link MineEstimator} (Spark MLs {@code Params} half of the stage, as Sparks own
 * estimators split them): one per declared setting with an ML name ({@code spec/Settings}), its
 * getter and its validating setter. Not used on its own.
 *
 * <p>The estimator: Spark ML {@link Estimator} over {@link MutualInformation#estimate}: {@link #fit} estimates the
 * mutual information I(X; Y) between the column groups {@link #xCols} and {@link #yCols} of the
 * input with MINE (Belghazi et al. 2018) and returns a {@link MineModel} holding the
 * {@link MiResult}, so an estimate can be one stage of a {@code Pipeline}:
 *
 * <pre>{@code
 * MineEstimator mine = new MineEstimator()
 *         .setXCols("a", "b").setYCols("c")
 *         .setSteps(2000).setBatchSize(512).setSeed(7);
 * PipelineModel pm = new Pipeline().setStages(new PipelineStage[] {mine}).fit(df);
 * MiResult r = ((MineModel) pm.stages()[0]).result();
 * }</pre>
 *
 * Every param maps onto the {@link MineSpec} wither of the same name, with {@link MineSpec}'s
 * defaults; {@link #toSpec()} is the spec {@link #fit} runs, so {@code fit(df)} and
 * {@code MutualInformation.estimate(df, toSpec())} give the same result bit for bit (for the same
 * dataset partitioning). Setters validate at once through {@link MineSpec}: a bad value throws
 * {@link IllegalArgumentException} naming the param and the value; values set through a
 * {@link ParamMap} are validated by {@link #fit}. Not mapped (they keep MineSpec's defaults): the
 * kernel backend, logging, the evaluation chunk size and checkpointing; use
 * {@link MutualInformation#estimate} with a full {@link MineSpec} for those.
 *
 * <p>Persistence: {@link #write()}/{@link #load(String)} save and restore the params in Spark's
 * layout ({@code <path>/metadata}), also as a stage of a saved {@code Pipeline}.
 */
public abstract class MineEstimatorParams extends Estimator<MineModel> {
    private static final long serialVersionUID = 1L;
    /** The defaults and the validation of every param. */
    static final MineSpec PROBE = MineSpec.x("x").y("y");

    private final String uid;
    final StringArrayParam xCols;
    final StringArrayParam yCols;
    final IntArrayParam hidden;
    final Param<String> bound;
    final IntParam steps;
    final IntParam batchSize;
    final DoubleParam learningRate;
    final LongParam seed;
    final DoubleParam evalFraction;
    final LongParam maxTrainRows;
    final IntParam evalEvery;
    final IntParam patience;
    final DoubleParam minDelta;
    final DoubleParam lrFinalFraction;
    final DoubleParam emaAlpha;
    final IntParam permutations;
    final IntParam evalPairings;
    final Param<String> transform;
    final DoubleParam significanceLevel;
    final Param<String> critic;
    final IntParam embedDim;
    final DoubleParam smileTau;
    final IntParam infonceK;
    final Param<String> trainer;
    final IntParam partitions;

    /** A stage with the given uid (Spark's convention for copies and loading). */
    MineEstimatorParams(String uid) {
        this.uid = uid;
        xCols = new StringArrayParam(this, "xCols", "the x column group: numeric, array<float|double> or ML vector columns (required)");
        yCols = new StringArrayParam(this, "yCols", "the y column group, disjoint from xCols (required)");
        hidden = new IntArrayParam(this, "hidden", "hidden layer widths of the critic MLP (MineSpec.withHidden)");
        bound = new Param<>(this, "bound", "the variational bound: one of dv, dv-biased, nwj, infonce, smile (MineSpec.withBound)");
        steps = new IntParam(this, "steps", "synchronous training steps, at least 1 (MineSpec.withSteps)");
        batchSize = new IntParam(this, "batchSize", "joint rows per synchronous step summed over partitions, at least 2 (MineSpec.withBatchSize)");
        learningRate = new DoubleParam(this, "learningRate", "Adam base learning rate in (0, 1] (MineSpec.withLearningRate)");
        seed = new LongParam(this, "seed", "random seed of the split, the minibatches and the critic's initial weights (MineSpec.withSeed)");
        evalFraction = new DoubleParam(this, "evalFraction", "fraction of rows held out for validation and test, in (0, 1) (MineSpec.withEvalFraction)");
        maxTrainRows = new LongParam(this, "maxTrainRows", "most training rows cached, at least 2 (MineSpec.withMaxTrainRows)");
        evalEvery = new IntParam(this, "evalEvery", "steps between validation passes; 0 = no validation, no early stopping (MineSpec.withEvalEvery)");
        patience = new IntParam(this, "patience", "validation passes without improvement before stopping; 0 = never stop early (MineSpec.withPatience)");
        minDelta = new DoubleParam(this, "minDelta", "rise of the validation estimate (nats) that counts as an improvement (MineSpec.withMinDelta)");
        lrFinalFraction = new DoubleParam(this, "lrFinalFraction", "final learning rate of the cosine decay as a fraction of the base rate (MineSpec.withLrFinalFraction)");
        emaAlpha = new DoubleParam(this, "emaAlpha", "moving-average rate of the DV gradient correction in (0, 1] (MineSpec.withEmaAlpha)");
        permutations = new IntParam(this, "permutations", "permutation replicates K of the independence test; 0 = decide from the CI (MineSpec.withPermutations)");
        evalPairings = new IntParam(this, "evalPairings", "marginal pairings per held-out row of the pairwise bounds (MineSpec.withEvalPairings)");
        transform = new Param<>(this, "transform", "per-dimension input transform: normal-scores (default) or standardize (MineSpec.withTransform)");
        significanceLevel = new DoubleParam(this, "significanceLevel", "significance level alpha of the dependent verdict (MineSpec.withSignificanceLevel)");
        critic = new Param<>(this, "critic", "the critic: concat (MLP on [x, y]) or separable (g(x) . h(y)) (MineSpec.withCritic)");
        embedDim = new IntParam(this, "embedDim", "embedding size of the separable critic (MineSpec.withEmbedDim)");
        smileTau = new DoubleParam(this, "smileTau", "SMILE clipping threshold tau (MineSpec.withSmileTau)");
        infonceK = new IntParam(this, "infonceK", "InfoNCE group size K (MineSpec.withInfonceK)");
        trainer = new Param<>(this, "trainer", "how steps are distributed: stream or jobs, same results bit for bit (MineSpec.withTrainer)");
        partitions = new IntParam(this, "partitions", "training partitions; 0 = Spark's default parallelism (MineSpec.withPartitions)");
        setDefault(bound, PROBE.bound());
        setDefault(steps, PROBE.steps());
        setDefault(batchSize, PROBE.batchSize());
        setDefault(learningRate, PROBE.learningRate());
        setDefault(seed, PROBE.seed());
        setDefault(evalFraction, PROBE.evalFraction());
        setDefault(maxTrainRows, PROBE.maxTrainRows());
        setDefault(evalEvery, PROBE.evalEvery());
        setDefault(patience, PROBE.patience());
        setDefault(minDelta, PROBE.minDelta());
        setDefault(lrFinalFraction, PROBE.lrFinalFraction());
        setDefault(emaAlpha, PROBE.emaAlpha());
        setDefault(permutations, PROBE.permutations());
        setDefault(evalPairings, PROBE.evalPairings());
        setDefault(transform, PROBE.transform());
        setDefault(significanceLevel, PROBE.significanceLevel());
        setDefault(critic, PROBE.critic());
        setDefault(embedDim, PROBE.embedDim());
        setDefault(smileTau, PROBE.smileTau());
        setDefault(infonceK, PROBE.infonceK());
        setDefault(trainer, PROBE.trainer());
        setDefault(partitions, PROBE.partitions());
        setDefault(hidden, PROBE.hidden().stream().mapToInt(Integer::intValue).toArray());
    }

    private MineEstimator self() {
        return (MineEstimator) this;
    }

    @Override
    public String uid() {
        return uid;
    }

    /** Param: the x column group (required). */
    public StringArrayParam xCols() {
        return xCols;
    }

    /** Param: the y column group (required, disjoint from {@link #xCols}). */
    public StringArrayParam yCols() {
        return yCols;
    }

    public String[] getXCols() {
        return getOrDefault(xCols).clone();
    }

    public String[] getYCols() {
        return getOrDefault(yCols).clone();
    }

    /** @throws IllegalArgumentException naming {@code xCols} when empty, blank or with a duplicate */
    public MineEstimator setXCols(String... v) {
        set(xCols, checkColumns("xCols", v));
        return self();
    }

    /** @throws IllegalArgumentException naming {@code yCols} when empty, blank or with a duplicate */
    public MineEstimator setYCols(String... v) {
        set(yCols, checkColumns("yCols", v));
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

    /** Param: Adam base learning rate in (0, 1] (MineSpec.withLearningRate). */
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

    /** Param: random seed of the split, the minibatches and the critic's initial weights (MineSpec.withSeed). */
    public LongParam seed() {
        return seed;
    }

    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    /** @throws IllegalArgumentException naming {@code seed} and the value when MineSpec rejects it */
    public MineEstimator setSeed(long v) {
        with(PROBE, "seed", v, MineSpec::withSeed);
        set(seed, v);
        return self();
    }

    /** Param: fraction of rows held out for validation and test, in (0, 1) (MineSpec.withEvalFraction). */
    public DoubleParam evalFraction() {
        return evalFraction;
    }

    public double getEvalFraction() {
        return (Double) getOrDefault(evalFraction);
    }

    /** @throws IllegalArgumentException naming {@code evalFraction} and the value when MineSpec rejects it */
    public MineEstimator setEvalFraction(double v) {
        with(PROBE, "evalFraction", v, MineSpec::withEvalFraction);
        set(evalFraction, v);
        return self();
    }

    /** Param: most training rows cached, at least 2 (MineSpec.withMaxTrainRows). */
    public LongParam maxTrainRows() {
        return maxTrainRows;
    }

    public long getMaxTrainRows() {
        return (Long) getOrDefault(maxTrainRows);
    }

    /** @throws IllegalArgumentException naming {@code maxTrainRows} and the value when MineSpec rejects it */
    public MineEstimator setMaxTrainRows(long v) {
        with(PROBE, "maxTrainRows", v, MineSpec::withMaxTrainRows);
        set(maxTrainRows, v);
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

    /** Param: per-dimension input transform, normal-scores (default) or standardize (MineSpec.withTransform). */
    public Param<String> transform() {
        return transform;
    }

    public String getTransform() {
        return getOrDefault(transform);
    }

    /** @throws IllegalArgumentException naming {@code transform} and the value when MineSpec rejects it */
    public MineEstimator setTransform(String v) {
        with(PROBE, "transform", v, MineSpec::withTransform);
        set(transform, v);
        return self();
    }

    /** Param: marginal pairings per held-out row of the pairwise bounds (MineSpec.withEvalPairings). */
    public IntParam evalPairings() {
        return evalPairings;
    }

    public int getEvalPairings() {
        return (Integer) getOrDefault(evalPairings);
    }

    /** @throws IllegalArgumentException naming {@code evalPairings} and the value when MineSpec rejects it */
    public MineEstimator setEvalPairings(int v) {
        with(PROBE, "evalPairings", v, MineSpec::withEvalPairings);
        set(evalPairings, v);
        return self();
    }

    /** Param: permutation replicates K of the independence test; 0 = decide from the CI (MineSpec.withPermutations). */
    public IntParam permutations() {
        return permutations;
    }

    public int getPermutations() {
        return (Integer) getOrDefault(permutations);
    }

    /** @throws IllegalArgumentException naming {@code permutations} and the value when MineSpec rejects it */
    public MineEstimator setPermutations(int v) {
        with(PROBE, "permutations", v, MineSpec::withPermutations);
        set(permutations, v);
        return self();
    }

    /** Param: significance level alpha of the dependent verdict (MineSpec.withSignificanceLevel). */
    public DoubleParam significanceLevel() {
        return significanceLevel;
    }

    public double getSignificanceLevel() {
        return (Double) getOrDefault(significanceLevel);
    }

    /** @throws IllegalArgumentException naming {@code significanceLevel} and the value when MineSpec rejects it */
    public MineEstimator setSignificanceLevel(double v) {
        with(PROBE, "significanceLevel", v, MineSpec::withSignificanceLevel);
        set(significanceLevel, v);
        return self();
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

    /** Param: how steps are distributed: stream or jobs, same results bit for bit (MineSpec.withTrainer). */
    public Param<String> trainer() {
        return trainer;
    }

    public String getTrainer() {
        return  getOrDefault(trainer);
    }

    /** @throws IllegalArgumentException naming {@code trainer} and the value when MineSpec rejects it */
    public MineEstimator setTrainer(String v) {
        with(PROBE, "trainer", v, MineSpec::withTrainer);
        set(trainer, v);
        return self();
    }

    /** Param: training partitions; 0 = Spark's default parallelism (MineSpec.withPartitions). */
    public IntParam partitions() {
        return partitions;
    }

    public int getPartitions() {
        return (Integer) getOrDefault(partitions);
    }

    /** @throws IllegalArgumentException naming {@code partitions} and the value when MineSpec rejects it */
    public MineEstimator setPartitions(int v) {
        with(PROBE, "partitions", v, MineSpec::withPartitions);
        set(partitions, v);
        return self();
    }

    static String[] checkColumns(String param, String[] v) {
        if (v == null || v.length == 0) {
            throw new IllegalArgumentException("MineEstimator param " + param + ": at least one column is required, got "
                    + Arrays.toString(v));
        }
        for (String c : v) {
            if (c == null || c.isBlank()) {
                throw new IllegalArgumentException("MineEstimator param " + param + ": empty column name in "
                        + Arrays.toString(v));
            }
        }
        if (new HashSet<>(Arrays.asList(v)).size() != v.length) {
            throw new IllegalArgumentException("MineEstimator param " + param + ": a column is listed twice in "
                    + Arrays.toString(v));
        }
        return v.clone();
    }

    static List<Integer> boxed(int[] h) {
        return h == null ? null : Arrays.stream(h).boxed().toList();
    }

    /** Applies a wither, turning its rejection into an error that names the param and the value. */
    static <T> MineSpec with(MineSpec s, String param, T value, BiFunction<MineSpec, T, MineSpec> wither) {
        try {
            return wither.apply(s, value);
        } catch (IllegalArgumentException | NullPointerException e) {
            String shown = value instanceof int[] a ? Arrays.toString(a) : String.valueOf(value);
            throw new IllegalArgumentException("MineEstimator param " + param + " = " + shown + " is invalid: "
                    + e.getMessage(), e);
        }
    }
}
