package io.meshhook.metrics.api.live;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgSubscriber;

/**
 * The process's one LISTEN connection on channel {@code run_metrics}, shared by every stream: each notification the
 * record path commits is handed to the streams; once the connection is back after a loss, they are told to
 * re-fetch, because PostgreSQL does not keep notifications for a listener that was away.
 */
@ApplicationScoped
public class CountersListener {

    static final String CHANNEL = "run_metrics";
    /** How the LISTEN backend shows in {@code pg_stat_activity}, so operators can tell it from pool connections. */
    static final String APPLICATION_NAME = "metrics-api live stream";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final LiveClients clients;
    private final LiveConfig config;
    private final PgConnectOptions options;
    /** The subscriber in charge; a replaced one (whose first connect failed) finds it is no longer and stops. */
    private volatile PgSubscriber current;
    private volatile boolean listening;
    private volatile boolean stopped;
    private long probeTimer = -1;

    CountersListener(Vertx vertx, LiveClients clients, LiveConfig config,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") List<String> urls,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.clients = clients;
        this.config = config;
        // the first URL: the pool may list fail-over hosts, but one listener needs one server
        this.options = PgConnectOptions.fromUri(urls.get(0));
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        options.addProperty("application_name", APPLICATION_NAME);
    }

    void start(@Observes StartupEvent event) {
        // the first connect is not covered by the reconnect policy, so it is retried here; startup never waits
        connect(0);
        probeTimer = vertx.setPeriodic(config.probe().toMillis(), ignored -> probe());
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        vertx.cancelTimer(probeTimer);
        clients.endAll();
        PgSubscriber subscriber = current;
        current = null;
        if (subscriber != null) {
            subscriber.close();
        }
    }

    /** True while notifications can arrive: LISTEN ran on the connection that is open now. */
    public boolean listening() {
        return listening;
    }

    private void connect(int attempt) {
        if (stopped) {
            return;
        }
        PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options);
        subscriber.reconnectPolicy(lost -> subscriber == current ? reconnectDelay(lost) : -1L);
        subscriber.channel(CHANNEL)
                .subscribeHandler(ignored -> onListening(subscriber))
                .handler(payload -> {
                    if (subscriber == current) {
                        CountersNotice.parse(payload).ifPresent(clients::publish);
                    }
                });
        current = subscriber;
        subscriber.connect().onFailure(failure -> {
            Log.warnf("cannot LISTEN on %s yet (%s); retrying", CHANNEL, failure.getMessage());
            // a subscriber whose first connect failed ignores connect() from then on: replace it
            if (current == subscriber) {
                current = null;
            }
            subscriber.close();
            vertx.setTimer(backoff(attempt), ignored -> connect(attempt + 1));
        });
    }

    private void onListening(PgSubscriber subscriber) {
        if (subscriber != current) {
            // a replaced subscriber that got through late: one listener per process, so it goes
            PgConnection late = subscriber.actualConnection();
            if (late != null) {
                late.close();
            }
            return;
        }
        PgConnection connection = subscriber.actualConnection();
        if (connection != null) {
            // without a handler the SQL client prints every connection error's stack trace to stderr
            connection.exceptionHandler(failure -> Log.debugf("LISTEN connection: %s", failure.toString()));
        }
        listening = true;
        Log.infof("listening on %s; %d open streams told to re-fetch", CHANNEL, clients.size());
        // also on the first LISTEN: a stream opened before it may have missed notifications
        clients.resyncAll(LiveClient.RECONNECTED);
    }

    /** Called by the subscriber with the number of failed tries since the loss; -1 would give up. */
    private long reconnectDelay(int failedTries) {
        if (failedTries == 0) {
            listening = false;
            Log.warnf("lost the LISTEN connection on %s; reconnecting", CHANNEL);
        }
        return stopped ? -1L : backoff(failedTries);
    }

    private long backoff(int failedTries) {
        long initial = Math.max(1, config.reconnectInitial().toMillis());
        return Math.min(config.reconnectMax().toMillis(), initial << Math.min(failedTries, 20));
    }

    /** A query on the LISTEN connection: no answer means a connection nobody will close for us, so we do. */
    private void probe() {
        PgSubscriber subscriber = current;
        PgConnection connection = subscriber == null ? null : subscriber.actualConnection();
        if (connection == null) {
            return;
        }
        connection.query("select 1").execute()
                .timeout(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .onFailure(failure -> {
                    Log.warnf("the LISTEN connection did not answer a probe (%s); replacing it", failure.getMessage());
                    connection.close();
                });
    }
}
