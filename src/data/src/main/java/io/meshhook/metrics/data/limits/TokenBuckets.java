package io.meshhook.metrics.data.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket per tenant key: each holds up to {@code burst} tokens and refills at {@code rate} per second; a
 * request takes one. The map stays bounded: a bucket that has refilled to full is indistinguishable from a new one,
 * so sweeps drop those losslessly, and past {@code maxTenants} active keys new keys share one overflow bucket.
 */
public final class TokenBuckets {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Refill arithmetic in doubles may land a hair below a whole token at the instant it is due. */
    private static final double EPSILON = 1e-9;

    private final double tokensPerNano;
    private final int burst;
    private final int maxTenants;
    private final LongSupplier nanoTime;
    private final long sweepNanos;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Bucket overflow;
    private final AtomicLong lastSweep;

    /**
     * @param rate
     *            tokens added per second
     * @param burst
     *            the bucket's size: requests admitted at once after being idle
     * @param maxTenants
     *            keys with a bucket of their own at most
     * @param nanoTime
     *            the monotonic clock ({@code System::nanoTime}; tests pass their own)
     */
    public TokenBuckets(double rate, int burst, int maxTenants, LongSupplier nanoTime) {
        if (!(rate > 0) || burst < 1 || maxTenants < 1) {
            throw new IllegalArgumentException("rate and burst must be positive, maxTenants at least 1");
        }
        this.tokensPerNano = rate / NANOS_PER_SECOND;
        this.burst = burst;
        this.maxTenants = maxTenants;
        this.nanoTime = nanoTime;
        // a bucket idle for burst / rate is full again; sweeping no more than once a second bounds its cost
        this.sweepNanos = Math.min(NANOS_PER_SECOND, (long) Math.ceil(burst / tokensPerNano));
        long now = nanoTime.getAsLong();
        this.overflow = new Bucket(burst, now);
        this.lastSweep = new AtomicLong(now);
    }

    /**
     * Takes a token from the key's bucket.
     *
     * @return 0 when the request is admitted; otherwise the whole seconds (at least 1) until the bucket holds a token
     */
    public long take(String key) {
        long now = nanoTime.getAsLong();
        sweepIfDue(now);
        long[] wait = new long[1];
        Bucket own = buckets.compute(key, (k, bucket) -> {
            if (bucket == null) {
                if (buckets.size() >= maxTenants) {
                    return null; // no room: this key shares the overflow bucket below
                }
                bucket = new Bucket(burst, now);
            }
            wait[0] = bucket.take(now);
            return bucket;
        });
        if (own == null) {
            synchronized (overflow) {
                return overflow.take(now);
            }
        }
        return wait[0];
    }

    /** Keys that have a bucket of their own now. */
    public int tenants() {
        return buckets.size();
    }

    /** Drops every bucket that is full again, at most once a second (or once per refill time when shorter). */
    private void sweepIfDue(long now) {
        long last = lastSweep.get();
        if (now - last < sweepNanos || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        for (String key : buckets.keySet()) {
            buckets.computeIfPresent(key, (k, bucket) -> bucket.fullAt(now) ? null : bucket);
        }
    }

    /** One tenant's tokens; guarded by the map's lock on its key (or, for the overflow bucket, by itself). */
    private final class Bucket {

        private double tokens;
        private long updatedAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedAt = now;
        }

        long take(long now) {
            refill(now);
            if (tokens >= 1 - EPSILON) {
                tokens = Math.max(0, tokens - 1);
                return 0;
            }
            long nanos = (long) Math.ceil((1 - tokens) / tokensPerNano);
            return Math.max(1, (nanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
        }

        boolean fullAt(long now) {
            refill(now);
            return tokens >= burst - EPSILON;
        }

        private void refill(long now) {
            if (now > updatedAt) {
                tokens = Math.min(burst, tokens + (now - updatedAt) * tokensPerNano);
                updatedAt = now;
            }
        }
    }
}
