package org.minespark.job;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.minespark.spec.MineSpec;
import org.minespark.spec.Settings;

/**
 * The HOCON configuration of a run: built-in defaults ({@code reference.conf} on the classpath)
 * &lt; the config file ({@code --config FILE}, else {@code $MINE_CONF}, else
 * {@code ./conf/mine.conf} if present) &lt; command-line flags. Only keys under {@code mine} are
 * read; any other key in the file, or a key under {@code mine} that {@code reference.conf} does not
 * define, is an {@link IllegalArgumentException} naming the key and the file.
 */
final class MineConfig {
    static final String ROOT = "mine";

    /** The configuration key of a MineSpec setting, from its one declaration ({@link Settings}). */
    private static String key(String setting) {
        return Settings.byName(setting).key();
    }
    static final String ENV_CONFIG = "MINE_CONF";
    static final Path DEFAULT_FILE = Path.of("conf", "mine.conf");

    static final String SEED = key("seed");
    static final String KERNELS = key("kernels");
    static final String LOG_EVERY = key("logEvery");
    static final String UNITS = "mine.units";
    static final String HIDDEN = key("hidden");
    static final String CRITIC_TYPE = key("critic");
    static final String EMBED_DIM = key("embedDim");
    static final String BOUND = key("bound");
    static final String SMILE_TAU = key("smileTau");
    static final String INFONCE_K = key("infonceK");
    static final String STEPS = key("steps");
    static final String BATCH_SIZE = key("batchSize");
    static final String LEARNING_RATE = key("learningRate");
    static final String EMA_ALPHA = key("emaAlpha");
    static final String LR_FINAL_FRACTION = key("lrFinalFraction");
    static final String EVAL_EVERY = key("evalEvery");
    static final String PATIENCE = key("patience");
    static final String MIN_DELTA = key("minDelta");
    static final String BATCH_GROWTH = key("batchGrowth");
    static final String MAX_BATCH_SIZE = key("maxBatchSize");
    static final String BATCH_GROWTH_PAIRS = key("batchGrowthPairs");
    static final String TRAINER = key("trainer");
    static final String CHECKPOINT_DIR = key("checkpointDir");
    static final String CHECKPOINT_EVERY = key("checkpointEvery");
    static final String EVAL_FRACTION = key("evalFraction");
    static final String MAX_TRAIN_ROWS = key("maxTrainRows");
    static final String MAX_TEST_ROWS = key("maxTestRows");
    static final String PARTITIONS = key("partitions");
    static final String X_SHAPE = key("xShape");
    static final String Y_SHAPE = key("yShape");
    static final String EVAL_CHUNK_ROWS = key("evalChunkRows");
    static final String PERMUTATIONS = key("permutations");
    static final String EVAL_PAIRINGS = key("evalPairings");
    static final String TRANSFORM = key("transform");
    static final String ENCODING = key("encoding");
    static final String NULL_RETRAIN = key("nullRetrain");
    static final String REPLICATES = key("replicates");
    static final String SIGNIFICANCE_LEVEL = key("significanceLevel");
    static final String PAIRS_TOP_K = "mine.pairs.categorical-top-k";
    static final String PAIRS_HIDDEN = "mine.pairs.hidden";
    static final String PAIRS_PER_PASS = "mine.pairs.pairs-per-pass";
    static final String PAIRS_DRIFT_MIN_NATS = "mine.pairs.drift-min-nats";
    static final String PAIRS_CORRECTION = "mine.pairs.correction";
    static final String PAIRS_SCREEN = "mine.pairs.screen";
    static final String PAIRS_SCREEN_ALPHA = "mine.pairs.screen-alpha";
    static final String PAIRS_TRAIN_TOP = "mine.pairs.train-top";
    static final String PAIRS_MAX_NULL_FRACTION = "mine.pairs.max-null-fraction";
    static final String PAIRS_MAX_LEVELS = "mine.pairs.max-levels";
    static final String PAIRS_NULLS = "mine.pairs.nulls";
    static final String PAIRS_BASELINE = "mine.pairs.baseline";
    static final String PAIRS_SEGMENTS = "mine.pairs.segments";
    static final String PAIRS_MRMR_TOP = "mine.pairs.mrmr-top";

