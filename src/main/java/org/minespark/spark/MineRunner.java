package org.minespark.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.minespark.api.MiResult;
import org.minespark.api.MineSpec;
import org.minespark.api.ProgressListener;

/** Runs one MINE estimate on Spark: extract, standardise, train, evaluate. */
public final class MineRunner {
    private MineRunner() {
    }

    public static MiResult run(Dataset<Row> data, MineSpec spec, ProgressListener listener) {
        throw new UnsupportedOperationException("work in progress");
    }
}
