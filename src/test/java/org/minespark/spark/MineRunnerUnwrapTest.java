package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.minespark.spec.MineInputException;

/** Validation errors thrown on executors come back wrapped; the original type and message must survive. */
class MineRunnerUnwrapTest {

    @Test
    void unwrap_localChain_returnsTheOriginalException() {
        MineInputException original = new MineInputException("--x: column 'v' has arrays of inconsistent length");
        RuntimeException wrapped = new RuntimeException("Job aborted", new RuntimeException("task failed", original));
        assertSame(original, MineRunner.unwrap(wrapped));
    }

    @Test
    void unwrap_remoteMessageOnly_rebuildsTheInputException() {
        RuntimeException remote = new RuntimeException("Job aborted due to stage failure: Task 0 failed 4 times, most recent"
                + " failure: Lost task 0.3 (TID 7) (10.0.0.2 executor 1): " + MineInputException.class.getName()
                + ": --x: column 'v' has arrays of inconsistent length\n\tat org.minespark.spark.ColumnLayout.checkWidth");
        RuntimeException r = MineRunner.unwrap(remote);
        assertInstanceOf(MineInputException.class, r);
        assertEquals("--x: column 'v' has arrays of inconsistent length", r.getMessage());
    }

    @Test
    void unwrap_remoteIllegalArgument_staysAParameterError() {
        RuntimeException remote = new RuntimeException("Lost task: java.lang.IllegalArgumentException: bad value\n\tat x");
        RuntimeException r = MineRunner.unwrap(remote);
        assertEquals(IllegalArgumentException.class, r.getClass());
        assertEquals("bad value", r.getMessage());
    }
}