    private MineConfig() {
    }

    /** The built-in defaults (only the {@code mine} subtree). */
    static Config reference() {
        Config all = ConfigFactory.parseResources(MineConfig.class.getClassLoader(), "reference.conf");
        if (!all.hasPath(ROOT)) {
            throw new IllegalStateException("reference.conf with a 'mine' section is missing from the classpath");
        }
        return all.withOnlyPath(ROOT).resolve();
    }

    /**
     * The config file to use: {@code explicit} if given (must exist), else {@code $MINE_CONF} if
     * set (must exist), else {@code ./conf/mine.conf} if it exists, else none.
     */
    static Path locateFile(Path explicit, Map<String, String> env) {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) {
                throw new IllegalArgumentException("--config: no such file: " + explicit);
            }
            return explicit;
        }
        String fromEnv = env.get(ENV_CONFIG);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path p = Path.of(fromEnv);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(ENV_CONFIG + ": no such file: " + fromEnv);
            }
            return p;
        }
        return Files.isRegularFile(DEFAULT_FILE) ? DEFAULT_FILE : null;
    }

    /** Parses a config file (syntax errors and unknown keys are {@link IllegalArgumentException}s). */
    static Config parseFile(Path file) {
        if (file == null) {
            return ConfigFactory.empty();
        }
        Config c;
        try {
            c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("config file " + file + ": " + e.getMessage(), e);
        }
        checkKnownKeys(c, reference(), "config file " + file);
        return c;
    }

    /**
     * Rejects keys that the reference does not define: every top-level key other than
     * {@code mine}, and every leaf path under {@code mine} that is not a path of the reference
     * (objects are walked; a list such as {@code mine.critic.hidden} is a leaf).
     */
    static void checkKnownKeys(Config user, Config reference, String origin) {
        Set<String> unknown = new TreeSet<>();
        for (String top : user.root().keySet()) {
            if (!ROOT.equals(top)) {
                unknown.add(top);
            }
        }
        for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
            String path = e.getKey();
            if (!path.startsWith(ROOT + ".")) {
                continue;
            }
            boolean known;
            try {
                known = reference.hasPath(path);
            } catch (ConfigException ex) {
                known = false;
            }
            if (!known) {
                unknown.add(path);
            }
        }
        if (!unknown.isEmpty()) {
            List<String> known = reference.entrySet().stream().map(Map.Entry::getKey).sorted().toList();
            List<String> described = unknown.stream().map(k -> k + closest(k, known)).toList();
            throw new IllegalArgumentException(origin + ": unknown key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", described) + " (known keys: " + String.join(", ", known) + ")");
        }
    }

    /** " (did you mean K?)" for the known key closest to {@code key} by edit distance, if close. */
    static String closest(String key, List<String> known) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : known) {
            int d = editDistance(key, k);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best != null && bestD <= Math.max(2, key.length() / 4) ? " (did you mean " + best + "?)" : "";
    }

    static int editDistance(String a, String b) {
        return org.minespark.core.EditDistance.between(a, b);
    }

    /**
     * Merges {@code flags} (paths to values, from the command line) over the file over the
     * reference, and checks the types against the reference.
     */
    static Config merge(Config file, Map<String, Object> flags) {
        Config cli = ConfigFactory.parseMap(flags, "command-line flags");
        Config ref = reference();
        checkKnownKeys(cli, ref, "command-line flags");
        Config merged = cli.withFallback(file).withFallback(ref).resolve();
        try {
            merged.checkValid(ref, ROOT);
        } catch (ConfigException.ValidationFailed e) {
            StringBuilder sb = new StringBuilder("invalid configuration:");
            for (ConfigException.ValidationProblem p : e.problems()) {
                sb.append(' ').append(p.path()).append(": ").append(p.problem())
                        .append(" (").append(p.origin().description()).append(");");
            }
            throw new IllegalArgumentException(sb.substring(0, sb.length() - 1), e);
        }
        return merged;
    }

    /** Loads the layered configuration for the given explicit file (or null) and flag overrides. */
    static Config load(Path explicitFile, Map<String, Object> flags) {
        return merge(parseFile(locateFile(explicitFile, System.getenv())), flags);
    }

    /**
     * The spec for the given column groups with every training knob taken from {@code c}. An
     * out-of-range value is an {@link IllegalArgumentException} naming the flag, the key, the
     * value and the allowed range.
     */
    static MineSpec toSpec(Config c, List<String> x, List<String> y) {
        try {
            MineSpec s = MineSpec.of(x, y);
            // every setting with a configuration key, from its declaration; tensor shapes are the
            // estimate command's (withShapes)
            for (Settings.Setting t : Settings.ALL) {
                if (t.key() != null && t.kind() != Settings.Kind.SHAPE) {
                    s = param(t.flag(), t.key(), s, c, q -> t.apply(q, read(c, t)));
                }
            }
            return s;
        } catch (ConfigException e) {
            throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
        }
    }

    /** The value of setting {@code t} in {@code c}, of the setting's kind. */
    private static Object read(Config c, Settings.Setting t) {
        String k = t.key();
        return switch (t.kind()) {
            case INT -> c.getInt(k);
            case LONG -> c.getLong(k);
            case DOUBLE -> c.getDouble(k);
            case STRING -> c.getString(k);
            case INT_LIST -> c.getIntList(k);
            case ON_OFF -> onOff(String.valueOf(c.getValue(k).unwrapped()));
            case BOOLEAN -> c.getBoolean(k);
            default -> throw new IllegalStateException("setting " + t.name() + " of kind " + t.kind()
                    + " is not read from a configuration file");
        };
    }

    /**
     * {@code spec} with the tensor shapes of {@code mine.data.x-shape} / {@code y-shape} (the
     * {@code estimate} subcommand only; an empty list leaves the spec as it is). A shape is two
     * integers {@code [P, D]}; anything else names the flag, the key and the value.
     */
    static MineSpec withShapes(Config c, MineSpec spec) {
        try {
            MineSpec s = shape("--x-shape", X_SHAPE, spec, c, true);
            return shape("--y-shape", Y_SHAPE, s, c, false);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
        }
    }

    private static MineSpec shape(String flag, String key, MineSpec spec, Config c, boolean x) {
        List<Integer> v = c.getIntList(key);
        if (v.isEmpty()) {
            return spec;
        }
        return param(flag, key, spec, c, q -> {
            if (v.size() != 2) {
                throw new IllegalArgumentException("expected P,D (positions and values per position), got "
                        + v.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
            }
            return x ? q.withXShape(v.get(0), v.get(1)) : q.withYShape(v.get(0), v.get(1));
        });
    }

    /** The printing unit ({@code mine.units}); anything but nats/bits names the flag, key and value. */
    static Units units(Config c) {
        String v;
        try {
            v = c.getString(UNITS);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
        }
        try {
            return Units.of(v);
        } catch (IllegalArgumentException e) {
            String where = " (" + c.getValue(UNITS).origin().description() + ")";
            throw new IllegalArgumentException("--units / " + UNITS + ": " + e.getMessage() + where, e);
        }
    }

    /** {@code on}/{@code true}/{@code yes} or {@code off}/{@code false}/{@code no} (any case). */
    static boolean onOff(String v) {
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException("expected on or off, got '" + v + "'");
        };
    }

    private static MineSpec param(String flag, String key, MineSpec s, Config c, UnaryOperator<MineSpec> set) {
        try {
            return set.apply(s);
        } catch (IllegalArgumentException e) {
            String where = c.hasPath(key) ? " (" + c.getValue(key).origin().description() + ")" : "";
            throw new IllegalArgumentException(flag + " / " + key + ": " + e.getMessage() + where, e);
        }
    }

    /** For messages: where the file layer came from. */
    static String describe(Path file) {
        return file == null ? "built-in defaults" : new File(file.toString()).getAbsolutePath();
    }
}
