package org.minespark.spec;

import java.util.List;

/**
 * The default and the accepted range of every {@link MineSpec} setting, with the measurements
 * behind the defaults; users read them as {@code MineSpec.DEFAULT_...} (MineSpec implements this).
 * Defaults are those documented in {@code conf/mine.conf}.
 */
interface MineDefaults {
    /** Default global minibatch (joint rows per synchronous step, summed over partitions). */
    public static final int DEFAULT_BATCH_SIZE = 1024;
    /**
     * Default training steps. 6000 did not help the 20-d 6-nat task (validation plateau 5.0-5.1 nats
     * from step 3250, early stop at 4500; docs/accuracy-diagnosis.md).
     */
    public static final int DEFAULT_STEPS = 3000;
    /**
     * Default Adam learning rate. 3e-3 was measured: no gain at 6 nats (5.12 vs 5.14 nats), a
     * noisier validation curve on gauss-channel (docs/accuracy-diagnosis.md).
     */
    /**
     * Default Adam base learning rate ({@code mine.train.learning-rate}): 0, i.e. chosen from the
     * input's shape ({@link MineSpec#learningRateFor}).
     */
    public static final double DEFAULT_LEARNING_RATE = 0.0;
    /**
     * The automatic learning rate up to {@link #NARROW_CRITIC_MAX_DIMS} input dimensions: 2e-3.
     * Measured on the jar of 8d4c0c9 (docs/accuracy.md, "A learning rate of 2e-3 for narrow
     * inputs"): the 12 bmi tasks at seed 42 equal or higher than at 1e-3 (additive-uniform:5x5 -7.5 %
     * from -11.2 %, spiral -6.6 % from -8.7 %), additive-uniform:5x5 within 10 % on seeds 42-46, the
     * channel 0.003-0.012 nats higher; the demo 4.12 nats in 28.8-35.4 s.
     */
    public static final double NARROW_LEARNING_RATE = 2e-3;
    /**
     * The automatic learning rate above {@link #NARROW_CRITIC_MAX_DIMS} input dimensions, and of
     * {@code pairs}: 1e-3 (at 2e-3 the 20-d Gaussian at 6 nats fell from -4.4 % to -6.2 %; pairs'
     * 64-64 critic and its quality tables were measured at 1e-3).
     */
    public static final double WIDE_LEARNING_RATE = 1e-3;
    public static final double DEFAULT_EVAL_FRACTION = 0.2;
    /** Default marginal transform of the input dimensions. */
    public static final String DEFAULT_TRANSFORM = "normal-scores";
    /** The accepted marginal transforms. */
    public static final List<String> TRANSFORMS = List.of("standardize", "normal-scores");
    /**
     * Default encoding of code-like columns: {@code auto} reads a code-like column (integer-valued
     * numbers or strings, 2..4096 distinct values, at least 10 rows per value on average) as its
     * value plus per-value random dimensions ({@code core/ValueEncoding}); {@code scalar} reads
     * every numeric column as one number (and rejects strings in estimate; pairs one-hot encodes them).
     */
    public static final String DEFAULT_ENCODING = "auto";
    /** The accepted encodings. */
    public static final List<String> ENCODINGS = List.of("auto", "scalar");
    public static final long DEFAULT_MAX_TRAIN_ROWS = 1_000_000L;
    /**
     * Default cap on the held-out test rows the estimate is evaluated on (a seeded sample when there are more).
     * The estimate's standard error at 200 000 rows is about 1/sqrt(n) of the per-row spread, small next to the
     * run-to-run variability of the training; and their evaluation with 99 permutations stays below the training
     * time (3 M rows: 549 000 test rows took 5.7 s against 4.4 s of training; docs/benchmarks.md, "Issue 16").
     */
    public static final long DEFAULT_MAX_TEST_ROWS = 200_000L;
    public static final double DEFAULT_EMA_ALPHA = 0.01;
    /** Default hidden widths: empty, i.e. chosen from the input's shape ({@link MineSpec#hiddenFor}). */
    public static final List<Integer> DEFAULT_HIDDEN = List.of();
    /** Input dimensions (x plus y, per position vector) up to which the automatic critic is {@link #NARROW_CRITIC_HIDDEN}. */
    public static final int NARROW_CRITIC_MAX_DIMS = 16;
    /**
     * The automatic critic up to {@link #NARROW_CRITIC_MAX_DIMS} input dimensions: three hidden
     * layers of 128 (docs/accuracy.md, "Depth of the narrow critic": the third layer lifted the bmi
     * tasks with ridges and edges by 0.1-0.28 nats and was never worse by more than 0.004 nats over
     * 39 paired runs of 13 low-dimensional tasks, for about 1.9 times the work per row).
     */
    public static final int NARROW_CRITIC_WIDTH = 128;
    public static final int NARROW_CRITIC_LAYERS = 3;
    public static final List<Integer> NARROW_CRITIC_HIDDEN = java.util.Collections.nCopies(NARROW_CRITIC_LAYERS,
            NARROW_CRITIC_WIDTH);
    /**
     * The automatic critic above {@link #NARROW_CRITIC_MAX_DIMS} input dimensions: three hidden
     * layers of 128 (two of 256 until 2026-12-07). Measured after the fixed-point fix of the
     * marginal pairing, with the batch cap of {@link #WIDE_MAX_BATCH}
     * (docs/accuracy.md, "A faster critic for wide inputs"): on the 20-d Gaussian 0.004-0.058 nats
     * lower over 7 paired runs at 2, 4 and 6 nats, all within 5 %, in a third to a half of the time
     * (4 nats: 45-54 s against 93-145 s).
     */
    public static final int WIDE_CRITIC_WIDTH = 128;
    public static final int WIDE_CRITIC_LAYERS = 3;
    public static final List<Integer> WIDE_CRITIC_HIDDEN = java.util.Collections.nCopies(WIDE_CRITIC_LAYERS,
            WIDE_CRITIC_WIDTH);
    /**
     * Default cap of the grown batch ({@code mine.train.max-batch-size}): 0, i.e. chosen from the
     * input's shape ({@link MineSpec#maxBatchSizeFor}).
     */
    public static final int DEFAULT_MAX_BATCH_SIZE = 0;
    /**
     * The automatic batch cap up to {@link #NARROW_CRITIC_MAX_DIMS} input dimensions: 2048 rows (or
     * position pairs) per step. Measured on the jar of a82f25c, same runs (docs/accuracy.md, "A
     * batch cap of 2048 for narrow inputs"): the 3-d channel (4.16 nats) 0.001-0.012 nats below the
     * cap of 4096 on seeds 42-44 in 0.64-0.78 of the time, seed 000's tensors 2.3956 against 2.4023
     * per 7-vector in 43 s against 61 s; the 20-d Gaussian at 6 nats fell from -4.4 % to -7.7 % with
     * 2048, so wide inputs keep {@link #WIDE_MAX_BATCH}.
     */
    public static final int NARROW_MAX_BATCH = 2048;
    /**
     * The automatic batch cap above {@link #NARROW_CRITIC_MAX_DIMS} input dimensions: 4096 (8192
     * until 2026-12-07; docs/accuracy.md, "A faster critic for wide inputs").
     */
    public static final int WIDE_MAX_BATCH = 4096;
    /** Default final learning rate of the cosine decay, as a fraction of the base rate (1 = constant). */
    public static final double DEFAULT_LR_FINAL_FRACTION = 0.05;
    /** Default steps between validation passes (0 = no validation, no early stopping). */
    public static final int DEFAULT_EVAL_EVERY = 100;
    /** Default validation passes without improvement before stopping (0 = never stop early). */
    public static final int DEFAULT_PATIENCE = 3;
    /**
     * Default floor of the improvement of the validation estimate that counts, nats: 0, so the
     * threshold is the validation estimate's own standard error ({@code ConvergenceMonitor}).
     */
    public static final double DEFAULT_MIN_DELTA = 0.0;

