package io.meshhook.metrics.data.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the per-tenant buckets, on a clock the test moves: no key is ever admitted more than its budget,
 * one key's flood never costs another key a request, Retry-After is always long enough and never too long, and the
 * map holds no more keys than it may.
 */
class TokenBucketsTest {

    private static final long SECOND = 1_000_000_000L;

    /** Requests of a key: the gap in milliseconds before each, and which of a few keys sends it. */
    record Request(int key, long gapMillis) {
    }

    @Provide
    Arbitrary<List<Request>> requests() {
        Arbitrary<Request> one = Arbitraries.integers().between(0, 3).flatMap(key -> Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(0, 5)),
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, 400)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 10_000)))
                .map(gap -> new Request(key, gap)));
        return one.list().ofMinSize(1).ofMaxSize(400);
    }

    @Property(tries = 300)
    void shouldNeverAdmitAKeyMoreThanBurstPlusRateTimesElapsed(@ForAll("requests") List<Request> requests,
            @ForAll @IntRange(min = 1, max = 20) int rate, @ForAll @IntRange(min = 1, max = 30) int burst) {
        AtomicLong clock = new AtomicLong();
        TokenBuckets buckets = new TokenBuckets(rate, burst, 100, clock::get);
        long[] admitted = new long[4];
        long[] firstAt = {-1, -1, -1, -1};
        for (Request r : requests) {
            long now = clock.addAndGet(r.gapMillis() * 1_000_000);
            if (firstAt[r.key()] < 0) {
                firstAt[r.key()] = now;
            }
            if (buckets.take("k" + r.key()) == 0) {
                admitted[r.key()]++;
                double elapsed = (double) (now - firstAt[r.key()]) / SECOND;
                assertThat((double) admitted[r.key()]).as("key %d admitted by %.3f s", r.key(), elapsed)
                        .isLessThanOrEqualTo(burst + rate * elapsed + 1e-6);
            }
        }
    }

    @Property(tries = 300)
    void shouldAdmitEveryRequestOfAQuietKeyWhileAnotherFloods(@ForAll @IntRange(min = 1, max = 1000) int flood,
            @ForAll @IntRange(min = 1, max = 10) int burst) {
        AtomicLong clock = new AtomicLong();
        TokenBuckets buckets = new TokenBuckets(1, burst, 100, clock::get);
        for (int i = 0; i < burst + flood; i++) {
            buckets.take("flooder");
        }
        for (int i = 0; i < burst; i++) {
            assertThat(buckets.take("quiet")).as("quiet request %d after %d of the flooder", i, flood).isZero();
        }
        assertThat(buckets.take("flooder")).isPositive();
    }

    @Property(tries = 300)
    void shouldAdmitARefusedKeyExactlyOnceRetryAfterHasPassed(@ForAll @IntRange(min = 1, max = 50) int burst,
            @ForAll("rates") double rate, @ForAll @IntRange(min = 0, max = 3000) int extra) {
        AtomicLong clock = new AtomicLong(7 * SECOND);
        TokenBuckets buckets = new TokenBuckets(rate, burst, 10, clock::get);
        long retryAfter = 0;
        for (int i = 0; i < burst + extra && retryAfter == 0; i++) {
            retryAfter = buckets.take("k");
        }
        if (retryAfter == 0) {
            retryAfter = buckets.take("k");
        }
        assertThat(retryAfter).isPositive();
        // Retry-After is whole seconds rounded up: a second earlier than it says is too early
        long needed = (long) Math.ceil(1 / rate * SECOND);
        assertThat(retryAfter * SECOND).isGreaterThanOrEqualTo(needed).isLessThan(needed + SECOND + 1);

        clock.addAndGet(retryAfter * SECOND);
        assertThat(buckets.take("k")).as("after waiting Retry-After = %d s", retryAfter).isZero();
    }

    @Provide
    Arbitrary<Double> rates() {
        return Arbitraries.of(0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 50.0, 5000.0);
    }

    @Property(tries = 200)
    void shouldNeverHoldMoreKeysThanMaxTenants(
            @ForAll @Size(min = 1, max = 500) List<@IntRange(min = 0, max = 10_000) Integer> keys,
            @ForAll @IntRange(min = 1, max = 50) int maxTenants,
            @ForAll @IntRange(min = 0, max = 2000) int gapMillis) {
        AtomicLong clock = new AtomicLong();
        TokenBuckets buckets = new TokenBuckets(5, 3, maxTenants, clock::get);
        for (int key : keys) {
            clock.addAndGet(gapMillis * 1_000_000L);
            buckets.take("user-" + key);
            assertThat(buckets.tenants()).isLessThanOrEqualTo(maxTenants);
        }
    }

    @Property(tries = 100)
    void shouldForgetEveryKeyOnceItsBucketHasRefilled(@ForAll @IntRange(min = 1, max = 2000) int keys,
            @ForAll @IntRange(min = 1, max = 20) int burst) {
        AtomicLong clock = new AtomicLong();
        TokenBuckets buckets = new TokenBuckets(10, burst, 1_000_000, clock::get);
        for (int i = 0; i < keys; i++) {
            buckets.take("user-" + i);
        }
        assertThat(buckets.tenants()).isEqualTo(keys);

        clock.addAndGet(SECOND * burst / 10 + SECOND);
        buckets.take("late");

        assertThat(buckets.tenants()).as("only the key that just asked").isEqualTo(1);
    }

    @Property(tries = 100)
    void shouldLetNewKeysShareOneBucketWhileTheMapIsFullOfActiveOnes(
            @ForAll @IntRange(min = 1, max = 20) int maxTenants, @ForAll @IntRange(min = 1, max = 10) int burst) {
        AtomicLong clock = new AtomicLong();
        TokenBuckets buckets = new TokenBuckets(1, burst, maxTenants, clock::get);
        for (int i = 0; i < maxTenants; i++) {
            buckets.take("active-" + i);
        }
        int admitted = 0;
        for (int i = 0; i < 100; i++) {
            admitted += buckets.take("newcomer-" + i) == 0 ? 1 : 0;
        }
        assertThat(admitted).as("newcomers share one bucket of %d", burst).isEqualTo(burst);
        assertThat(buckets.tenants()).isEqualTo(maxTenants);
    }
}
