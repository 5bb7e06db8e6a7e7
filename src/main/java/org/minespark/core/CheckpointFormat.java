package org.minespark.core;

import static org.minespark.core.TrainingCheckpoint.VERSION;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The binary file format of a {@link TrainingCheckpoint}: big-endian ({@link DataOutputStream}),
 * magic {@code MINECKPT}, version, the fields, then a CRC-32 of everything before it. Floats and
 * doubles are stored as their raw bits, so a round trip is exact (NaN payloads too). Version 2
 * appends the adaptive batch state; a version-1 file reads as "no growth yet" (batch 0).
 */
final class CheckpointFormat {
    private static final byte[] MAGIC = {'M', 'I', 'N', 'E', 'C', 'K', 'P', 'T'};

    private CheckpointFormat() {
    }

    /** Writes {@code c} (with its trailing CRC-32); does not close {@code out}. */
    static void write(TrainingCheckpoint c, OutputStream out) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64 + 12 * size(c.params));
        DataOutputStream d = new DataOutputStream(buf);
        d.write(MAGIC);
        d.writeInt(VERSION);
        d.writeInt(c.fingerprint.size());
        for (Map.Entry<String, String> e : c.fingerprint.entrySet()) {
            d.writeUTF(e.getKey());
            d.writeUTF(e.getValue());
        }
        d.writeInt(c.attempt);
        d.writeLong(Double.doubleToRawLongBits(c.learningRate));
        d.writeBoolean(c.firstDivergence != null);
        if (c.firstDivergence != null) {
            d.writeUTF(c.firstDivergence);
        }
        d.writeInt(c.step);
        d.writeBoolean(c.finished);
        writeTensors(d, c.params);
        writeTensors(d, c.m);
        writeTensors(d, c.v);
        d.writeInt(c.adamT);
        writeDoubles(d, c.boundState);
        d.writeInt(c.monitorState.length);
        d.write(c.monitorState);
        d.writeBoolean(c.kept != null);
        if (c.kept != null) {
            writeTensors(d, c.kept);
        }
        d.writeInt(c.keptStep);
        writeDoubles(d, c.curve);
        d.writeLong(Double.doubleToRawLongBits(c.trainingSeconds));
        d.writeInt(c.batchSize);
        d.writeInt(c.batchGrowthSteps.length);
        for (int g : c.batchGrowthSteps) {
            d.writeInt(g);
        }
        d.flush();
        CRC32 crc = new CRC32();
        crc.update(buf.toByteArray());
        d.writeLong(crc.getValue());
        d.flush();
        buf.writeTo(out);
        out.flush();
    }

    /**
     * Reads a checkpoint written by {@link #write}.
     *
     * @throws IOException if the stream is not a checkpoint of this version, is truncated or its
     *                     checksum does not match
     */
    static TrainingCheckpoint read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        if (all.length < MAGIC.length + 12 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new IOException("not a mine-spark checkpoint (no MINECKPT header)");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = 0;
        for (int i = all.length - 8; i < all.length; i++) {
            stored = (stored << 8) | (all[i] & 0xff);
        }
        if (stored != crc.getValue()) {
            throw new IOException("checkpoint checksum mismatch (truncated or damaged file)");
        }
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(all, MAGIC.length, all.length - 8 - MAGIC.length));
        int version = d.readInt();
        if (version != VERSION && version != 1) {
            throw new IOException("checkpoint format version " + version + ", this build reads versions 1 and " + VERSION);
        }
        int nf = d.readInt();
        Map<String, String> fp = new LinkedHashMap<>();
        for (int i = 0; i < nf; i++) {
            fp.put(d.readUTF(), d.readUTF());
        }
        int attempt = d.readInt();
        double lr = Double.longBitsToDouble(d.readLong());
        String firstDivergence = d.readBoolean() ? d.readUTF() : null;
        int step = d.readInt();
        boolean finished = d.readBoolean();
        float[][] params = readTensors(d);
        float[][] m = readTensors(d);
        float[][] v = readTensors(d);
        int adamT = d.readInt();
        double[] boundState = readDoubles(d);
        byte[] mon = new byte[d.readInt()];
        d.readFully(mon);
        float[][] kept = d.readBoolean() ? readTensors(d) : null;
        int keptStep = d.readInt();
        double[] curve = readDoubles(d);
        double seconds = Double.longBitsToDouble(d.readLong());
        int batch = 0;
        int[] growth = new int[0];
        if (version >= 2) {
            // version 1 predates adaptive batch growth: read as "no growth yet" (batch 0 = the run's batch)
            batch = d.readInt();
            int ng = d.readInt();
            if (ng < 0 || ng > 64) {
                throw new IOException("checkpoint: bad batch growth count " + ng);
            }
            growth = new int[ng];
            for (int i = 0; i < ng; i++) {
                growth[i] = d.readInt();
            }
        }
        return new TrainingCheckpoint(fp, attempt, lr, firstDivergence, step, finished, params, m, v, adamT,
                boundState, mon, kept, keptStep, curve, seconds, batch, growth);
    }

    private static int size(float[][] t) {
        int n = 0;
        for (float[] a : t) {
            n += a.length;
        }
        return n;
    }

    private static void writeTensors(DataOutputStream d, float[][] t) throws IOException {
        d.writeInt(t.length);
        for (float[] a : t) {
            d.writeInt(a.length);
            for (float f : a) {
                d.writeInt(Float.floatToRawIntBits(f));
            }
        }
    }

    private static float[][] readTensors(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0 || n > 1 << 16) {
            throw new IOException("corrupt checkpoint: " + n + " tensors");
        }
        float[][] t = new float[n][];
        for (int i = 0; i < n; i++) {
            int len = d.readInt();
            if (len < 0) {
                throw new IOException("corrupt checkpoint: tensor of " + len + " values");
            }
            t[i] = new float[len];
            for (int j = 0; j < len; j++) {
                t[i][j] = Float.intBitsToFloat(d.readInt());
            }
        }
        return t;
    }

    private static void writeDoubles(DataOutputStream d, double[] a) throws IOException {
        d.writeInt(a.length);
        for (double x : a) {
            d.writeLong(Double.doubleToRawLongBits(x));
        }
    }

    private static double[] readDoubles(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0) {
            throw new IOException("corrupt checkpoint: " + n + " values");
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = Double.longBitsToDouble(d.readLong());
        }
        return a;
    }
}
