package io.meshhook.metrics.data.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Per-tenant request budgets: a token bucket for each signed-in user and one for the service, so that a flood from
 * one caller is answered with 429 and cannot use up the database pool the others need.
 */
@ConfigMapping(prefix = "run-metrics.limits")
public interface LimitsConfig {

    /** Off lets every authenticated request through, whatever its rate. */
    @WithDefault("true")
    boolean enabled();

    /** Requests per second each user may sustain (their bucket refills at this rate). */
    @WithDefault("50")
    double userRate();

    /** Requests a user may send at once after being idle (their bucket's size). */
    @WithDefault("200")
    int userBurst();

    /**
     * Requests per second the service may sustain. The service-role key is one per Supabase project and held by the
     * engine (and the evaluator's scheduler) alone, so the service is one tenant with one larger bucket.
     */
    @WithDefault("5000")
    double serviceRate();

    /** Requests the service may send at once after being idle. */
    @WithDefault("10000")
    int serviceBurst();

    /**
     * At most this many users have a bucket of their own at a time; idle buckets (full again) are dropped, and while
     * the map is full of active ones, new users share one bucket of a user's size.
     */
    @WithDefault("100000")
    int maxTenants();
}
