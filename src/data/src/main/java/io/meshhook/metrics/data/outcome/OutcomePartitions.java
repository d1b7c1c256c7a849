package io.meshhook.metrics.data.outcome;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Makes sure the weekly partition of raw outcomes exists before a run is written into it. Known weeks are
 * remembered, so the common case costs nothing; a partition dropped meanwhile is recreated after a retry.
 */
@ApplicationScoped
class OutcomePartitions {

    /** Monday 2000-01-03 00:00 UTC: weeks are counted from here, as in run_metrics_ensure_outcome_partition. */
    private static final long WEEK_ORIGIN = 946_857_600L;
    private static final long WEEK_SECONDS = 7 * 86_400L;

    private final Set<Long> known = ConcurrentHashMap.newKeySet();
    private final Pool pool;

    OutcomePartitions(Pool pool) {
        this.pool = pool;
    }

    Uni<Void> ensure(Collection<Instant> finishedAts) {
        List<Long> missing = finishedAts.stream().map(OutcomePartitions::week).distinct()
                .filter(week -> !known.contains(week)).toList();
        if (missing.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(missing)
                .onItem().transformToUniAndConcatenate(week -> pool.preparedQuery(OutcomeSql.ENSURE_PARTITION)
                        .execute(Tuple.of(weekStart(week)))
                        .invoke(() -> known.add(week)))
                .collect().last().replaceWithVoid();
    }

    /**
     * Where complete raw weeks begin, as run_metrics_raw_complete_since computes it: the week after the one that
     * holds {@code now - keep}. Older outcomes are counted but not stored raw.
     */
    static Instant rawCompleteSince(Instant now, java.time.Duration keep) {
        return weekStart(week(now.minus(keep)) + 1).toInstant();
    }

    /** Forgets what is known, after a write found a partition missing (dropped by retention meanwhile). */
    void forget() {
        known.clear();
    }

    private static long week(Instant at) {
        return Math.floorDiv(at.getEpochSecond() - WEEK_ORIGIN, WEEK_SECONDS);
    }

    private static OffsetDateTime weekStart(long week) {
        return OffsetDateTime.ofInstant(Instant.ofEpochSecond(WEEK_ORIGIN + week * WEEK_SECONDS), ZoneOffset.UTC);
    }
}
