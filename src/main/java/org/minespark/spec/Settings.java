package org.minespark.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The one declaration of every setting of a {@link MineSpec}: its record component, configuration
 * key, command-line flag, Spark ML parameter, value kind, and whether it changes the training
 * arithmetic. The checkpoint fingerprint ({@link #fingerprint}), {@link MineSpec#toString()}, the
 * configuration reader ({@code job/MineConfig}) and the checks of the CLI flags and the ML adapter
 * ({@code SettingsTest}) are derived from this list; a new setting is added here once.
 */
public final class Settings {
    private Settings() {
    }

    /** How a setting's value is read from a configuration file. */
    public enum Kind {
        INT, LONG, DOUBLE, STRING, INT_LIST, STRING_LIST, ON_OFF, BOOLEAN,
        /** A tensor shape {@code [P, D]} (read by the estimate command only). */
        SHAPE
    }

    /**
     * One setting.
     *
     * @param group     the {@link MineSpec} record that holds it (its simple class name)
     * @param name      the record component (and {@link MineSpec} accessor) name
     * @param key       the configuration key, or null (set on the command line or in code only)
     * @param flag      the command-line flag, or null
     * @param mlParam   the Spark ML parameter of {@code MineEstimator}, or null (not exposed there)
     * @param kind      how the configuration value is read
     * @param training  whether it changes the training arithmetic: part of the checkpoint fingerprint
     * @param get       the value of a spec
     * @param set       a spec with the value (validated by the {@code with...} method)
     */
    public record Setting(String group, String name, String key, String flag, String mlParam, Kind kind,
                          boolean training, Function<MineSpec, Object> get, BiFunction<MineSpec, Object, MineSpec> set) {
        /** This setting's value in {@code spec}. */
        public Object of(MineSpec spec) {
            return get.apply(spec);
        }

        /** Its name in the checkpoint fingerprint and its messages: the flag a user would change, else the name. */
        public String label() {
            return flag != null ? flag : name;
        }

        /** {@code spec} with this setting set to {@code value} (of the setting's kind). */
        public MineSpec apply(MineSpec spec, Object value) {
            return set.apply(spec, value);
        }
    }

    private static Setting s(String group, String name, String key, String flag, String ml, Kind kind, boolean training,
                             Function<MineSpec, Object> get, BiFunction<MineSpec, Object, MineSpec> set) {
        return new Setting(group, name, key, flag, ml, kind, training, get, set);
    }

    private static final String COLUMNS = "ColumnSettings";
    private static final String CRITIC = "CriticSettings";
    private static final String OPTIMISER = "OptimiserSettings";
    private static final String STOPPING = "StoppingSettings";
    private static final String DATA = "DataSettings";
    private static final String INFERENCE = "InferenceSettings";
    private static final String EXECUTION = "ExecutionSettings";
    private static final String CHECKPOINT = "CheckpointSettings";

    @SuppressWarnings("unchecked")
    private static List<Integer> ints(Object v) {
        return (List<Integer>) v;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object v) {
        return (List<String>) v;
    }

    private static MineSpec shapeX(MineSpec s, Object v) {
        List<Integer> d = ints(v);
        return d.isEmpty() ? s : s.withXShape(d.get(0), d.get(1));
    }

    private static MineSpec shapeY(MineSpec s, Object v) {
        List<Integer> d = ints(v);
        return d.isEmpty() ? s : s.withYShape(d.get(0), d.get(1));
    }

    /** Every setting, grouped by record, in a stable order. */
    public static final List<Setting> ALL = List.of(
            s(COLUMNS, "xColumns", null, "--x", "xCols", Kind.STRING_LIST, true, MineSpec::xColumns,
                    (q, v) -> MineSpec.of(strings(v), q.yColumns()).withSettingsOf(q)),
            s(COLUMNS, "yColumns", null, "--y", "yCols", Kind.STRING_LIST, true, MineSpec::yColumns,
                    (q, v) -> MineSpec.of(q.xColumns(), strings(v)).withSettingsOf(q)),
            s(COLUMNS, "xShape", "mine.data.x-shape", "--x-shape", null, Kind.SHAPE, true, MineSpec::xShape,
                    Settings::shapeX),
            s(COLUMNS, "yShape", "mine.data.y-shape", "--y-shape", null, Kind.SHAPE, true, MineSpec::yShape,
                    Settings::shapeY),
            s(CRITIC, "critic", "mine.critic.type", "--critic", "critic", Kind.STRING, true, MineSpec::critic,
                    (q, v) -> q.withCritic((String) v)),
            s(CRITIC, "hidden", "mine.critic.hidden", "--hidden", "hidden", Kind.INT_LIST, true, MineSpec::hidden,
                    (q, v) -> q.withHidden(ints(v))),
            s(CRITIC, "embedDim", "mine.critic.embed-dim", "--embed-dim", "embedDim", Kind.INT, true, MineSpec::embedDim,
                    (q, v) -> q.withEmbedDim((Integer) v)),
            s(OPTIMISER, "bound", "mine.train.bound", "--bound", "bound", Kind.STRING, true, MineSpec::bound,
                    (q, v) -> q.withBound((String) v)),
            s(OPTIMISER, "smileTau", "mine.train.smile-tau", "--smile-tau", "smileTau", Kind.DOUBLE, true,
                    MineSpec::smileTau, (q, v) -> q.withSmileTau((Double) v)),
            s(OPTIMISER, "infonceK", "mine.train.infonce-k", "--infonce-k", "infonceK", Kind.INT, true,
                    MineSpec::infonceK, (q, v) -> q.withInfonceK((Integer) v)),
            s(OPTIMISER, "steps", "mine.train.steps", "--steps", "steps", Kind.INT, true, MineSpec::steps,
                    (q, v) -> q.withSteps((Integer) v)),
            s(OPTIMISER, "batchSize", "mine.train.batch-size", "--batch-size", "batchSize", Kind.INT, true,
                    MineSpec::batchSize, (q, v) -> q.withBatchSize((Integer) v)),
            s(OPTIMISER, "learningRate", "mine.train.learning-rate", "--lr", "learningRate", Kind.DOUBLE, true,
                    MineSpec::learningRate, (q, v) -> q.withLearningRate((Double) v)),
            s(OPTIMISER, "emaAlpha", "mine.train.ema-alpha", "--ema-alpha", "emaAlpha", Kind.DOUBLE, true,
                    MineSpec::emaAlpha, (q, v) -> q.withEmaAlpha((Double) v)),
            s(OPTIMISER, "lrFinalFraction", "mine.train.lr-final-fraction", "--lr-final-fraction", "lrFinalFraction",
                    Kind.DOUBLE, true, MineSpec::lrFinalFraction, (q, v) -> q.withLrFinalFraction((Double) v)),
            s(OPTIMISER, "batchGrowth", "mine.train.batch-growth", "--batch-growth", null, Kind.ON_OFF, true,
                    MineSpec::batchGrowth, (q, v) -> q.withBatchGrowth((Boolean) v)),
            s(OPTIMISER, "maxBatchSize", "mine.train.max-batch-size", "--max-batch-size", null, Kind.INT, true,
                    MineSpec::maxBatchSize, (q, v) -> q.withMaxBatchSize((Integer) v)),
            s(OPTIMISER, "batchGrowthPairs", "mine.train.batch-growth-pairs", "--batch-growth-pairs", null, Kind.DOUBLE,
                    true, MineSpec::batchGrowthPairs, (q, v) -> q.withBatchGrowthPairs((Double) v)),
            s(STOPPING, "evalEvery", "mine.train.eval-every", "--eval-every", "evalEvery", Kind.INT, true,
                    MineSpec::evalEvery, (q, v) -> q.withEvalEvery((Integer) v)),
            s(STOPPING, "patience", "mine.train.patience", "--patience", "patience", Kind.INT, true, MineSpec::patience,
                    (q, v) -> q.withPatience((Integer) v)),
            s(STOPPING, "minDelta", "mine.train.min-delta", "--min-delta", "minDelta", Kind.DOUBLE, true,
                    MineSpec::minDelta, (q, v) -> q.withMinDelta((Double) v)),
            s(DATA, "transform", "mine.data.transform", "--transform", "transform", Kind.STRING, true,
                    MineSpec::transform, (q, v) -> q.withTransform((String) v)),
            // auto widens code-like columns into per-value dimensions: another critic input
            s(DATA, "encoding", "mine.data.encoding", "--encoding", "encoding", Kind.STRING, true,
                    MineSpec::encoding, (q, v) -> q.withEncoding((String) v)),
            s(DATA, "evalFraction", "mine.data.eval-fraction", "--eval-fraction", "evalFraction", Kind.DOUBLE, true,
                    MineSpec::evalFraction, (q, v) -> q.withEvalFraction((Double) v)),
            s(DATA, "maxTrainRows", "mine.data.max-train-rows", "--max-train-rows", "maxTrainRows", Kind.LONG, true,
                    MineSpec::maxTrainRows, (q, v) -> q.withMaxTrainRows((Long) v)),
            // a sample of the held-out rows that are not validation rows: evaluated after training only
            s(DATA, "maxTestRows", "mine.data.max-test-rows", "--max-test-rows", "maxTestRows", Kind.LONG, false,
                    MineSpec::maxTestRows, (q, v) -> q.withMaxTestRows((Long) v)),
            // the validation passes score every held-out row against this many pairings: they decide
            // early stopping and batch growth, so the pairings change the training
            s(INFERENCE, "evalPairings", "mine.eval.pairings", "--eval-pairings", "evalPairings", Kind.INT, true,
                    MineSpec::evalPairings, (q, v) -> q.withEvalPairings((Integer) v)),
            s(INFERENCE, "permutations", "mine.eval.permutations", "--permutations", "permutations", Kind.INT, false,
                    MineSpec::permutations, (q, v) -> q.withPermutations((Integer) v)),
            s(INFERENCE, "significanceLevel", "mine.eval.significance-level", "--alpha", "significanceLevel",
                    Kind.DOUBLE, false, MineSpec::significanceLevel, (q, v) -> q.withSignificanceLevel((Double) v)),
            s(INFERENCE, "replicates", "mine.eval.replicates", "--replicates", "replicates", Kind.INT, true,
                    MineSpec::replicates, (q, v) -> q.withReplicates((Integer) v)),
            s(INFERENCE, "nullRetrain", "mine.eval.null-retrain", "--null-retrain", null, Kind.INT, false,
                    MineSpec::nullRetrain, (q, v) -> q.withNullRetrain((Integer) v)),
            s(INFERENCE, "evalChunkRows", "mine.eval.chunk-rows", "--eval-chunk-rows", null, Kind.INT, false,
                    MineSpec::evalChunkRows, (q, v) -> q.withEvalChunkRows((Integer) v)),
            s(EXECUTION, "seed", "mine.seed", "--seed", "seed", Kind.LONG, true, MineSpec::seed,
                    (q, v) -> q.withSeed((Long) v)),
            s(EXECUTION, "kernels", "mine.kernels", "--kernels", null, Kind.STRING, true, MineSpec::kernels,
                    (q, v) -> q.withKernels((String) v)),
            s(EXECUTION, "trainer", "mine.train.trainer", "--trainer", "trainer", Kind.STRING, false, MineSpec::trainer,
                    (q, v) -> q.withTrainer((String) v)),
            s(EXECUTION, "partitions", "mine.data.partitions", "--partitions", "partitions", Kind.INT, true,
                    MineSpec::partitions, (q, v) -> q.withPartitions((Integer) v)),
            s(EXECUTION, "logEvery", "mine.log-every", "--log-every", null, Kind.INT, false, MineSpec::logEvery,
                    (q, v) -> q.withLogEvery((Integer) v)),
            s(CHECKPOINT, "checkpointDir", "mine.train.checkpoint-dir", "--checkpoint-dir", null, Kind.STRING, false,
                    MineSpec::checkpointDir, (q, v) -> q.withCheckpointDir((String) v)),
            s(CHECKPOINT, "checkpointEvery", "mine.train.checkpoint-every", "--checkpoint-every", null, Kind.INT, false,
                    MineSpec::checkpointEvery, (q, v) -> q.withCheckpointEvery((Integer) v)),
            s(CHECKPOINT, "resume", null, "--resume", null, Kind.BOOLEAN, false, MineSpec::resume,
                    (q, v) -> q.withResume((Boolean) v)));

    /** The setting named {@code name} (its record component). */
    public static Setting byName(String name) {
        for (Setting t : ALL) {
            if (name.equals(t.name())) {
                return t;
            }
        }
        throw new IllegalArgumentException("no setting is named " + name);
    }

    /** The setting of configuration key {@code key}. */
    public static Setting byKey(String key) {
        for (Setting t : ALL) {
            if (key.equals(t.key())) {
                return t;
            }
        }
        throw new IllegalArgumentException("no setting has the key " + key);
    }

    /**
     * Every training setting of {@code spec} (those that change the arithmetic of training), by
     * {@link Setting#label()}: what a checkpoint must agree on to be resumed, besides the resolved run (partitions,
     * critic size, input statistics) that {@code spark/Checkpointing} adds.
     */
    public static Map<String, String> fingerprint(MineSpec spec) {
        Map<String, String> f = new LinkedHashMap<>();
        for (Setting t : ALL) {
            if (t.training()) {
                f.put(t.label(), String.valueOf(t.of(spec)));
            }
        }
        return f;
    }

    /** {@code {name=value, ...}} of every setting of {@code spec}, in declaration order. */
    static String describe(MineSpec spec) {
        StringBuilder b = new StringBuilder("{");
        for (Setting t : ALL) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(t.name()).append('=').append(t.of(spec));
        }
        return b.append('}').toString();
    }
}
