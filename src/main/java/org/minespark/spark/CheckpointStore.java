package org.minespark.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.minespark.core.TrainingCheckpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint directory of one estimate, through the Hadoop {@link FileSystem} API (so a local
 * path, {@code hdfs://} or {@code s3a://} all work). The driver writes each checkpoint to a
 * temporary name ({@code _tmp-...}) and renames it to {@code ckpt-a<attempt>-s<step>.bin} once it is
 * complete and closed, then deletes all but the newest {@link #KEEP}. A reader only considers
 * {@code ckpt-*.bin} names, so it never sees a half-written file where rename is atomic (local
 * file systems, HDFS); where it is not (S3 copies then deletes) the trailing CRC-32 of every
 * checkpoint catches a damaged one and the previous one is used instead.
 */
final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    /** Checkpoints kept: the newest and the one before (in case the newest is damaged). */
    static final int KEEP = 2;
    private static final String PREFIX = "ckpt-a";
    private static final String SUFFIX = ".bin";
    private static final String TMP = "_tmp-";

    private final Path dir;
    private final FileSystem fs;

    CheckpointStore(String dir, Configuration conf) {
        try {
            this.dir = new Path(dir);
            this.fs = this.dir.getFileSystem(conf);
            fs.mkdirs(this.dir);
            if (!fs.getFileStatus(this.dir).isDirectory()) {
                throw new IllegalArgumentException("--checkpoint-dir " + dir + " is not a directory");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--checkpoint-dir " + dir + ": cannot create or open it: " + e.getMessage(), e);
        }
    }

    String dir() {
        return dir.toString();
    }

    static String name(int attempt, int step) {
        return String.format(java.util.Locale.ROOT, "%s%d-s%010d%s", PREFIX, attempt, step, SUFFIX);
    }

    /** Writes {@code c} atomically (temporary name, then rename) and prunes old checkpoints. */
    void save(TrainingCheckpoint c) throws IOException {
        String name = name(c.attempt(), c.step());
        Path tmp = new Path(dir, TMP + name);
        Path dst = new Path(dir, name);
        try (OutputStream out = fs.create(tmp, true)) {
            c.write(out);
        }
        fs.delete(dst, false); // a previous run's file of the same name (discarded runs only)
        if (!fs.rename(tmp, dst)) {
            fs.delete(tmp, false);
            throw new IOException("could not rename " + tmp + " to " + dst);
        }
        List<Path> all = checkpoints();
        for (int i = 0; i < all.size() - KEEP; i++) {
            fs.delete(all.get(i), false);
        }
    }

    /**
     * The newest checkpoint that reads back intact, or null if there is none. Damaged ones are
     * skipped with a warning.
     */
    TrainingCheckpoint latest() throws IOException {
        List<Path> all = checkpoints();
        for (int i = all.size() - 1; i >= 0; i--) {
            try (InputStream in = fs.open(all.get(i))) {
                return TrainingCheckpoint.read(in);
            } catch (IOException e) {
                LOG.warn("skipping checkpoint {}: {}", all.get(i), e.getMessage());
            }
        }
        return null;
    }

    /** Deletes every checkpoint and leftover temporary file; returns how many checkpoints there were. */
    int discardAll() throws IOException {
        int n = 0;
        for (FileStatus st : fs.listStatus(dir)) {
            String nm = st.getPath().getName();
            boolean ckpt = nm.startsWith(PREFIX) && nm.endsWith(SUFFIX);
            if (ckpt || nm.startsWith(TMP)) {
                fs.delete(st.getPath(), false);
                n += ckpt ? 1 : 0;
            }
        }
        return n;
    }

    /** The checkpoint files, oldest first (by attempt, then step: the names sort that way). */
    List<Path> checkpoints() throws IOException {
        List<Path> out = new ArrayList<>();
        for (FileStatus st : fs.listStatus(dir)) {
            String nm = st.getPath().getName();
            if (nm.startsWith(PREFIX) && nm.endsWith(SUFFIX) && st.isFile()) {
                out.add(st.getPath());
            }
        }
        out.sort(Comparator.comparing(Path::getName));
        return out;
    }
}
