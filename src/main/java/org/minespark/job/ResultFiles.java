package org.minespark.job;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;

/**
 * The files of an {@code estimate} output directory: {@code result.json}, {@code result.parquet}
 * (the same fields as one row), {@code training_curve.csv} and {@code training_curve.png}.
 *
 * <p>result.json keys (contract): those of {@link MiResult#toMap()} ({@code mi_nats},
 * {@code mi_bits}, {@code ci95_nats} [low, high], {@code ci95_bits}, {@code std_err_nats},
 * {@code std_err_bits}, {@code n_rows}, {@code n_dropped}, {@code n_train}, {@code n_eval} (test
 * rows), {@code steps} (run), {@code best_step}, {@code converged}, {@code still_increasing},
 * {@code diverged}, {@code retried_learning_rate} (null without a retry), {@code n_validation},
 * {@code final_batch_size} (the batch of the last step after adaptive growth; null if not trained),
 * {@code batch_growth_steps} (the steps after which the batch doubled),
 * {@code dependent}, {@code significance_test}, {@code p_value}, {@code permutations},
 * {@code significance_level}, {@code null_mean_nats}, {@code null_std_nats}, {@code null_mean_bits},
 * {@code null_std_bits} (null without a permutation test), {@code null_retrained}, {@code null_retrained_mean_nats},
 * {@code null_retrained_std_nats}, {@code null_retrained_mean_bits}, {@code null_retrained_std_bits}, {@code p_value_retrained}
 * (null with --null-retrain 0), {@code bound}, {@code kernels}, {@code seconds}, {@code train_seconds},
 * {@code train_samples_per_s}, {@code status}, {@code warnings}), then {@code x}, {@code y}
 * (column lists), {@code input}, {@code format}, {@code truth_nats} (null if unknown), the
 * training settings (with {@code eval_every}, {@code patience}, {@code min_delta},
 * {@code batch_growth}, {@code max_batch_size}, {@code batch_growth_pairs}, {@code eval_pairings}, {@code transform},
 * {@code encoding}, {@code max_test_rows}) and, from
 * {@code estimate}/{@code demo}, {@code units} (what was printed).
 */
final class ResultFiles {
    static final String JSON = "result.json";
    static final String PARQUET = "result.parquet";
    static final String CURVE_CSV = "training_curve.csv";
    static final String CURVE_PNG = "training_curve.png";

    private ResultFiles() {
    }

    /** A setting whose 0 means "chosen from the input's shape" (learning rate, batch cap): "auto", else the value. */
    static Object auto(Number v) {
        return v.doubleValue() == 0 ? "auto" : v;
    }

