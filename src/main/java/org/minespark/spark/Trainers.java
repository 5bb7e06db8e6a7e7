package org.minespark.spark;

import org.apache.spark.api.java.JavaRDD;
import org.minespark.core.CriticShape;
import org.minespark.core.FloatBlock;

/** Creates the {@link TrainingLoop} named by {@code train.trainer} ({@code --trainer}). */
final class Trainers {
    /** One long-lived barrier stage per segment of steps ({@link StreamTrainer}). */
    static final String STREAM = "stream";
    /** One Spark job per step ({@link SyncTrainer}). */
    static final String JOBS = "jobs";

    private Trainers() {
    }

    static TrainingLoop create(String name, JavaRDD<FloatBlock> blocks, CriticShape shape, String kernels,
                               int[] batchPerPartition, long seed) {
        return switch (name) {
            case STREAM -> new StreamTrainer(blocks, shape, kernels, batchPerPartition, seed);
            case JOBS -> new SyncTrainer(blocks, shape, kernels, batchPerPartition, seed);
            default -> throw new IllegalArgumentException("trainer must be stream or jobs, got '" + name + "'");
        };
    }
}
