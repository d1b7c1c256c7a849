package io.meshhook.metrics.evaluator.delivery;

import io.smallrye.mutiny.Uni;

/** One way of delivering a notification; a failed Uni means "try again later". */
public interface Channel {

    /** The channel name as stored in alert_notifications.channel. */
    String name();

    /** Sends the notification to its target; completes only once the receiver accepted it. */
    Uni<Void> send(Notification notification);
}
