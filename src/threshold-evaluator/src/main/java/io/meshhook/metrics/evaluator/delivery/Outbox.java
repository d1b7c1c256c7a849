package io.meshhook.metrics.evaluator.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.evaluator.AlertsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The notification outbox. A claim takes due rows ({@code for update skip locked}, so concurrent deliverers never
 * take the same row), counts the attempt and pushes next_attempt_at out by the claim lease, and commits before
 * anything is sent: the row is then invisible to every other deliverer until the lease ends, which is longer than
 * a whole round can take. Sending follows, then the mark: delivered, or due again after the backoff.
 */
@ApplicationScoped
public class Outbox {

    private static final String CLAIM = """
            update alert_notifications n set attempts = n.attempts + 1,
                next_attempt_at = $1 + make_interval(secs => $2)
            from (select project_id, id from alert_notifications
                  where status = 'pending' and next_attempt_at <= $1
                  order by next_attempt_at, id limit $3
                  for update skip locked) due
            where n.project_id = due.project_id and n.id = due.id
            returning n.project_id, n.id, n.event_id, n.channel, n.target, n.payload, n.attempts,
                (select r.webhook_secret from alert_rules r where r.id = n.rule_id) as webhook_secret
            """;

    private static final String DELIVERED = "update alert_notifications set status = 'delivered', delivered_at = $3,"
            + " last_error = null where project_id = $1 and id = $2 and status = 'pending'";

    private static final String RETRY = "update alert_notifications set last_error = $3, next_attempt_at = $4"
            + " where project_id = $1 and id = $2 and status = 'pending'";

    /** Gives up and shows it in the alert history, under the workflow and state of the event it notified. */
    private static final String GIVE_UP = """
            with n as (
                update alert_notifications set status = 'failed', last_error = $3
                where project_id = $1 and id = $2 and status = 'pending'
                returning event_id, channel, attempts
            )
            insert into alert_events (project_id, rule_id, workflow_slug, kind, from_state, to_state, occurred_at,
                details)
            select e.project_id, e.rule_id, e.workflow_slug, 'delivery_failed', null, e.to_state, $4,
                jsonb_build_object('notificationId', $2::uuid, 'eventId', e.id, 'channel', n.channel,
                    'attempts', n.attempts, 'error', $3::text)
            from n join alert_events e on e.project_id = $1 and e.id = n.event_id
            """;

    private final Pool pool;
    private final AlertsConfig.Delivery config;

    Outbox(Pool pool, AlertsConfig config) {
        this.pool = pool;
        this.config = config.delivery();
    }

    /** Claims the notifications due at {@code now} (committed before any is sent). */
    public Uni<List<Notification>> claimDue(Instant now) {
        Tuple args = Tuple.of(utc(now), (double) config.claimLease().toMillis() / 1000, config.batchSize());
        return pool.withTransaction(connection -> connection.preparedQuery(CLAIM).execute(args)).map(rows -> {
            List<Notification> claimed = new ArrayList<>();
            rows.forEach(row -> claimed.add(Notification.of(row)));
            return claimed;
        });
    }

    public Uni<Void> markDelivered(Notification n, Instant now) {
        return pool.preparedQuery(DELIVERED).execute(Tuple.of(n.projectId(), n.id(), utc(now))).replaceWithVoid();
    }

    /** Records a failed attempt: retried after the backoff, or given up after the last attempt. Answers given-up. */
    public Uni<Boolean> markFailed(Notification n, String error, Instant now) {
        String cut = error == null ? "unknown error" : error.length() > 500 ? error.substring(0, 500) : error;
        if (n.attempts() >= config.maxAttempts()) {
            return pool.preparedQuery(GIVE_UP).execute(Tuple.of(n.projectId(), n.id(), cut, utc(now)))
                    .replaceWith(true);
        }
        return pool.preparedQuery(RETRY)
                .execute(Tuple.of(n.projectId(), n.id(), cut, utc(now.plus(backoff(n.attempts())))))
                .replaceWith(false);
    }

    /** The wait after the given number of failed attempts: initial × 2^(attempts-1), capped. */
    Duration backoff(int attempts) {
        Duration wait = config.initialBackoff().multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 30));
        return wait.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : wait;
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
