package io.meshhook.metrics.evaluator.delivery;

import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Delivers the due notifications of the outbox, each channel and target on its own: one failing never holds back
 * another. Delivery is at most once per successful send: a row is claimed (committed) before it is sent and marked
 * delivered right after. If the process dies between a successful send and that mark, the claim lease ends and
 * the notification is sent once more; that is the only duplicate possible, and it carries the same
 * notification id (webhook-id, X-Alert-Notification-Id) so receivers can recognise it.
 */
@ApplicationScoped
public class Delivery {

    /** Sends at a time per pass: enough to overlap slow receivers, few enough to be gentle on the SMTP server. */
    private static final int CONCURRENCY = 4;

    private final Outbox outbox;
    private final Clock clock;
    private final Map<String, Channel> channels;
    private final MeterRegistry meters;

    Delivery(Outbox outbox, Clock clock, Instance<Channel> channels, MeterRegistry meters) {
        this.outbox = outbox;
        this.clock = clock;
        this.channels = channels.stream().collect(Collectors.toMap(Channel::name, Function.identity()));
        this.meters = meters;
    }

    /** Delivers what is due now; answers how many were delivered. */
    public Uni<Integer> deliverDue() {
        return outbox.claimDue(clock.instant())
                .chain(claimed -> Multi.createFrom().iterable(claimed)
                        .onItem().transformToUni(this::deliver).merge(CONCURRENCY)
                        .collect().with(Collectors.summingInt(delivered -> delivered ? 1 : 0)));
    }

    private Uni<Boolean> deliver(Notification n) {
        Channel channel = channels.get(n.channel());
        Uni<Void> sent = channel == null
                ? Uni.createFrom().failure(new IllegalStateException("no channel " + n.channel()))
                : Uni.createFrom().deferred(() -> channel.send(n));
        return sent.onItemOrFailure().transformToUni((ignored, failure) -> {
            meters.counter("run_metrics.notifications", "channel", n.channel(), "result",
                    failure == null ? "sent" : "failed").increment();
            if (failure == null) {
                return outbox.markDelivered(n, clock.instant()).replaceWith(true);
            }
            Log.warnf("notification %s (%s) failed, attempt %d: %s", n.id(), n.channel(), n.attempts(),
                    failure.toString());
            return outbox.markFailed(n, failure.getMessage() == null ? failure.toString() : failure.getMessage(),
                    clock.instant()).replaceWith(false);
        }).onFailure().recoverWithItem(failure -> {
            // the mark itself failed (database gone): the claim expires and the row is retried later
            Log.errorf("could not record the delivery of notification %s: %s", n.id(), failure.toString());
            return false;
        });
    }
}
