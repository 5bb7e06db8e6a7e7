package org.minespark.spark;

import java.util.List;

import org.apache.spark.api.java.JavaSparkContext;
import org.minespark.spec.MineSpec;
import org.minespark.core.BatchGrowth;
import org.minespark.core.ColumnStats;
import org.minespark.core.CriticShape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints of a run that trains one critic: the store, the interval, the run's fingerprint and
 * the checkpoint to resume from. A plan with several pairs trains them in shared passes whose
 * state is not one critic's; such a run rejects {@code --checkpoint-dir} ({@link Engine}).
 */
final class Checkpointing {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointing.class);

    private Checkpointing() {
    }

    /**
     * What a checkpoint must agree on to be resumed: every setting declared as changing the training
     * arithmetic ({@link org.minespark.spec.Settings#fingerprint}; not the trainer, which gives the
     * same bits either way, nor logging or checkpoint settings), the pair's columns, the resolved
     * partition count, the critic size, and the input's
     * identity by content: usable and dropped row counts, training rows, and a hash of the raw
     * bits of every column mean and inverse deviation (so a moved file resumes, changed data does
     * not).
     */
    static java.util.Map<String, String> fingerprint(MineSpec spec, Plan.Pair pair, int parts, ColumnStats stats,
                                                      double[] mean, double[] invStd, long nTrain, CriticShape shape) {
        // every training setting, from the one declaration (spec/Settings), then the resolved run
        java.util.Map<String, String> f = new java.util.LinkedHashMap<>(org.minespark.spec.Settings.fingerprint(spec));
        f.put("--x", pair.x());
        f.put("--y", pair.y());
        f.put("critic shape", shape.toString() + " (" + shape.numParams() + " parameters)");
        f.put("batch growth applies", Boolean.toString(spec.batchGrowth() && BatchGrowth.appliesTo(spec.bound())));
        f.put("partitions (resolved)", Integer.toString(parts));
        f.put("input rows", stats.rows() + " (" + stats.dropped() + " dropped), " + nTrain + " training rows");
        long h = 1125899906842597L;
        for (int i = 0; i < mean.length; i++) {
            h = 31 * h + Double.doubleToRawLongBits(mean[i]);
            h = 31 * h + Double.doubleToRawLongBits(invStd[i]);
        }
        f.put("input column statistics hash", Long.toHexString(h));
        return f;
    }

    /** No checkpoints (a retrained null critic, or a plan with several pairs). */
    static Checkpoints none(List<String> warnings) {
        return new Checkpoints(null, 0, java.util.Map.of(), null, warnings);
    }

    /**
     * Checkpointing of one estimate: the store (null = off), the interval, this run's fingerprint
     * and the checkpoint to resume from (null = start at step 0).
     */
    static final class Checkpoints {
        final CheckpointStore store;
        final int every;
        final java.util.Map<String, String> fingerprint;
        final org.minespark.core.TrainingCheckpoint resumeFrom;
        final List<String> warnings;
        boolean writeFailed;

        Checkpoints(CheckpointStore store, int every, java.util.Map<String, String> fingerprint,
                            org.minespark.core.TrainingCheckpoint resumeFrom, List<String> warnings) {
            this.store = store;
            this.every = every;
            this.fingerprint = fingerprint;
            this.resumeFrom = resumeFrom;
            this.warnings = warnings;
        }

        static Checkpoints open(JavaSparkContext jsc, MineSpec spec, java.util.Map<String, String> fingerprint,
                                List<String> warnings) {
            String dir = spec.checkpointDir();
            if (dir == null) {
                if (spec.resume()) {
                    throw new IllegalArgumentException("--resume needs a checkpoint directory (--checkpoint-dir DIR"
                            + " / mine.train.checkpoint-dir) to resume from");
                }
                return new Checkpoints(null, 0, fingerprint, null, warnings);
            }
            CheckpointStore store = new CheckpointStore(dir, jsc.hadoopConfiguration());
            int every = spec.checkpointEvery();
            try {
                if (!spec.resume()) {
                    int n = store.discardAll();
                    if (n > 0) {
                        LOG.warn("discarded {} checkpoint(s) of an earlier run in {} (not --resume)", n, dir);
                    }
                    return new Checkpoints(every > 0 ? store : null, every, fingerprint, null, warnings);
                }
                org.minespark.core.TrainingCheckpoint c = store.latest();
                if (c == null) {
                    String w = "--resume: no checkpoint in " + dir + "; training started from step 0";
                    LOG.warn(w);
                    warnings.add(w);
                } else {
                    List<String> diff = org.minespark.core.TrainingCheckpoint.differences(c.fingerprint(), fingerprint);
                    if (!diff.isEmpty()) {
                        throw new IllegalArgumentException("--resume: the checkpoint in " + dir + " (step " + c.step()
                                + ") was written by a run with other settings or input: " + String.join("; ", diff)
                                + ". Rerun with the same settings and input, or without --resume to start afresh"
                                + " (its checkpoints are then discarded)");
                    }
                    LOG.info("resuming from the checkpoint after step {} (attempt {}) in {}", c.step(), c.attempt() + 1,
                            dir);
                }
                return new Checkpoints(every > 0 ? store : null, every, fingerprint, c, warnings);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--checkpoint-dir " + dir + ": " + e.getMessage(), e);
            }
        }

        /** Whether checkpoints are written. */
        boolean enabled() {
            return store != null;
        }

        /** The end of the segment starting at {@code done}: the next checkpoint step, capped at {@code to}. */
        int segmentEnd(int done, int to) {
            return store == null ? to : Math.min(to, (done / every + 1) * every);
        }

        boolean due(int done) {
            return store != null && done % every == 0;
        }

        /** Writes a checkpoint; a failure is a warning (training goes on without it). */
        void save(org.minespark.core.TrainingCheckpoint c) {
            if (store == null) {
                return;
            }
            try {
                store.save(c);
                LOG.info("checkpoint after step {} written to {}", c.step(), store.dir());
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("could not write the checkpoint after step {} to {}: {}", c.step(), store.dir(), e.toString());
                if (!writeFailed) {
                    warnings.add("could not write a checkpoint to " + store.dir() + " (" + e.getMessage()
                            + "); a crash would not have been resumable from it");
                    writeFailed = true;
                }
            }
        }

        /** Deletes the checkpoints once the estimate is complete. */
        void discard() {
            if (store == null) {
                return;
            }
            try {
                store.discardAll();
            } catch (java.io.IOException e) {
                LOG.warn("could not delete the checkpoints in {}: {}", store.dir(), e.toString());
            }
        }
    }

}
