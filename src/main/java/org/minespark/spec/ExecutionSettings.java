package org.minespark.spec;

import java.util.Objects;

/**
 * How the run executes: the seed, the kernel backend, the trainer, the training partitions, the log interval.
 * Part of a {@link MineSpec}; immutable, each {@code with...} method validates its value (an {@link IllegalArgumentException} naming the setting). Each component is declared once in {@link Settings}.
 */
public record ExecutionSettings(long seed, String kernels, String trainer, int partitions, int logEvery) implements java.io.Serializable {
    /** The defaults. */
    static final ExecutionSettings DEFAULTS = new ExecutionSettings(42L, "auto", MineSpec.DEFAULT_TRAINER, 0, 100);

    ExecutionSettings withSeed(long v) {
        return new ExecutionSettings(v, kernels, trainer, partitions, logEvery);
    }

    ExecutionSettings withKernels(String v) {
        Objects.requireNonNull(v, "kernels");
        return new ExecutionSettings(seed, v, trainer, partitions, logEvery);
    }

    ExecutionSettings withTrainer(String v) {
        Objects.requireNonNull(v, "trainer");
        if (!v.equals("stream") && !v.equals("jobs")) {
            throw new IllegalArgumentException("trainer must be stream or jobs, got '" + v + "'");
        }
        return new ExecutionSettings(seed, kernels, v, partitions, logEvery);
    }

    ExecutionSettings withPartitions(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("partitions must be >= 0 (0 = default parallelism), got " + v);
        }
        return new ExecutionSettings(seed, kernels, trainer, v, logEvery);
    }

    ExecutionSettings withLogEvery(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("log-every must be >= 1, got " + v);
        }
        return new ExecutionSettings(seed, kernels, trainer, partitions, v);
    }
}