    /** Default bound: MINE's moving-average corrected Donsker-Varadhan bound. */
    public static final String DEFAULT_BOUND = "dv";
    /** The bounds {@link MineSpec#withBound} accepts. */
    public static final List<String> BOUNDS = List.of("dv", "dv-biased", "nwj", "infonce", "smile");
    /** Default SMILE clipping threshold tau (Song and Ermon 2020 use 5). */
    public static final double DEFAULT_SMILE_TAU = 5.0;
    /** Default InfoNCE group size K per partition (the bound is capped at ln K). */
    public static final int DEFAULT_INFONCE_K = 64;
    /** Default critic: {@code concat} (MLP on [x, y]); {@code separable} is g(x) . h(y). */
    public static final String DEFAULT_CRITIC = "concat";
    /** The critic types {@link MineSpec#withCritic} accepts. */
    public static final List<String> CRITICS = List.of("concat", "separable");
    /** Default embedding size of the separable critic. */
    public static final int DEFAULT_EMBED_DIM = 32;

    /**
     * Default training loop: {@code stream} (one long-lived Spark barrier stage per segment of
     * steps; measured 1-2 ms of overhead per step in local[2] against 10-13 ms for {@code jobs},
     * one Spark job per step). Both give bit-identical results.
     */
    public static final String DEFAULT_TRAINER = "stream";

