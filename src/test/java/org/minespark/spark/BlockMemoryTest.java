package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.minespark.core.CriticShape;
import org.minespark.core.FloatBlock;
import org.minespark.core.Kernels;
import org.minespark.core.PartitionWorker;

import scala.Tuple2;

/**
 * The memory contract of an executor: a training partition is held as exactly 4 (dx + dy) bytes
 * per row of dense floats (no slack from the growable buffers), plus a workspace whose size
 * depends only on the critic and the per-partition batch, not on the number of rows.
 */
class BlockMemoryTest {

    @Test
    void buildBlocks_holdsExactlyFourBytesPerValue() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkFixture.local2().sparkContext());
        int dx = 3;
        int dy = 2;
        int rows = 10_007;
        List<Tuple2<Byte, float[]>> data = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            data.add(new Tuple2<>(i % 5 != 0 ? TaggedRows.TRAIN_ROW : TaggedRows.TEST_ROW, new float[] {i, i + 1, i + 2, -i, -i - 1}));
        }
        JavaRDD<float[]> trainRows = jsc.parallelize(data, 3).filter(t -> t._1() == TaggedRows.TRAIN_ROW).map(Tuple2::_2);
        List<FloatBlock> blocks = TaggedRows.blocks(trainRows, 4, 17, Engine.SPREAD, dx + dy).collect();
        assertEquals(4, blocks.size());
        long n = 0;
        long bytes = 0;
        for (FloatBlock b : blocks) {
            assertEquals((long) b.rows() * (dx + dy), b.x().length, "the wide block holds exactly rows * (dx + dy) floats");
            assertEquals(0, b.y().length, "a wide block has no separate y");
            n += b.rows();
            bytes += b.dataBytes();
        }
        long train = data.stream().filter(t -> t._1() == TaggedRows.TRAIN_ROW).count();
        assertEquals(train, n, "every training row lands in exactly one block");
        assertEquals(4L * (dx + dy) * train, bytes, "4 (dx + dy) bytes per row");
    }

    @Test
    void workspace_dependsOnBatchNotRows() {
        CriticShape w = new CriticShape(20, 20, new int[] {256, 256});
        long ws = new PartitionWorker(w, Kernels.forName("scalar"), 512).workspaceBytes();
        // input 512x40, z and h of two hidden layers 512x256 each, output 512, two 512x256 backward
        // buffers, two gradient copies of all parameters, five index/weight vectors of 512
        long expected = 4L * (512 * 40 + 4 * 512 * 256 + 512 + 2 * 512 * 256) + 2 * 4 * w.numParams() + 4L * 5 * 512;
        assertEquals(expected, ws);
    }
}
