package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.minespark.core.SyntheticTasks;
import org.minespark.spec.MineSpec;

/** An estimate's progress: every step once, in order (the validation steps too, after their pass). */
class ProgressReportTest {

    @Test
    void estimate_reportsEveryStepOnce_includingValidationStepsAndTheLast() {
        SyntheticTasks.Task t = SyntheticTasks.create(SyntheticTasks.CORR_GAUSSIAN, 1, 0.5);
        Dataset<Row> data = SyntheticData.generate(SparkFixture.local2(), t, 4_000, 3, 2);
        // validation every 20 steps, no early stop: the run reaches step 60, a validation step and the last
        MineSpec spec = MineSpec.x("x0").y("y0").withReplicates(1).withSeed(5).withSteps(60).withBatchSize(128)
                .withHidden(List.of(16)).withEvalEvery(20).withPatience(0).withLogEvery(1).withPartitions(2)
                .withPermutations(0);
        List<Integer> steps = new ArrayList<>();
        MineRunner.run(data, spec, (step, total, smoothed, sps, eta) -> steps.add(step));
        assertEquals(IntStream.rangeClosed(1, 60).boxed().collect(Collectors.toList()), steps);
    }
}
