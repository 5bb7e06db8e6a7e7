package org.minespark.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.minespark.core.FloatBlock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Synchronous training with one long-lived Spark stage per segment of steps instead of one Spark
 * job per step (the {@code jobs} trainer of {@link PassSteps}). The stage runs in barrier execution mode
 * ({@code RDD.barrier()}): Spark launches the tasks of all training partitions at the same time
 * (gang scheduling), each task connects to a small TCP server on the driver and then, for every
 * step, receives the weights, computes its minibatch aggregates
 * (the {@link TaskSide}: {@link PassSteps} runs {@code MultiPairWorker.trainStep} with the stream
 * {@code Seeds.derive(seed, purpose, step, partition)}) and sends them back in {@code StepAggregate}'s float32 wire form. The driver merges the
 * aggregates in partition order, applies {@code MineOptimizer.step} and sends the new weights.
 * This does exactly the floating-point operations of the jobs trainer in the same order (the
 * same streams, the same float32 rounding of the partition gradients, the same merge order, the
 * same optimiser calls), so both give bit-identical weights for a given seed and partitioning.
 *
 * <p>Why: a Spark job per step costs ~10-13 ms of scheduling in {@code local[2]} (job and stage
 * creation, task serialisation and launch, result handling), which dominated the step time.
 * Here a step costs two socket round trips over already open connections (weights out,
 * aggregate back), well under a millisecond on loopback for a W-sized critic (77k parameters,
 * 0.3 MB each way per task). Nothing is allocated per step on the driver except the merged
 * aggregate handed to the listener; a task allocates only its step aggregate.
 *
 * <p>Scheduling. A barrier stage needs one free task slot per partition at once: {@link #runSegment}
 * checks {@code maxNumConcurrentTasks} first (waiting up to the timeout for executors to
 * register) and fails with a message naming {@code --trainer jobs} instead of letting Spark retry
 * its own check for minutes. Spark rejects barrier stages when dynamic allocation is on
 * ({@code spark.dynamicAllocation.enabled}); this trainer then fails at once with the same
 * advice. Spark never speculates barrier tasks, so {@code spark.speculation} is harmless.
 *
 * <p>Faults. If any task of the stage fails (an exception, a lost executor), Spark kills the
 * stage attempt and resubmits the whole barrier stage (at most {@code spark.stage.maxConsecutiveAttempts}
 * times). The driver notices the broken or new connections, discards the step in progress (no
 * optimiser call happened for it), waits until every partition of the new stage attempt has
 * connected and redoes the current step with the current weights; since a partition's randomness
 * depends only on (seed, purpose, step, partition), the final weights equal those of a fault-free
 * run. If Spark gives up on the stage, its exception is rethrown. Spark kills the other tasks of a
 * failed attempt without interrupting them and can start the next attempt only in their slots: a
 * task waiting for weights checks every {@value #POLL_MS} ms whether it was killed and then ends.
 *
 * <p>Transport. The server binds to {@code spark.driver.bindAddress} (default
 * {@code spark.driver.host}) on port {@value #PORT_KEY} (default 0 = ephemeral); tasks connect to
 * {@code spark.driver.host}. Each {@link #runSegment} draws a random 128-bit token that travels in the
 * task closure; a connection that does not present it is dropped. Reads on both sides time out
 * after {@value #TIMEOUT_KEY} seconds (default 600) with an error naming the partition and step.
 *
 * <p>The driver decodes the aggregates one at a time into a scratch aggregate and merges them in
 * partition order whatever the partition count, so its memory is two aggregates; above
 * {@link PassSteps#MAX_COLLECTED_PARTITIONS} partitions the jobs trainer tree-reduces instead
 * and the two trainers then differ in the last bits. A task that hangs without closing its
 * connection (no TCP reset) is detected only by the read timeout; while the driver sends weights
 * it can block on such a task's full socket buffer until the OS gives up on the connection.
 *
 * <p>Cores per task: a task computes its partition's minibatch on one thread, so with
 * {@code spark.task.cpus} &gt; 1 the extra cores of the task stay idle; use one partition per core
 * instead (the default, {@code --partitions 0}).
 */
final class StreamTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(StreamTrainer.class);

    /** Spark conf key of the driver's training server port (0 = any free port). */
    static final String PORT_KEY = "spark.mine.stream.port";
    /** Spark conf key of the read, connect and registration timeout in seconds. */
    static final String TIMEOUT_KEY = "spark.mine.stream.timeoutSeconds";

    static final int DONE = -1;
    static final int HELLO_BYTES = 16 + 4 + 4 + 4;
    /** Driver-side socket read timeout: how often a blocked read checks the job and newer attempts. */
    static final int POLL_MS = 200;

    private final JavaRDD<FloatBlock> blocks;
    private final int parts;
    private final int port;
    private final int timeoutMs;
    private int failOnceAtStep = -1;
    /** Test hook: called with the server's port once it listens, before the stage is submitted. */
    static volatile java.util.function.IntConsumer listenHookForTests;

    /** A trainer over the cached training blocks (one task per partition); the sides say what travels. */
    StreamTrainer(JavaRDD<FloatBlock> blocks) {
        this.blocks = blocks;
        this.parts = blocks.getNumPartitions();
        SparkConf conf = blocks.context().getConf();
        this.port = conf.getInt(PORT_KEY, 0);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PORT_KEY + " must be in [0, 65535], got " + port);
        }
        int t = conf.getInt(TIMEOUT_KEY, 600);
        if (t < 1) {
            throw new IllegalArgumentException(TIMEOUT_KEY + " must be >= 1 (seconds), got " + t);
        }
        this.timeoutMs = (int) Math.min(Integer.MAX_VALUE, t * 1000L);
    }

    /**
     * Test hook: the task of partition 0 in the first attempt of the stage throws just before
     * computing {@code step} (or, for {@link #AFTER_LAST_STEP}, after being told the segment is
     * over, or for {@link #BEFORE_CONNECTING}, before it connects to the driver), once; Spark then
     * retries the barrier stage.
     */
    /** For {@link #withInjectedFailure}: fail once after the driver said the segment is over. */
    static final int AFTER_LAST_STEP = Integer.MAX_VALUE;
    /** For {@link #withInjectedFailure}: fail once before connecting, while the other partitions wait for weights. */
    static final int BEFORE_CONNECTING = Integer.MIN_VALUE;

    StreamTrainer withInjectedFailure(int step) {
        this.failOnceAtStep = step;
        return this;
    }

    /**
     * Driver side of a segment of steps: each step's weights message, the merge of the
     * partitions' answers in partition order, and the update. {@link #run} uses one critic's;
     * {@code pairs} uses one with every pair of a pass ({@code PairsRunner}).
     */
    interface DriverSide {
        /** Bytes of the weights message after its step number. */
        int weightBytes();

        /** Bytes of a partition's answer after its step number. */
        int aggBytes();

        /** Writes the current weights into {@code msg[4, 4 + weightBytes)}; allocation-free. */
        void writeWeights(byte[] msg);

        /** Starts a step's merge (again when a step is redone after a stage retry). */
        void beginStep();

        /** Merges one partition's answer, {@link #aggBytes} bytes at {@code b}'s position; partitions come in order. */
        void merge(ByteBuffer b);

        /** All answers of {@code step} are merged: update and report. */
        void endStep(int step, long stepNanos);
    }

    /** Task side of a segment, serialised into the barrier stage's closure. */
    interface TaskSide extends Serializable {
        int weightBytes();

        int aggBytes();

        /** Opens the computation of partition {@code partition} (of {@code parts}) over its cached blocks. */
        TaskStep open(int partition, List<FloatBlock> blocks, int parts);
    }

    /** One partition's per-step computation inside a task. */
    interface TaskStep {
        /**
         * Computes {@code step} with the weights in {@code weights[0, weightBytes)} and writes the
         * answer ({@code aggBytes} bytes) at {@code out}'s position.
         */
        void compute(int step, byte[] weights, ByteBuffer out);

        /** Releases the computation's resources (pooled workers). */
        void close();
    }

    /**
     * Runs steps {@code from, ..., to - 1} in one barrier stage with the given sides (the
     * scheduling, transport and fault handling described on the class).
     */
    void runSegment(int from, int to, DriverSide side, TaskSide task) {
        if (from >= to) {
            return;
        }
        if (side.weightBytes() != task.weightBytes() || side.aggBytes() != task.aggBytes()) {
            throw new IllegalArgumentException("driver and task sides disagree on the message sizes");
        }
        SparkContext sc = blocks.context();
        checkCluster(sc);
        byte[] token = new byte[16];
        new SecureRandom().nextBytes(token);
        SparkConf conf = sc.getConf();
        String host = conf.get("spark.driver.host", "localhost");
        String bind = conf.get("spark.driver.bindAddress", host);
        ServerSocket server;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 2 * parts + 8);
        } catch (IOException e) {
            throw new IllegalStateException("stream trainer: cannot listen on " + bind + ":" + port
                    + " (spark.driver.bindAddress / " + PORT_KEY + "): " + e.getMessage(), e);
        }
        StreamTracker d = new StreamTracker(server, token, side, parts, timeoutMs);
        try {
            java.util.function.IntConsumer hook = listenHookForTests;
            if (hook != null) {
                hook.accept(server.getLocalPort());
            }
            StreamTaskBody body = new StreamTaskBody(host, server.getLocalPort(), token, task, timeoutMs, failOnceAtStep, parts);
            ClassTag<Integer> tag = ClassTag$.MODULE$.apply(Integer.class);
            RDD<Integer> stage = blocks.rdd().barrier().mapPartitions(body, false, tag);
            sc.setJobDescription("mine stream training steps " + from + ".." + (to - 1));
            // a shuffle after the barrier stage makes it a ShuffleMapStage: Spark retries a failed
            // barrier ShuffleMapStage, but aborts the job when a barrier ResultStage fails
            d.job = stage.toJavaRDD().repartition(1).countAsync();
            sc.setJobDescription(null);
            d.runSteps(from, to);
            d.finish();
        } finally {
            d.close();
        }
    }

    /** Fails clearly when the cluster cannot run a barrier stage of {@code parts} tasks. */
    private void checkCluster(SparkContext sc) {
        SparkConf conf = sc.getConf();
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false) && !sc.isLocal()) {
            throw new IllegalArgumentException("the stream trainer (train.trainer = stream, --trainer stream) runs a "
                    + "Spark barrier stage, which Spark does not support with spark.dynamicAllocation.enabled=true; "
                    + "use --trainer jobs or disable dynamic allocation");
        }
        // local[N] has all its slots from the start; a cluster may still be registering executors
        long deadline = System.nanoTime() + (sc.isLocal() ? 0 : TimeUnit.MILLISECONDS.toNanos(Math.min(timeoutMs, 30_000)));
        int slots = slots(sc);
        while (slots < parts && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for executors", e);
            }
            slots = slots(sc);
        }
        if (slots < parts) {
            throw new IllegalArgumentException("the stream trainer (--trainer stream) runs all " + parts
                    + " training partitions at once but the cluster has only " + slots + " task slots "
                    + "(executor cores / spark.task.cpus); use fewer partitions (--partitions " + slots
                    + "), more executors, or --trainer jobs");
        }
    }

    private static int slots(SparkContext sc) {
        return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
    }

    static void readFully(InputStream in, byte[] b, int len) throws IOException {
        int off = 0;
        while (off < len) {
            int n = in.read(b, off, len - off);
            if (n < 0) {
                throw new EOFException("connection closed after " + off + " of " + len + " bytes");
            }
            off += n;
        }
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
