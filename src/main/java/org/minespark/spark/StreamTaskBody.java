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

/** The task of one partition: connect, then compute one answer per step until told to stop. */
final class StreamTaskBody extends AbstractFunction1<Iterator<FloatBlock>, Iterator<Integer>> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String host;
    private final int port;
    private final byte[] token;
    private final StreamTrainer.TaskSide task;
    private final int timeoutMs;
    private final int failOnceAtStep;
    private final int parts;

    StreamTaskBody(String host, int port, byte[] token, StreamTrainer.TaskSide task, int timeoutMs, int failOnceAtStep, int parts) {
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
        if (failOnceAtStep == StreamTrainer.BEFORE_CONNECTING && p == 0 && ctx.stageAttemptNumber() == 0) {
            throw new IllegalStateException("injected test failure before connecting");
        }
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            try {
                s.connect(new InetSocketAddress(host, port), Math.min(timeoutMs, 60_000));
            } catch (IOException e) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "stream trainer: the task of partition %d cannot connect to the driver at %s:%d "
                                + "(spark.driver.host / %s): %s", p, host, port, StreamTrainer.PORT_KEY, e), e);
            }
            // short reads: a waiting task checks for a kill (see read) between them
            s.setSoTimeout(Math.min(timeoutMs, StreamTrainer.POLL_MS));
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            ByteBuffer hello = ByteBuffer.allocate(StreamTrainer.HELLO_BYTES);
            hello.put(token).putInt(p).putInt(ctx.stageAttemptNumber()).putInt(task.aggBytes());
            out.write(hello.array());
            out.flush();
            loop(ctx, mine, in, out);
        } catch (SocketException | EOFException e) {
            // the driver closed the connection: it abandoned this stage attempt or the run
            throw new IllegalStateException("stream trainer: the driver closed the connection of partition "
                    + p + ": " + e, e);
        } catch (IOException e) {
            throw new IllegalStateException("stream trainer: partition " + p + ": " + e, e);
        }
        return scala.collection.Iterator$.MODULE$.empty();
    }

    private void loop(BarrierTaskContext ctx, List<FloatBlock> mine, InputStream in, OutputStream out)
            throws IOException {
        int p = ctx.partitionId();
        int stageAttempt = ctx.stageAttemptNumber();
        int weightBytes = task.weightBytes();
        byte[] wmsg = new byte[weightBytes];
        byte[] amsg = new byte[4 + task.aggBytes()];
        ByteBuffer abuf = ByteBuffer.wrap(amsg).order(ByteOrder.LITTLE_ENDIAN);
        byte[] head = new byte[4];
        ByteBuffer headBuf = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        StreamTrainer.TaskStep ts = task.open(p, mine, parts);
        try {
            while (true) {
                read(ctx, in, head, 4);
                int step = headBuf.getInt(0);
                if (step == StreamTrainer.DONE) {
                    if (failOnceAtStep == StreamTrainer.AFTER_LAST_STEP && p == 0 && stageAttempt == 0) {
                        throw new IllegalStateException("injected test failure after the last step");
                    }
                    return;
                }
                read(ctx, in, wmsg, weightBytes);
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

    /**
     * Reads {@code len} bytes, ending the task when Spark kills it meanwhile. When another task of
     * the stage attempt fails, Spark kills this one without interrupting its thread (a blocked
     * socket read would not notice an interrupt anyway) and the next attempt needs its slot: a
     * task that kept waiting for weights (the driver waits for the next attempt and sends none)
     * would hold the slot until the read timeout, and with exactly as many slots as partitions
     * the stage would never rerun. Fails after {@code timeoutMs} without data.
     */
    private void read(BarrierTaskContext ctx, InputStream in, byte[] b, int len) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int off = 0;
        while (off < len) {
            try {
                int n = in.read(b, off, len - off);
                if (n < 0) {
                    throw new EOFException("connection closed after " + off + " of " + len + " bytes");
                }
                off += n;
                deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            } catch (SocketTimeoutException e) {
                ctx.killTaskIfInterrupted();
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }
}
