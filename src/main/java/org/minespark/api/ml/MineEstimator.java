package org.minespark.api.ml;

import static org.minespark.api.ml.ParamChecks.boxed;
import static org.minespark.api.ml.ParamChecks.checkColumns;
import static org.minespark.api.ml.ParamChecks.with;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;
import org.minespark.spec.Settings;
import org.minespark.api.MutualInformation;

/**
 * Spark ML {@link Estimator} over {@link MutualInformation#estimate}: {@link #fit} estimates the
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
public final class MineEstimator extends MineEstimatorParams implements MLWritable {
    private static final long serialVersionUID = 1L;

    public MineEstimator() {
        this("mineEstimator_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    }

    /** A stage with the given uid (Spark's convention for copies and loading). */
    public MineEstimator(String uid) {
        super(uid);
    }

    /**
     * The spec {@link #fit} runs: the column groups and every param (set or default) applied
     * through the {@link MineSpec} withers.
     *
     * @throws IllegalArgumentException when a column group is not set or a param value is invalid
     *                                  (the message names the param and the value)
     */
    public MineSpec toSpec() {
        for (StringArrayParam p : List.of(xCols, yCols)) {
            if (!isDefined(p)) {
                throw new IllegalArgumentException("MineEstimator param " + p.name() + " is not set: call set"
                        + Character.toUpperCase(p.name().charAt(0)) + p.name().substring(1) + "(...)");
            }
        }
        String[] x = checkColumns("xCols", getOrDefault(xCols));
        String[] y = checkColumns("yCols", getOrDefault(yCols));
        MineSpec s;
        try {
            s = MineSpec.x(x).y(y);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MineEstimator params xCols " + Arrays.toString(x) + ", yCols "
                    + Arrays.toString(y) + ": " + e.getMessage(), e);
        }
        // every other param, from the one declaration of the settings (spec/Settings)
        for (Settings.Setting t : Settings.ALL) {
            if (t.mlParam() != null && t.kind() != Settings.Kind.STRING_LIST) {
                Object v = getOrDefault(getParam(t.mlParam()));
                s = with(s, t.mlParam(), v instanceof int[] a ? boxed(a) : v, t::apply);
            }
        }
        return s;
    }

    /**
     * Estimates I(X; Y) on {@code dataset} with {@link MutualInformation#estimate} and
     * {@link #toSpec()}; blocks until done.
     *
     * @throws IllegalArgumentException         for a missing column or an invalid param
     * @throws org.minespark.spec.MineInputException    for unusable input data
     * @throws org.minespark.spec.MineTrainingException when training diverged twice
     */
    @Override
    public MineModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        MineSpec spec = toSpec();
        MiResult result = MutualInformation.estimate(dataset.toDF(), spec);
        MineModel model = copyValues(new MineModel(uid(), result), extractParamMap());
        model.setParent(this);
        return model;
    }

    /** Checks that every x and y column is in {@code schema}; a fit adds no column. */
    @Override
    public StructType transformSchema(StructType schema) {
        checkSchema("MineEstimator", schema, isDefined(xCols) ? getOrDefault(xCols) : new String[0],
                isDefined(yCols) ? getOrDefault(yCols) : new String[0]);
        return schema;
    }

    @Override
    public MineEstimator copy(ParamMap extra) {
        return copyValues(new MineEstimator(uid()), extra);
    }

    /** Saves the params (refuses an existing path unless {@code write().overwrite()}). */
    @Override
    public MLWriter write() {
        return new MlPersistence.Writer(this, null);
    }

    /** The reader of {@link #write()}'s layout. */
    public static MLReader<MineEstimator> read() {
        return new MLReader<>() {
            @Override
            public MineEstimator load(String path) {
                MineEstimator e = new MineEstimator(MlPersistence.savedUid(path, MineEstimator.class, sparkSession()));
                MlPersistence.loadParams(e, MineEstimator.class, path, sparkSession());
                return e;
            }
        };
    }

    /** {@code read().load(path)}. */
    public static MineEstimator load(String path) {
        return read().load(path);
    }

    static void checkSchema(String stage, StructType schema, String[] x, String[] y) {
        Set<String> names = new HashSet<>(Arrays.asList(schema.fieldNames()));
        for (String[] group : List.of(x, y)) {
            for (String c : group) {
                if (!names.contains(c)) {
                    throw new IllegalArgumentException(stage + " param " + (group == x ? "xCols" : "yCols")
                            + ": column '" + c + "' is not in the input, which has " + Arrays.toString(schema.fieldNames()));
                }
            }
        }
    }
}
