package org.minespark.spark;

import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;

/** Deterministic merging of per-partition aggregates (one element per partition). */
final class Merge {
    private Merge() {
    }

    /**
     * Merges the partitions' aggregates in partition order on the driver when there are at most
     * {@code maxCollected} partitions, starting from the empty aggregate {@code zero} (bit-reproducible: floating-point sums always associate the
     * same way), otherwise with a tree reduce (bounded driver memory, order not fixed).
     */
    static <T> T ordered(JavaRDD<T> perPartition, T zero, Function2<T, T, T> merge, int maxCollected) {
        try {
            if (perPartition.getNumPartitions() > maxCollected) {
                return merge.call(zero, perPartition.treeReduce(merge));
            }
            T acc = zero;
            for (T t : perPartition.collect()) {
                acc = merge.call(acc, t);
            }
            return acc;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("merging partition aggregates failed", e);
        }
    }
}
