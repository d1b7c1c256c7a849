package io.meshhook.metrics.evaluator;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the threshold evaluator runs and delivers: its schedule, the outbox's retries and the dashboard link. */
@ConfigMapping(prefix = "run-metrics")
public interface AlertsConfig {

    /** The dashboard page notifications link to; the project and workflow are added as query parameters. */
    @WithDefault("http://localhost:8082/")
    String dashboardUrl();

    /** When evaluation passes run. */
    Evaluator evaluator();

    /** How queued notifications are delivered. */
    Delivery delivery();

    /** When evaluation passes run. */
    interface Evaluator {

        /** The Quartz-style cron of the built-in schedule (seconds first); every minute by default. */
        @WithDefault("0 * * * * ?")
        String cron();

        /**
         * Whether the built-in schedule runs. Off when an external scheduler calls {@code evaluateThresholds}
         * instead (a deployment scaled to zero has no timer of its own).
         */
        @WithDefault("true")
        boolean schedulerEnabled();

        /** When retention runs with the built-in timer (daily by default; off with the timer). */
        @WithDefault("0 17 3 * * ?")
        String retentionCron();
    }

    /** How queued notifications are delivered. */
    interface Delivery {

        /** Attempts per notification and channel before it is given up as failed (and that is recorded). */
        @WithDefault("8")
        int maxAttempts();

        /** The wait after the first failed attempt; it doubles after each further one. */
        @WithDefault("30s")
        Duration initialBackoff();

        /** The longest wait between two attempts. */
        @WithDefault("1h")
        Duration maxBackoff();

        /** Notifications claimed per delivery round; the rest wait for the next pass. */
        @WithDefault("100")
        int batchSize();

        /**
         * How long claimed notifications stay invisible to other deliverers. Must exceed a whole round (batch size
         * / 4 concurrent sends × the slowest send), or a slow round could see its rows claimed again; it is also
         * when a notification whose deliverer died is tried again.
         */
        @WithDefault("10m")
        Duration claimLease();

        /** Connect and response timeout of webhook and Slack calls, so one slow receiver cannot stall a pass. */
        @WithDefault("10s")
        Duration httpTimeout();
    }
}
