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
 * The stream trainer's tracker: the driver side of one segment of steps. It accepts the tasks'
 * authenticated connections, sends each step's weights and merges the answers in partition order,
 * and handles stage retries (a broken or newer attempt discards the step in progress and redoes it
 * once every partition of the new attempt has connected). See {@link StreamTrainer}.
 */
final class StreamTracker {
    private static final Logger LOG = LoggerFactory.getLogger(StreamTracker.class);

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


    final ServerSocket server;
    final byte[] token;
    final StreamTrainer.DriverSide side;
    private final int parts;
    private final int timeoutMs;
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

    StreamTracker(ServerSocket server, byte[] token, StreamTrainer.DriverSide side, int parts, int timeoutMs) {
        this.parts = parts;
        this.timeoutMs = timeoutMs;
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
        byte[] hello = new byte[StreamTrainer.HELLO_BYTES];
        while (!closed) {
            Socket s = null;
            try {
                s = server.accept();
                s.setTcpNoDelay(true);
                s.setSoTimeout(Math.min(timeoutMs, 10_000));
                InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
                StreamTrainer.readFully(in, hello, StreamTrainer.HELLO_BYTES);
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
                s.setSoTimeout(StreamTrainer.POLL_MS);
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
                c = pending.poll(StreamTrainer.POLL_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for training tasks", e);
            }
            if (c == null) {
                checkJob(step);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("stream trainer: only " + have + " of " + parts
                            + " training tasks connected to the driver at " + server.getLocalSocketAddress()
                            + " within " + timeoutMs / 1000 + " s (" + StreamTrainer.TIMEOUT_KEY
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
            throw StreamTrainer.sneaky(e.getCause() != null ? e.getCause() : e);
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
                            + c.partition + " for step " + s + " within " + timeoutMs / 1000 + " s (" + StreamTrainer.TIMEOUT_KEY + ")");
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
                c.out.write(new byte[] {-1, -1, -1, -1}); // StreamTrainer.DONE in any byte order
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
                job.get(StreamTrainer.POLL_MS, TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                throw StreamTrainer.sneaky(e.getCause() != null ? e.getCause() : e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("stream trainer: the training stage did not end within "
                            + timeoutMs / 1000 + " s after the last step (" + StreamTrainer.TIMEOUT_KEY + ")", e);
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
