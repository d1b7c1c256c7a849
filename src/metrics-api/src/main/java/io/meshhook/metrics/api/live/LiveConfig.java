package io.meshhook.metrics.api.live;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Timings of the live stream: heartbeats, membership refresh and the LISTEN connection's reconnects. */
@ConfigMapping(prefix = "run-metrics.live")
public interface LiveConfig {

    /** How often an open stream gets a comment line, so proxies and load balancers do not close it as idle. */
    @WithDefault("15s")
    Duration keepalive();

    /** How often an open stream re-reads the caller's projects, because memberships change while it is open. */
    @WithDefault("60s")
    Duration membershipRefresh();

    /** The first wait before the LISTEN connection is opened again after a loss; doubled on each failed try. */
    @WithDefault("250ms")
    Duration reconnectInitial();

    /** The longest wait between two reconnect tries; they go on for as long as the process runs. */
    @WithDefault("5s")
    Duration reconnectMax();

    /**
     * How often the LISTEN connection is probed with a query, so a connection whose server vanished without
     * closing it (a failover, a dropped NAT entry) is noticed and replaced instead of silently going quiet.
     */
    @WithDefault("30s")
    Duration probe();
}
