package org.minespark.api.ml;

import java.util.UUID;

import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.minespark.spec.MiResult;

/**
 * The fitted {@link MineEstimator}: the {@link MiResult} of the estimate (MI, CI, significance,
 * convergence, training curve) and the column groups it was estimated on.
 *
 * <p><b>{@link #transform} passes the data through unchanged</b> (after checking that the x and y
 * columns are present). Mutual information is a property of the joint distribution, not of a
 * row, so there is no per-row output that is itself an estimate: the per-row critic score
 * {@code T(x, y) - ln mean e^T} only averages to the bound over many rows, depends on the
 * standardisation of the training data, and would need the critic's weights saved with the model
 * for little use. A pipeline reads the estimate from the model ({@link #result()}), e.g. to decide
 * which features to keep; the model is a transformer only so that it can be a pipeline stage.
 *
 * <p>Persistence: {@link #write()} saves the params ({@code <path>/metadata}, Spark's layout) and
 * every field of the result ({@code <path>/data}, one JSON line, doubles exact); {@link #load}
 * restores them; an existing path is refused unless {@code write().overwrite()}. A
 * {@code PipelineModel} holding a {@code MineModel} saves and loads with Spark's own writers.
 */
public final class MineModel extends Model<MineModel> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final MiResult result;
    private final StringArrayParam xCols;
    private final StringArrayParam yCols;

    MineModel(String uid, MiResult result) {
        this.uid = uid == null ? "mineModel_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) : uid;
        this.result = java.util.Objects.requireNonNull(result, "result");
        xCols = new StringArrayParam(this, "xCols", "the x column group the estimate was made on");
        yCols = new StringArrayParam(this, "yCols", "the y column group the estimate was made on");
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The estimate. */
    public MiResult result() {
        return result;
    }

    /** Param: the x column group the estimate was made on. */
    public StringArrayParam xCols() {
        return xCols;
    }

    /** Param: the y column group the estimate was made on. */
    public StringArrayParam yCols() {
        return yCols;
    }

    public String[] getXCols() {
        return getOrDefault(xCols).clone();
    }

    public String[] getYCols() {
        return getOrDefault(yCols).clone();
    }

    /** Returns {@code dataset} unchanged as a {@code Dataset<Row>} (see the class comment for why). */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        return dataset.toDF();
    }

    /** Checks that the x and y columns are in {@code schema}; returns it unchanged. */
    @Override
    public StructType transformSchema(StructType schema) {
        MineEstimator.checkSchema("MineModel", schema, isDefined(xCols) ? getOrDefault(xCols) : new String[0],
                isDefined(yCols) ? getOrDefault(yCols) : new String[0]);
        return schema;
    }

    @Override
    public MineModel copy(ParamMap extra) {
        MineModel m = copyValues(new MineModel(uid, result), extra);
        if (hasParent()) {
            m.setParent(parent());
        }
        return m;
    }

    /** Saves the params and the result (refuses an existing path unless {@code write().overwrite()}). */
    @Override
    public MLWriter write() {
        return new MlPersistence.Writer(this, MiResultJson.toJson(result));
    }

    /** The reader of {@link #write()}'s layout. */
    public static MLReader<MineModel> read() {
        return new MLReader<>() {
            @Override
            public MineModel load(String path) {
                String uid = MlPersistence.savedUid(path, MineModel.class, sparkSession());
                MiResult r = MiResultJson.fromJson(MlPersistence.readLine(sparkSession(), path + "/data"));
                MineModel m = new MineModel(uid, r);
                MlPersistence.loadParams(m, MineModel.class, path, sparkSession());
                return m;
            }
        };
    }

    /** {@code read().load(path)}. */
    public static MineModel load(String path) {
        return read().load(path);
    }
}
