package org.minespark.job;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.minespark.spec.MineSpec;
import picocli.CommandLine.Option;

/**
 * The MINE training flags shared by {@code estimate} and {@code demo}. Every flag is optional and
 * overrides one key of the configuration ({@link MineConfig}); unset flags leave the file's or the
 * built-in value.
 */
final class TrainingOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "HOCON config file (default: $MINE_CONF, else ./conf/mine.conf if present, else built-in defaults).")
    Path config;

    @Option(names = "--seed", paramLabel = "N", description = "Master seed (mine.seed, default 42).")
    Long seed;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps (mine.train.steps, default " + MineSpec.DEFAULT_STEPS + ").")
    Integer steps;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "Global joint rows per step (mine.train.batch-size, default " + MineSpec.DEFAULT_BATCH_SIZE + ").")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "RATE", description = "Adam learning rate; 0 = chosen from the input: "
            + MineSpec.NARROW_LEARNING_RATE + " up to " + MineSpec.NARROW_CRITIC_MAX_DIMS + " x+y dimensions per position"
            + " vector, else " + MineSpec.WIDE_LEARNING_RATE + " (and for pairs) (mine.train.learning-rate, default 0).")
    Double learningRate;

    @Option(names = "--hidden", paramLabel = "W", split = ",", splitSynopsisLabel = ",",
            description = "Critic hidden layer widths (mine.critic.hidden; default: chosen from the input, "
                + MineSpec.NARROW_CRITIC_LAYERS + " layers of " + MineSpec.NARROW_CRITIC_WIDTH + " up to "
                + MineSpec.NARROW_CRITIC_MAX_DIMS + " x+y dimensions per position vector, else "
                + MineSpec.WIDE_CRITIC_LAYERS + " layers of " + MineSpec.WIDE_CRITIC_WIDTH + ").")
    List<Integer> hidden;

    @Option(names = "--lr-final-fraction", paramLabel = "F",
            description = "Cosine decay of the learning rate down to F x --lr at the last step; 1 = constant "
                + "(mine.train.lr-final-fraction, default " + MineSpec.DEFAULT_LR_FINAL_FRACTION + ").")
    Double lrFinalFraction;

    @Option(names = "--ema-alpha", paramLabel = "A",
            description = "MINE moving-average factor of the bias correction (mine.train.ema-alpha, default " + MineSpec.DEFAULT_EMA_ALPHA + ").")
    Double emaAlpha;

    @Option(names = "--eval-every", paramLabel = "N",
            description = "Validation pass (early stopping, best weights) every N steps; 0 = none "
                + "(mine.train.eval-every, default " + MineSpec.DEFAULT_EVAL_EVERY + ").")
    Integer evalEvery;

    @Option(names = "--patience", paramLabel = "K",
            description = "Stop after K validation passes without a gain above --min-delta; 0 = never stop early "
                + "(mine.train.patience, default " + MineSpec.DEFAULT_PATIENCE + ").")
    Integer patience;

    @Option(names = "--min-delta", paramLabel = "NATS",
            description = "Floor of the validation gain that counts as an improvement, nats: a gain must exceed the "
                + "larger of this and the validation estimate's standard error (mine.train.min-delta, default "
                + MineSpec.DEFAULT_MIN_DELTA + ").")
    Double minDelta;

    @Option(names = "--batch-growth", paramLabel = "on|off",
            description = "Adaptive batch growth for the dv and dv-biased bounds: at each validation pass double the "
                + "batch while a step has fewer than --batch-growth-pairs effective marginal pairs "
                + "(mine.train.batch-growth, default on).")
    String batchGrowth;

    @Option(names = "--max-batch-size", paramLabel = "N",
            description = "Cap of the grown batch, rows per step over all partitions like --batch-size; 0 = "
                + "chosen from the input: " + org.minespark.spec.MineSpec.NARROW_MAX_BATCH + " up to "
                + org.minespark.spec.MineSpec.NARROW_CRITIC_MAX_DIMS + " x+y dimensions per position vector, else "
                + org.minespark.spec.MineSpec.WIDE_MAX_BATCH + " (mine.train.max-batch-size, default 0).")
    Integer maxBatchSize;

    @Option(names = "--batch-growth-pairs", paramLabel = "M",
            description = "The batch grows while a step has fewer than M effective marginal pairs "
                + "(mine.train.batch-growth-pairs, default " + org.minespark.core.BatchGrowth.DEFAULT_MIN_EFFECTIVE_PAIRS + ").")
    Double batchGrowthPairs;

    @Option(names = "--units", paramLabel = "U",
            description = "Unit of the printed numbers and the plot: nats or bits; result.json and the CSV carry both "
                + "(mine.units, default nats).")
    String units;
    @Option(names = "--bound", paramLabel = "NAME",
            description = "Bound to train and report: dv, dv-biased, nwj, infonce or smile (mine.train.bound, default "
                + MineSpec.DEFAULT_BOUND + ").")
    String bound;

    @Option(names = "--smile-tau", paramLabel = "TAU",
            description = "SMILE clipping: marginal e^T clipped to [e^-TAU, e^TAU] (mine.train.smile-tau, default "
                + MineSpec.DEFAULT_SMILE_TAU + ").")
    Double smileTau;

    @Option(names = "--infonce-k", paramLabel = "K",
            description = "InfoNCE group size: all K x K pairings within groups of K rows per partition; the bound is "
                + "capped at ln K (mine.train.infonce-k, default " + MineSpec.DEFAULT_INFONCE_K + ").")
    Integer infonceK;

    @Option(names = "--critic", paramLabel = "TYPE",
            description = "Critic: concat (MLP on [x, y]) or separable (g(x) . h(y)) (mine.critic.type, default "
                + MineSpec.DEFAULT_CRITIC + ").")
    String critic;

    @Option(names = "--embed-dim", paramLabel = "E",
            description = "Embedding size of the separable critic (mine.critic.embed-dim, default "
                + MineSpec.DEFAULT_EMBED_DIM + ").")
    Integer embedDim;

    @Option(names = "--eval-fraction", paramLabel = "F",
            description = "Held-out fraction for the final estimate (mine.data.eval-fraction, default " + MineSpec.DEFAULT_EVAL_FRACTION + ").")
    Double evalFraction;

    @Option(names = "--max-train-rows", paramLabel = "N",
            description = "Cap on cached training rows (mine.data.max-train-rows, default " + MineSpec.DEFAULT_MAX_TRAIN_ROWS + ").")
    Long maxTrainRows;

    @Option(names = "--max-test-rows", paramLabel = "N",
            description = "Cap on the held-out test rows the estimate is evaluated on, a seeded sample when there are "
                + "more (mine.data.max-test-rows, default " + MineSpec.DEFAULT_MAX_TEST_ROWS + ").")
    Long maxTestRows;

    @Option(names = "--partitions", paramLabel = "P",
            description = "Training partitions, 0 = default parallelism (mine.data.partitions, default 0).")
    Integer partitions;

    @Option(names = "--eval-chunk-rows", paramLabel = "N",
            description = "Rows per block in the held-out evaluation (mine.eval.chunk-rows, default 4096).")
    Integer evalChunkRows;

    @Option(names = "--transform", paramLabel = "NAME",
            description = "Per-dimension input transform: normal-scores (Gaussian copula Phi^-1(F(v)), strictly "
                + "increasing so the MI is unchanged whatever the marginals) or standardize (z-scores) "
                + "(mine.data.transform, default " + MineSpec.DEFAULT_TRANSFORM + ").")
    String transform;

    @Option(names = "--encoding", paramLabel = "NAME",
            description = "Encoding of code-like columns (integer-valued numbers or strings with 2..4096 distinct "
                + "values and >= 10 rows per value): auto (the value plus " + "per-value random dimensions, an injective "
                + "map so the MI is unchanged) or scalar (one number; strings rejected by estimate, one-hot in pairs) "
                + "(mine.data.encoding, default " + MineSpec.DEFAULT_ENCODING + ").")
    String encoding;

    @Option(names = "--eval-pairings", paramLabel = "M",
            description = "Marginal pairings per held-out row for dv, dv-biased, nwj and smile: the partition term "
                + "averages e^T over M re-pairings of the validation/test rows (variance down by up to M, M critic "
                + "passes); 1 = one shuffle (mine.eval.pairings, default " + MineSpec.DEFAULT_EVAL_PAIRINGS
                + ", at most " + MineSpec.MAX_EVAL_PAIRINGS + ").")
    Integer evalPairings;

    @Option(names = "--permutations", paramLabel = "K",
            description = "Permutation test of independence: the trained critic on K re-paired versions of the test "
                + "rows gives a p-value; 0 = off, then dependent means the 95%% CI is above 0 "
                + "(mine.eval.permutations, default " + MineSpec.DEFAULT_PERMUTATIONS + ", at most "
                + MineSpec.MAX_PERMUTATIONS + ").")
    Integer permutations;

    @Option(names = "--replicates", paramLabel = "R",
            description = "Replicate critics of an estimate: R critics trained in one pass with their own initial "
                + "weights and minibatches; the estimate is their mean and the 95%% interval includes their spread "
                + "(training variability) besides the held-out noise (mine.eval.replicates, default "
                + MineSpec.DEFAULT_REPLICATES + ", in [1, " + MineSpec.MAX_REPLICATES + "]; 1 = one critic, held-out "
                + "interval; R times the training work).")
    Integer replicates;

    @Option(names = "--null-retrain", paramLabel = "R",
            description = "Retrained permutation null: R fresh critics trained with the same settings on rows with y "
                + "permuted across rows, each evaluated on permuted test rows; gives p_value_retrained (R + 1 "
                + "training runs in all; mine.eval.null-retrain, default 0 = off, at most " + MineSpec.MAX_NULL_RETRAIN + ").")
    Integer nullRetrain;

    @Option(names = "--alpha", paramLabel = "A",
            description = "Significance level: dependent when the permutation p-value is <= A "
                + "(mine.eval.significance-level, default " + MineSpec.DEFAULT_SIGNIFICANCE_LEVEL + ", in (0, 1)).")
    Double alpha;

    @Option(names = "--kernels", paramLabel = "NAME",
            description = "Critic maths backend: auto (the faster of vector and native-blas, a short trial once "
                    + "per JVM), vector, native-blas or scalar (mine.kernels, default auto).")
    String kernels;

    @Option(names = "--trainer", paramLabel = "NAME",
            description = "How steps are distributed: stream (one long-lived Spark barrier stage, needs a free "
                    + "task slot per partition) or jobs (one Spark job per step); same results "
                    + "(mine.train.trainer, default stream).")
    String trainer;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Write training checkpoints to DIR (local path or hdfs://, s3a://...; one estimate per DIR; pairs: "
                + "only a run of one pair); empty = no checkpoints (mine.train.checkpoint-dir, default empty). Deleted when the estimate succeeds.")
    String checkpointDir;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Checkpoint every N steps when --checkpoint-dir is set; 0 = none (mine.train.checkpoint-every, "
                + "default " + MineSpec.DEFAULT_CHECKPOINT_EVERY + ").")
    Integer checkpointEvery;

    @Option(names = "--log-every", paramLabel = "N",
            description = "Progress line every N steps (mine.log-every, default 100).")
    Integer logEvery;

    /** The flags that were given, as config paths to values (the highest-precedence layer). */
    Map<String, Object> overrides() {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, MineConfig.SEED, seed);
        put(m, MineConfig.STEPS, steps);
        put(m, MineConfig.BATCH_SIZE, batchSize);
        put(m, MineConfig.LEARNING_RATE, learningRate);
        put(m, MineConfig.HIDDEN, hidden);
        put(m, MineConfig.EMA_ALPHA, emaAlpha);
        put(m, MineConfig.LR_FINAL_FRACTION, lrFinalFraction);
        put(m, MineConfig.EVAL_EVERY, evalEvery);
        put(m, MineConfig.PATIENCE, patience);
        put(m, MineConfig.MIN_DELTA, minDelta);
        put(m, MineConfig.BATCH_GROWTH, batchGrowth);
        put(m, MineConfig.MAX_BATCH_SIZE, maxBatchSize);
        put(m, MineConfig.BATCH_GROWTH_PAIRS, batchGrowthPairs);
        put(m, MineConfig.UNITS, units);
        put(m, MineConfig.BOUND, bound);
        put(m, MineConfig.SMILE_TAU, smileTau);
        put(m, MineConfig.INFONCE_K, infonceK);
        put(m, MineConfig.CRITIC_TYPE, critic);
        put(m, MineConfig.EMBED_DIM, embedDim);
        put(m, MineConfig.EVAL_FRACTION, evalFraction);
        put(m, MineConfig.MAX_TRAIN_ROWS, maxTrainRows);
        put(m, MineConfig.MAX_TEST_ROWS, maxTestRows);
        put(m, MineConfig.PARTITIONS, partitions);
        put(m, MineConfig.EVAL_CHUNK_ROWS, evalChunkRows);
        put(m, MineConfig.PERMUTATIONS, permutations);
        put(m, MineConfig.EVAL_PAIRINGS, evalPairings);
        put(m, MineConfig.TRANSFORM, transform);
        put(m, MineConfig.ENCODING, encoding);
        put(m, MineConfig.NULL_RETRAIN, nullRetrain);
        put(m, MineConfig.REPLICATES, replicates);
        put(m, MineConfig.SIGNIFICANCE_LEVEL, alpha);
        put(m, MineConfig.KERNELS, kernels);
        put(m, MineConfig.TRAINER, trainer);
        put(m, MineConfig.LOG_EVERY, logEvery);
        put(m, MineConfig.CHECKPOINT_DIR, checkpointDir);
        put(m, MineConfig.CHECKPOINT_EVERY, checkpointEvery);
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
