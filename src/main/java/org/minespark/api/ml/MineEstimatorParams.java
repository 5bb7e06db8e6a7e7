package org.minespark.api.ml;

import static org.minespark.api.ml.ParamChecks.PROBE;
import static org.minespark.api.ml.ParamChecks.checkColumns;
import static org.minespark.api.ml.ParamChecks.with;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
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
 * getter and its validating setter. This class holds the params of what is estimated and how it is
 * run and tested (the column, data, inference and execution settings); those of how the critic is
 * trained are in {@link MineTrainingParams}. Not used on its own.
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
public abstract class MineEstimatorParams extends MineTrainingParams {
    private static final long serialVersionUID = 1L;

    final StringArrayParam xCols;
    final StringArrayParam yCols;
    final LongParam seed;
    final DoubleParam evalFraction;
    final LongParam maxTrainRows;
    final LongParam maxTestRows;
    final IntParam permutations;
    final IntParam replicates;
    final IntParam evalPairings;
    final Param<String> transform;
    final Param<String> encoding;
    final DoubleParam significanceLevel;
    final Param<String> trainer;
    final IntParam partitions;

    /** A stage with the given uid (Spark's convention for copies and loading). */
    MineEstimatorParams(String uid) {
        super(uid);
        xCols = new StringArrayParam(this, "xCols", "the x column group: numeric, array<float|double> or ML vector columns (required)");
        yCols = new StringArrayParam(this, "yCols", "the y column group, disjoint from xCols (required)");
        seed = new LongParam(this, "seed", "random seed of the split, the minibatches and the critic's initial weights (MineSpec.withSeed)");
        evalFraction = new DoubleParam(this, "evalFraction", "fraction of rows held out for validation and test, in (0, 1) (MineSpec.withEvalFraction)");
        maxTrainRows = new LongParam(this, "maxTrainRows", "most training rows cached, at least 2 (MineSpec.withMaxTrainRows)");
        maxTestRows = new LongParam(this, "maxTestRows", "most held-out test rows evaluated, a seeded sample; at least 2 (MineSpec.withMaxTestRows)");
        permutations = new IntParam(this, "permutations", "permutation replicates K of the independence test; 0 = decide from the CI (MineSpec.withPermutations)");
        replicates = new IntParam(this, "replicates", "replicate critics trained in one pass; the estimate is their ensemble's and the 95% interval includes their spread; 1 = one critic, held-out interval (MineSpec.withReplicates)");
        evalPairings = new IntParam(this, "evalPairings", "marginal pairings per held-out row of the pairwise bounds (MineSpec.withEvalPairings)");
        transform = new Param<>(this, "transform", "per-dimension input transform: normal-scores (default) or standardize (MineSpec.withTransform)");
        encoding = new Param<>(this, "encoding", "encoding of code-like columns: auto (default, per value) or scalar (MineSpec.withEncoding)");
        significanceLevel = new DoubleParam(this, "significanceLevel", "significance level alpha of the dependent verdict (MineSpec.withSignificanceLevel)");
        trainer = new Param<>(this, "trainer", "how steps are distributed: stream or jobs, same results bit for bit (MineSpec.withTrainer)");
        partitions = new IntParam(this, "partitions", "training partitions; 0 = Spark's default parallelism (MineSpec.withPartitions)");
        setDefault(seed, PROBE.seed());
        setDefault(evalFraction, PROBE.evalFraction());
        setDefault(maxTrainRows, PROBE.maxTrainRows());
        setDefault(maxTestRows, PROBE.maxTestRows());
        setDefault(permutations, PROBE.permutations());
        setDefault(replicates, PROBE.replicates());
        setDefault(evalPairings, PROBE.evalPairings());
        setDefault(transform, PROBE.transform());
        setDefault(encoding, PROBE.encoding());
        setDefault(significanceLevel, PROBE.significanceLevel());
        setDefault(trainer, PROBE.trainer());
        setDefault(partitions, PROBE.partitions());
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

    /** Param: most held-out test rows evaluated, a seeded sample; at least 2 (MineSpec.withMaxTestRows). */
    public LongParam maxTestRows() {
        return maxTestRows;
    }

    public long getMaxTestRows() {
        return (Long) getOrDefault(maxTestRows);
    }

    /** @throws IllegalArgumentException naming {@code maxTestRows} and the value when MineSpec rejects it */
    public MineEstimator setMaxTestRows(long v) {
        with(PROBE, "maxTestRows", v, MineSpec::withMaxTestRows);
        set(maxTestRows, v);
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

    /** Param: encoding of code-like columns, auto (default) or scalar (MineSpec.withEncoding). */
    public Param<String> encoding() {
        return encoding;
    }

    public String getEncoding() {
        return getOrDefault(encoding);
    }

    /** @throws IllegalArgumentException naming {@code encoding} and the value when MineSpec rejects it */
    public MineEstimator setEncoding(String v) {
        with(PROBE, "encoding", v, MineSpec::withEncoding);
        set(encoding, v);
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

    /** Param: replicate critics trained in one pass (the interval that includes training; MineSpec.withReplicates). */
    public IntParam replicates() {
        return replicates;
    }

    public int getReplicates() {
        return (Integer) getOrDefault(replicates);
    }

    /** @throws IllegalArgumentException naming {@code replicates} and the value when MineSpec rejects it */
    public MineEstimator setReplicates(int v) {
        with(PROBE, "replicates", v, MineSpec::withReplicates);
        set(replicates, v);
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
}
