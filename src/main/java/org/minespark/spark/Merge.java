package org.minespark.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;

/**
 * Deterministic merging of per-partition aggregates (one element per partition).
 *
 * <p>Aggregates travel to the driver as Java-serialised bytes, whatever {@code spark.serializer}
 * the cluster configures: with Kryo (a common cluster default) Spark would serialise task results
 * with Kryo's field serialiser, which ignores the aggregates' own compact {@code writeObject}
 * forms (transient gradient arrays arrived as null). Encoding here keeps one wire format.
 */
final class Merge {
    private Merge() {
    }

    /**
     * Merges the partitions' aggregates in partition order on the driver when there are at most
     * {@code maxCollected} partitions, starting from the empty aggregate {@code zero}
     * (bit-reproducible: floating-point sums always associate the same way), otherwise with a
     * tree reduce (bounded driver memory, order not fixed).
     */
    static <T extends Serializable> T ordered(JavaRDD<T> perPartition, T zero, Function2<T, T, T> merge, int maxCollected) {
        try {
            JavaRDD<byte[]> encoded = perPartition.map(Merge::encode);
            if (perPartition.getNumPartitions() > maxCollected) {
                byte[] all = encoded.treeReduce((a, b) -> encode(merge.call(Merge.<T>decode(a), Merge.<T>decode(b))));
                return merge.call(zero, decode(all));
            }
            T acc = zero;
            for (byte[] b : encoded.collect()) {
                acc = merge.call(acc, decode(b));
            }
            return acc;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("merging partition aggregates failed", e);
        }
    }

    /** Java serialisation of one aggregate (uses its {@code writeObject} form when it has one). */
    static byte[] encode(Serializable value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
        return bytes.toByteArray();
    }

    @SuppressWarnings("unchecked")
    static <T> T decode(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (T) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot deserialise a partition aggregate", e);
        }
    }
}
