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
 * run. If Spark gives up on the stage, its exception is rethrown.
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

    private static final int DONE = -1;
    private static final int HELLO_BYTES = 16 + 4 + 4 + 4;
    /** Driver-side socket read timeout: how often a blocked read checks the job and newer attempts. */
    private static final int POLL_MS = 200;

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
     * over), once; Spark then retries the barrier stage.
     */
    /** For {@link #withInjectedFailure}: fail once after the driver said the segment is over. */
    static final int AFTER_LAST_STEP = Integer.MAX_VALUE;

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
        Driver d = new Driver(server, token, side);
        try {
            java.util.function.IntConsumer hook = listenHookForTests;
            if (hook != null) {
                hook.accept(server.getLocalPort());
            }
            TaskBody body = new TaskBody(host, server.getLocalPort(), token, task, timeoutMs, failOnceAtStep, parts);
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

    /** One accepted, authenticated task connection. */
    private static final class Conn {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final int partition;
        final int attempt;

        Conn(Socket socket, InputStream in, OutputStream out, int partition, int attempt) {
            this.socket = socket;
            this.in = in;
            this.out = out;
            this.partition = partition;
            this.attempt = attempt;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** The current stage attempt was abandoned (a connection broke or a newer attempt connected). */
    private static final class StaleAttempt extends Exception {
        private static final long serialVersionUID = 1L;

        StaleAttempt(String msg) {
            super(msg, null, false, false);
        }
    }

    /** Driver side of one segment: accepts connections, runs the steps, handles stage retries. */
    private final class Driver {
        final ServerSocket server;
        final byte[] token;
        final DriverSide side;
        final int aggBytes;
        final BlockingQueue<Conn> pending = new LinkedBlockingQueue<>();
        final Thread acceptor;
        final Conn[] conns;
        final byte[] weightMsg;
        final ByteBuffer weightBuf;
        final byte[] aggMsg;
        final ByteBuffer aggBuf;
        JavaFutureAction<Long> job;
        int attempt = -1;
        volatile boolean closed;

        Driver(ServerSocket server, byte[] token, DriverSide side) {
            this.server = server;
            this.token = token;
            this.side = side;
            this.aggBytes = side.aggBytes();
            this.conns = new Conn[parts];
            this.weightMsg = new byte[4 + side.weightBytes()];
            this.weightBuf = ByteBuffer.wrap(weightMsg).order(ByteOrder.LITTLE_ENDIAN);
            this.aggMsg = new byte[4 + aggBytes];
            this.aggBuf = ByteBuffer.wrap(aggMsg).order(ByteOrder.LITTLE_ENDIAN);
            this.acceptor = new Thread(this::acceptLoop, "mine-stream-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        void acceptLoop() {
            byte[] hello = new byte[HELLO_BYTES];
            while (!closed) {
                Socket s = null;
                try {
                    s = server.accept();
                    s.setTcpNoDelay(true);
                    s.setSoTimeout(Math.min(timeoutMs, 10_000));
                    InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
                    readFully(in, hello, HELLO_BYTES);
                    ByteBuffer h = ByteBuffer.wrap(hello);
                    byte[] got = new byte[16];
                    h.get(got);
                    int p = h.getInt();
                    int att = h.getInt();
                    int ab = h.getInt();
                    if (!MessageDigest.isEqual(got, token)) {
                        LOG.warn("stream trainer: dropped a connection from {} with a wrong token", s.getRemoteSocketAddress());
                        s.close();
                        continue;
                    }
                    if (p < 0 || p >= parts || ab != aggBytes) {
                        LOG.warn("stream trainer: dropped a connection for partition {} with {}-byte answers (expected < {} and {})",
                                p, ab, parts, aggBytes);
                        s.close();
                        continue;
                    }
                    s.setSoTimeout(POLL_MS);
                    pending.add(new Conn(s, in, new BufferedOutputStream(s.getOutputStream(), 1 << 16), p, att));
                } catch (IOException e) {
                    if (s != null) {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // dropping it
                        }
                    }
                    if (!closed) {
                        LOG.warn("stream trainer: a task connection failed during the handshake: {}", e.toString());
                    }
                }
            }
        }

        /** Waits until every partition of the newest stage attempt has connected. */
        void connectAll(int step) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            int have = 0;
            for (Conn c : conns) {
                have += c == null ? 0 : 1;
            }
            while (have < parts) {
                Conn c;
                try {
                    c = pending.poll(POLL_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for training tasks", e);
                }
                if (c == null) {
                    checkJob(step);
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("stream trainer: only " + have + " of " + parts
                                + " training tasks connected to the driver at " + server.getLocalSocketAddress()
                                + " within " + timeoutMs / 1000 + " s (" + TIMEOUT_KEY
                                + "); check that executors can reach spark.driver.host, or use --trainer jobs");
                    }
                    continue;
                }
                if (c.attempt < attempt) {
                    c.close();
                    continue;
                }
                if (c.attempt > attempt) {
                    dropAll();
                    have = 0;
                    attempt = c.attempt;
                }
                if (conns[c.partition] != null) {
                    conns[c.partition].close();
                    have--;
                }
                conns[c.partition] = c;
                have++;
            }
        }

        void dropAll() {
            for (int p = 0; p < parts; p++) {
                if (conns[p] != null) {
                    conns[p].close();
                    conns[p] = null;
                }
            }
        }

        /** Throws when the Spark job has ended (failed, or finished although steps remain). */
        void checkJob(int step) {
            if (!job.isDone()) {
                return;
            }
            try {
                job.get();
            } catch (ExecutionException e) {
                throw sneaky(e.getCause() != null ? e.getCause() : e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            throw new IllegalStateException("stream trainer: the training stage ended before step " + step);
        }

        void runSteps(int from, int to) {
            int s = from;
            while (s < to) {
                connectAll(s);
                long t0 = System.nanoTime();
                try {
                    exchange(s);
                } catch (StaleAttempt e) {
                    LOG.warn("stream trainer: stage attempt {} broke during step {} ({}); redoing the step with the "
                            + "next attempt", attempt, s, e.getMessage());
                    dropAll();
                    attempt++;
                    continue;
                }
                side.endStep(s, System.nanoTime() - t0);
                s++;
            }
        }

        /** Sends the weights of step {@code s} to every task and merges their answers in partition order. */
        void exchange(int s) throws StaleAttempt {
            weightBuf.clear();
            weightBuf.putInt(s);
            side.writeWeights(weightMsg);
            for (int p = 0; p < parts; p++) {
                try {
                    conns[p].out.write(weightMsg);
                    conns[p].out.flush();
                } catch (IOException e) {
                    throw new StaleAttempt("sending weights to partition " + p + ": " + e);
                }
            }
            side.beginStep();
            for (int p = 0; p < parts; p++) {
                receive(conns[p], s);
                aggBuf.clear();
                int got = aggBuf.getInt();
                if (got != s) {
                    throw new IllegalStateException("stream trainer: partition " + p + " answered step " + got
                            + " to step " + s);
                }
                side.merge(aggBuf);
            }
        }

        /** Reads one aggregate message, checking on every poll timeout for a failed job or a newer attempt. */
        void receive(Conn c, int s) throws StaleAttempt {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            int off = 0;
            while (off < aggMsg.length) {
                try {
                    int n = c.in.read(aggMsg, off, aggMsg.length - off);
                    if (n < 0) {
                        throw new StaleAttempt("the task of partition " + c.partition + " closed its connection");
                    }
                    off += n;
                } catch (SocketTimeoutException e) {
                    Conn next = pending.peek();
                    if (next != null && next.attempt > attempt) {
                        throw new StaleAttempt("stage attempt " + next.attempt + " started");
                    }
                    if (job.isDone()) {
                        checkJob(s);
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("stream trainer: no result from the task of partition "
                                + c.partition + " for step " + s + " within " + timeoutMs / 1000 + " s (" + TIMEOUT_KEY + ")");
                    }
                } catch (IOException e) {
                    throw new StaleAttempt("reading from partition " + c.partition + ": " + e);
                }
            }
        }

        /** Tells the tasks to end and waits for the stage to finish. */
        void finish() {
            for (Conn c : conns) {
                try {
                    c.out.write(new byte[] {-1, -1, -1, -1}); // DONE in any byte order
                    c.out.flush();
                } catch (IOException e) {
                    LOG.warn("stream trainer: could not tell partition {} to stop: {}", c.partition, e.toString());
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true) {
                // Spark may rerun the barrier stage after the last step, e.g. when an executor died
                // with the stage's map output: the new attempt's tasks connect and only need to be
                // told that the segment is over (they would otherwise wait for weights until their
                // read timeout)
                for (Conn c; (c = pending.poll()) != null; ) {
                    try {
                        c.out.write(new byte[] {-1, -1, -1, -1});
                        c.out.flush();
                        LOG.info("stream trainer: told partition {} of stage attempt {} (started after the last step) to stop",
                                c.partition, c.attempt);
                    } catch (IOException e) {
                        LOG.warn("stream trainer: could not tell partition {} to stop: {}", c.partition, e.toString());
                    }
                    finished.add(c);
                }
                try {
                    job.get(POLL_MS, TimeUnit.MILLISECONDS);
                    return;
                } catch (ExecutionException e) {
                    throw sneaky(e.getCause() != null ? e.getCause() : e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("stream trainer: the training stage did not end within "
                                + timeoutMs / 1000 + " s after the last step (" + TIMEOUT_KEY + ")", e);
                    }
                }
            }
        }

        /** Connections of stage attempts that started after the last step, told to stop; closed by {@link #close}. */
        private final java.util.List<Conn> finished = new java.util.ArrayList<>();

        void close() {
            closed = true;
            if (job != null && !job.isDone()) {
                // first cancel, so the tasks that see their connection close below end as killed
                job.cancel(true);
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            dropAll();
            for (Conn c; (c = pending.poll()) != null; ) {
                c.close();
            }
            for (Conn c : finished) {
                c.close();
            }
            try {
                acceptor.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** The task of one partition: connect, then compute one answer per step until told to stop. */
    static final class TaskBody extends AbstractFunction1<Iterator<FloatBlock>, Iterator<Integer>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String host;
        private final int port;
        private final byte[] token;
        private final TaskSide task;
        private final int timeoutMs;
        private final int failOnceAtStep;
        private final int parts;

        TaskBody(String host, int port, byte[] token, TaskSide task, int timeoutMs, int failOnceAtStep, int parts) {
            this.parts = parts;
            this.host = host;
            this.port = port;
            this.token = token;
            this.task = task;
            this.timeoutMs = timeoutMs;
            this.failOnceAtStep = failOnceAtStep;
        }

        @Override
        public Iterator<Integer> apply(Iterator<FloatBlock> it) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            int p = ctx.partitionId();
            List<FloatBlock> mine = new ArrayList<>();
            while (it.hasNext()) {
                mine.add(it.next());
            }
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                try {
                    s.connect(new InetSocketAddress(host, port), Math.min(timeoutMs, 60_000));
                } catch (IOException e) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "stream trainer: the task of partition %d cannot connect to the driver at %s:%d "
                                    + "(spark.driver.host / %s): %s", p, host, port, PORT_KEY, e), e);
                }
                s.setSoTimeout(timeoutMs);
                InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
                OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
                ByteBuffer hello = ByteBuffer.allocate(HELLO_BYTES);
                hello.put(token).putInt(p).putInt(ctx.stageAttemptNumber()).putInt(task.aggBytes());
                out.write(hello.array());
                out.flush();
                loop(p, ctx.stageAttemptNumber(), mine, in, out);
            } catch (SocketException | EOFException e) {
                // the driver closed the connection: it abandoned this stage attempt or the run
                throw new IllegalStateException("stream trainer: the driver closed the connection of partition "
                        + p + ": " + e, e);
            } catch (IOException e) {
                throw new IllegalStateException("stream trainer: partition " + p + ": " + e, e);
            }
            return scala.collection.Iterator$.MODULE$.empty();
        }

        private void loop(int p, int stageAttempt, List<FloatBlock> mine, InputStream in, OutputStream out)
                throws IOException {
            int weightBytes = task.weightBytes();
            byte[] wmsg = new byte[weightBytes];
            byte[] amsg = new byte[4 + task.aggBytes()];
            ByteBuffer abuf = ByteBuffer.wrap(amsg).order(ByteOrder.LITTLE_ENDIAN);
            byte[] head = new byte[4];
            ByteBuffer headBuf = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            TaskStep ts = task.open(p, mine, parts);
            try {
                while (true) {
                    readFully(in, head, 4);
                    int step = headBuf.getInt(0);
                    if (step == DONE) {
                        if (failOnceAtStep == AFTER_LAST_STEP && p == 0 && stageAttempt == 0) {
                            throw new IllegalStateException("injected test failure after the last step");
                        }
                        return;
                    }
                    readFully(in, wmsg, weightBytes);
                    if (step == failOnceAtStep && p == 0 && stageAttempt == 0) {
                        throw new IllegalStateException("injected test failure at step " + step);
                    }
                    abuf.clear();
                    abuf.putInt(step);
                    ts.compute(step, wmsg, abuf);
                    out.write(amsg);
                    out.flush();
                }
            } finally {
                ts.close();
            }
        }
    }
}
