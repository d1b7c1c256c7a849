package io.meshhook.metrics.data.outcome;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.data.problem.DatabaseFailures;
import io.meshhook.metrics.data.problem.FieldError;
import io.meshhook.metrics.data.reactive.EventLoopBridge;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * Writes validated requests with group commit. At most {@code maxConcurrentTransactions} record transactions run
 * at once; requests that arrive meanwhile wait, and the next free slot writes all of them with one statement in
 * one transaction. Every request is answered only after the commit of the transaction that holds it, so nothing is
 * acknowledged before it is durable. A group that meets a conflict, an unknown project or an unexpected statement
 * error is rolled back whole and its requests are then written one transaction each: one bad request never fails
 * or changes another, and each gets the answer it would have had alone.
 */
@ApplicationScoped
class OutcomeWriter {

    private final Pool pool;
    private final EventLoopBridge bridge;
    private final OutcomePartitions partitions;
    private final Clock clock;
    private final RetentionConfig retention;
    private final IngestConfig config;
    private final DistributionSummary groupRequests;
    private final MeterRegistry meters;

    private final Object lock = new Object();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private int running;

    OutcomeWriter(Pool pool, EventLoopBridge bridge, OutcomePartitions partitions, Clock clock,
            RetentionConfig retention, IngestConfig config, MeterRegistry meters) {
        this.pool = pool;
        this.bridge = bridge;
        this.partitions = partitions;
        this.clock = clock;
        this.retention = retention;
        this.config = config;
        this.meters = meters;
        this.groupRequests = DistributionSummary.builder("run_metrics.record.group.requests")
                .description("Requests written together in one record transaction").register(meters);
    }

    /** Writes one request's outcomes (run ids unique within it) and emits the run ids this request inserted. */
    Uni<Set<UUID>> write(List<Reported> unique) {
        if (!config.groupCommit()) {
            return bridge.onEventLoop(() -> alone(unique));
        }
        return Uni.createFrom().emitter(emitter -> {
            synchronized (lock) {
                waiting.add(new Pending(unique, emitter));
            }
            drain();
        });
    }

    /** Starts a transaction for the waiting requests in every free slot. */
    private void drain() {
        List<List<Pending>> groups = new ArrayList<>();
        synchronized (lock) {
            while (running < config.maxConcurrentTransactions() && !waiting.isEmpty()) {
                List<Pending> group = new ArrayList<>();
                int outcomes = 0;
                while (!waiting.isEmpty() && (group.isEmpty()
                        || outcomes + waiting.peek().unique.size() <= config.maxGroupOutcomes())) {
                    Pending next = waiting.poll();
                    group.add(next);
                    outcomes += next.unique.size();
                }
                running++;
                groups.add(group);
            }
        }
        for (List<Pending> group : groups) {
            groupRequests.record(group.size());
            bridge.onEventLoop(() -> flush(group)).subscribe().with(ignored -> finished(group),
                    failure -> {
                        group.forEach(p -> p.fail(failure));
                        finished(group);
                    });
        }
    }

    /** Frees the slot (and fills it again) before answering, so the next group's transaction is not delayed. */
    private void finished(List<Pending> group) {
        synchronized (lock) {
            running--;
        }
        drain();
        group.forEach(Pending::answer);
    }

    private Uni<Void> flush(List<Pending> group) {
        if (group.size() == 1) {
            return oneByOne(group);
        }
        Map<UUID, RunOutcome> first = new HashMap<>();
        List<Reported> merged = new ArrayList<>();
        for (Pending p : group) {
            for (Reported r : p.unique) {
                RunOutcome earlier = first.putIfAbsent(r.outcome().runId(), r.outcome());
                if (earlier == null) {
                    merged.add(r);
                    p.owned.add(r.outcome().runId());
                } else if (!earlier.fingerprint().equals(r.outcome().fingerprint())) {
                    // two requests disagree about one run: whichever commits first wins, as without grouping
                    return oneByOne(group);
                }
            }
        }
        return inTransaction(merged, true).invoke(inserted -> group.forEach(p -> {
            Set<UUID> mine = new HashSet<>(p.owned);
            mine.retainAll(inserted);
            p.succeed(mine);
        })).replaceWithVoid().onFailure(DatabaseFailures::isUnavailable).invoke(failure -> group.forEach(p -> p.fail(
                failure))).onFailure(DatabaseFailures::isUnavailable).recoverWithNull().onFailure()
                .recoverWithUni(failure -> {
                    meters.counter("run_metrics.record.group.fallbacks").increment();
                    return oneByOne(group);
                });
    }

    /** Each request in a transaction of its own (a few at a time), each with its own answer. */
    private Uni<Void> oneByOne(List<Pending> group) {
        return Multi.createFrom().iterable(group).onItem()
                .transformToUni(p -> alone(p.unique).invoke(p::succeed).onFailure().invoke(p::fail).onFailure()
                        .recoverWithNull())
                .merge(config.maxConcurrentTransactions()).collect().last().replaceWithVoid();
    }

    private Uni<Set<UUID>> alone(List<Reported> unique) {
        return inTransaction(unique, false);
    }