    /** Default steps between checkpoints (when a checkpoint directory is set; 0 = none). */
    public static final int DEFAULT_CHECKPOINT_EVERY = 500;

    /**
     * Default permutation replicates of the significance test: 99, so the smallest possible
     * p-value is 1/(K+1) = 0.01 (a test at the default level 0.05 can reject with margin, and
     * p-values of 0.01..0.05 are resolved). Each replicate costs one more critic pass over the test
     * rows (concat critic; the separable critic and InfoNCE reuse their embeddings or scores): at
     * 40k test rows and the default critic ~0.6 TFLOP, a few seconds on 2 cores (docs/cli.md).
     */
    public static final int DEFAULT_PERMUTATIONS = 99;
    /** Largest accepted number of permutation replicates (p-value resolution 1e-4). */
    public static final int MAX_PERMUTATIONS = 9_999;
    /** Default marginal pairings per held-out row of the pairwise bounds' evaluation. */
    public static final int DEFAULT_EVAL_PAIRINGS = 16;
    /** Largest accepted marginal pairings per held-out row. */
    public static final int MAX_EVAL_PAIRINGS = 1_024;
    /** Largest accepted number of retrained null critics ({@link MineSpec#withNullRetrain}): each is a full training run. */
    public static final int MAX_NULL_RETRAIN = 999;
    /**
     * Default replicate critics of an estimate ({@link MineSpec#withReplicates}): 3 critics trained
     * in one pass, with their own initial weights and minibatches, give the interval that includes
     * training variability (a t interval with at least 2 degrees of freedom; docs/accuracy.md
     * measures its coverage). Costs 3 critics' training per step.
     */
    public static final int DEFAULT_REPLICATES = 3;
    /** Largest accepted number of replicate critics. */
    public static final int MAX_REPLICATES = 16;
    /** Default significance level of the {@code dependent} verdict. */
    public static final double DEFAULT_SIGNIFICANCE_LEVEL = 0.05;

    /**
     * The fewest usable rows (after dropping null/NaN/infinite ones) an estimate accepts. With the
     * default eval-fraction 0.2 this leaves about 20 held-out rows for the final bound and 80 to
     * train on; below that the held-out DV estimate and its delta-method CI rest on a handful of
     * points and mean nothing.
     */
    public static final long MIN_ROWS = 100;

    /** Largest number of values of a tensor shape (positions x dim). */
    public static final int MAX_SHAPE_VALUES = 1 << 20;
}
