package org.minespark.spark;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A streaming map-and-filter over a partition's iterator: {@link #map} turns the i-th input
 * element (0-based index within the partition) into an output, or returns null to skip it. Looks
 * one element ahead; holds no buffer.
 */
abstract class MappingIterator<I, O> implements Iterator<O> {
    private final Iterator<I> in;
    private long index;
    private O next;

    MappingIterator(Iterator<I> in) {
        this.in = in;
    }

    /** The output for {@code element}, the {@code index}-th input of the partition, or null to skip it. */
    protected abstract O map(I element, long index);

    private void advance() {
        while (next == null && in.hasNext()) {
            next = map(in.next(), index++);
        }
    }

    @Override
    public boolean hasNext() {
        advance();
        return next != null;
    }

    @Override
    public O next() {
        advance();
        if (next == null) {
            throw new NoSuchElementException();
        }
        O n = next;
        next = null;
        return n;
    }
}