    private Uni<Set<UUID>> inTransaction(List<Reported> unique, boolean grouped) {
        Instant rawSince = OutcomePartitions.rawCompleteSince(clock.instant(), retention.outcomes());
        List<Instant> stored = unique.stream().map(r -> r.outcome().finishedAt()).filter(t -> !t.isBefore(rawSince))
                .toList();
        return Uni.createFrom()
                .deferred(() -> partitions.ensure(stored)
                        .chain(() -> pool.withTransaction(connection -> execute(connection, unique, grouped))))
                .onFailure(OutcomeWriter::isMissingPartition).invoke(partitions::forget)
                .onFailure(t -> DatabaseFailures.isRetryable(t) || isMissingPartition(t)).retry().atMost(3);
    }

    /**
     * Runs the record statement. Alone, an unknown project or a conflict fails the request with its problem (and
     * rolls it back); in a group it rolls the group back so that its requests are written one by one.
     */
    private Uni<Set<UUID>> execute(SqlConnection connection, List<Reported> unique, boolean grouped) {
        return connection.preparedQuery(OutcomeSql.RECORD)
                .execute(Tuple.of(toJson(unique), (double) retention.outcomes().toSeconds())).chain(rows -> {
                    Row row = rows.iterator().next();
                    Integer[] unknownOrds = row.getArrayOfIntegers("unknown_projects");
                    if (unknownOrds.length > 0) {
                        if (grouped) {
                            throw GroupFallback.INSTANCE;
                        }
                        throw OutcomeRecorder.invalid(Arrays.stream(unknownOrds)
                                .map(ord -> new FieldError(unique.get(ord).field("projectId"),
                                        "is not a known project"))
                                .toList());
                    }
                    Set<UUID> inserted = new HashSet<>(Arrays.asList(row.getArrayOfUUIDs("inserted")));
                    List<Reported> seenBefore = unique.stream().filter(r -> !inserted.contains(r.outcome().runId()))
                            .toList();
                    if (seenBefore.isEmpty()) {
                        return Uni.createFrom().item(inserted);
                    }
                    UUID[] ids = seenBefore.stream().map(r -> r.outcome().runId()).toArray(UUID[]::new);
                    return connection.preparedQuery(OutcomeSql.KNOWN_FINGERPRINTS).execute(Tuple.of(ids)).map(known -> {
                        Map<UUID, UUID> fingerprints = new HashMap<>();
                        known.forEach(k -> fingerprints.put(k.getUUID("run_id"), k.getUUID("fingerprint")));
                        List<FieldError> conflicts = seenBefore.stream()
                                .filter(r -> !r.outcome().fingerprint().equals(fingerprints.get(r.outcome().runId())))
                                .map(r -> new FieldError(r.field("runId"),
                                        "was already recorded with a different outcome (status, workflow or times differ)"))
                                .toList();
                        if (!conflicts.isEmpty()) {
                            if (grouped) {
                                throw GroupFallback.INSTANCE;
                            }
                            throw OutcomeRecorder.conflict(conflicts);
                        }
                        return inserted;
                    });
                });
    }

    private static JsonArray toJson(List<Reported> unique) {
        JsonArray rows = new JsonArray();
        for (int i = 0; i < unique.size(); i++) {
            RunOutcome o = unique.get(i).outcome();
            rows.add(new JsonObject().put("ord", i).put("run_id", o.runId().toString())
                    .put("project_id", o.projectId().toString()).put("workflow_id", o.workflowId().toString())
                    .put("workflow_slug", o.workflowSlug()).put("workflow_version", o.workflowVersion())
                    .put("status", o.status().wireName()).put("trigger", o.trigger().wireName())
                    .put("attempt", o.attempt()).put("retry_of", o.retryOf() == null ? null : o.retryOf().toString())
                    .put("started_at", o.startedAt().toString()).put("finished_at", o.finishedAt().toString())
                    .put("duration_ms", o.durationMs()).put("error_code", o.errorCode())
                    .put("error_message", o.errorMessage()).put("error_step", o.errorStep())
                    .put("fingerprint", o.fingerprint().toString()));
        }
        return rows;
    }

    private static boolean isMissingPartition(Throwable t) {
        return t instanceof PgException pg && "23514".equals(pg.getSqlState())
                && pg.getErrorMessage() != null && pg.getErrorMessage().contains("no partition");
    }

    /** A group must be written request by request; thrown inside its transaction, which rolls it back. */
    private static final class GroupFallback extends RuntimeException {
        static final GroupFallback INSTANCE = new GroupFallback();

        private GroupFallback() {
            super("group rolled back: a request in it must be written alone", null, false, false);
        }
    }

    /** A request waiting for its transaction, and then its answer. */
    private static final class Pending {
        final List<Reported> unique;
        final Set<UUID> owned = new HashSet<>();
        private final UniEmitter<? super Set<UUID>> emitter;
        private Set<UUID> inserted;
        private Throwable failure;

        Pending(List<Reported> unique, UniEmitter<? super Set<UUID>> emitter) {
            this.unique = unique;
            this.emitter = emitter;
        }

        void succeed(Set<UUID> inserted) {
            this.inserted = inserted;
        }

        void fail(Throwable failure) {
            if (inserted == null && this.failure == null) {
                this.failure = failure;
            }
        }

        void answer() {
            if (inserted != null) {
                emitter.complete(inserted);
            } else {
                emitter.fail(failure != null ? failure : new IllegalStateException("request was not written"));
            }
        }
    }
}