    /** All result fields, in file order. {@code truthNats} NaN means unknown (written as null). */
    static Map<String, Object> resultMap(MiResult r, MineSpec spec, String input, String format,
                                         double truthNats, String sparkVersion) {
        Map<String, Object> m = new LinkedHashMap<>(r.toMap());
        m.put("x", List.copyOf(spec.xColumns()));
        m.put("y", List.copyOf(spec.yColumns()));
        if (spec.positions() > 1) { // tensor rows: the shapes as given (an inferred one is empty)
            m.put("x_shape", List.copyOf(spec.xShape()));
            m.put("y_shape", List.copyOf(spec.yShape()));
        }
        m.put("input", input);
        m.put("format", format);
        m.put("truth_nats", Double.isFinite(truthNats) ? truthNats : null);
        m.put("seed", spec.seed());
        m.put("batch_size", spec.batchSize());
        m.put("learning_rate", auto(spec.learningRate()));
        m.put("hidden", spec.hidden().isEmpty() ? "auto" : List.copyOf(spec.hidden()));
        m.put("ema_alpha", spec.emaAlpha());
        m.put("smile_tau", spec.smileTau());
        m.put("infonce_k", spec.infonceK());
        m.put("critic", spec.critic());
        m.put("embed_dim", spec.embedDim());
        m.put("eval_fraction", spec.evalFraction());
        m.put("max_train_rows", spec.maxTrainRows());
        m.put("max_test_rows", spec.maxTestRows());
        m.put("partitions", spec.partitions());
        m.put("eval_every", spec.evalEvery());
        m.put("patience", spec.patience());
        m.put("min_delta", spec.minDelta());
        m.put("batch_growth", spec.batchGrowth());
        m.put("max_batch_size", auto(spec.maxBatchSize()));
        m.put("batch_growth_pairs", spec.batchGrowthPairs());
        m.put("eval_pairings", spec.evalPairings());
        m.put("transform", spec.transform());
        m.put("encoding", spec.encoding());
        m.put("spark_version", sparkVersion);
        m.put("created_utc", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return m;
    }

    /** Writes the four files into {@code out.tmp()} (not committed), without validation values, in nats. */
    static void write(SparkSession spark, OutputDir out, Map<String, Object> fields, double[] curve,
                      double truthNats) {
        write(spark, out, fields, curve, new int[0], new double[0], truthNats, Units.NATS);
    }

    /** Writes the four files of result {@code r}, the plot in {@code units}. */
    static void write(SparkSession spark, OutputDir out, Map<String, Object> fields, MiResult r, double truthNats,
                      Units units) {
        MiResult.Convergence c = r.convergence();
        write(spark, out, fields, r.curve(), c.validationSteps(), c.validationNats(), truthNats, units);
    }

    private static void write(SparkSession spark, OutputDir out, Map<String, Object> fields, double[] curve,
                              int[] valSteps, double[] valNats, double truthNats, Units units) {
        out.writeText(JSON, JsonWriter.toJson(fields));
        out.writeText(CURVE_CSV, TrainingCurve.csv(curve, valSteps, valNats));
        out.writeBytes(CURVE_PNG, TrainingCurve.png(curve, valSteps, valNats, truthNats, title(fields), units));
        writeParquet(spark, fields, out.tmp().toString() + "/" + PARQUET);
    }

    @SuppressWarnings("unchecked")
    static String title(Map<String, Object> fields) {
        return "MINE: I(" + String.join(",", (List<String>) fields.get("x")) + " ; "
                + String.join(",", (List<String>) fields.get("y")) + ")";
    }

    /** The fields as a one-row Parquet table (coalesced to one file). */
    static void writeParquet(SparkSession spark, Map<String, Object> fields, String path) {
        List<StructField> schema = new ArrayList<>();
        Object[] values = new Object[fields.size()];
        int i = 0;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            Object v = e.getValue();
            DataType t;
            if (v == null || v instanceof Double) {
                t = DataTypes.DoubleType;
            } else if (v instanceof Boolean) {
                t = DataTypes.BooleanType;
            } else if (v instanceof Long) {
                t = DataTypes.LongType;
            } else if (v instanceof Integer) {
                t = DataTypes.IntegerType;
            } else if (v instanceof String) {
                t = DataTypes.StringType;
            } else if (v instanceof double[] a) {
                t = DataTypes.createArrayType(DataTypes.DoubleType, false);
                List<Double> l = new ArrayList<>(a.length);
                for (double d : a) {
                    l.add(d);
                }
                v = l;
            } else if (v instanceof int[] a) {
                t = DataTypes.createArrayType(DataTypes.IntegerType, false);
                List<Integer> l = new ArrayList<>(a.length);
                for (int k : a) {
                    l.add(k);
                }
                v = l;
            } else if (v instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Integer) {
                t = DataTypes.createArrayType(DataTypes.IntegerType, false);
            } else if (v instanceof List<?>) {
                t = DataTypes.createArrayType(DataTypes.StringType, false);
            } else {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "result field %s has unsupported type %s", e.getKey(), v.getClass().getName()));
            }
            schema.add(DataTypes.createStructField(e.getKey(), t, true));
            values[i++] = v;
        }
        Row row = RowFactory.create(values);
        spark.createDataFrame(List.of(row), DataTypes.createStructType(schema))
                .coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(path);
    }
}
