package io.meshhook.metrics.migrate;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies infra/db/migrations to a database with Flyway, as a step of its own (the functions never run JDBC).
 * Works on a MeshHook Supabase database (non-empty schema: baseline at 0, history in a table of our own) and on
 * an empty PostgreSQL 15. Running it again applies nothing.
 *
 * <p>
 * Usage: {@code java -jar db-migrate.jar [jdbc-url [user [password]]]}, or RUN_METRICS_JDBC_URL,
 * RUN_METRICS_DB_USER and RUN_METRICS_DB_PASSWORD.
 */
public final class Migrate {

    /** Flyway's history table; MeshHook's own migrations never see or touch it. */
    public static final String HISTORY_TABLE = "run_metrics_schema_history";

    private Migrate() {
    }

    /** Applies the pending migrations and says how many ran. */
    public static MigrateResult apply(String jdbcUrl, String user, String password) {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/run-metrics")
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    public static void main(String[] args) {
        String url = arg(args, 0, "RUN_METRICS_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/run_metrics");
        String user = arg(args, 1, "RUN_METRICS_DB_USER", "postgres");
        String password = arg(args, 2, "RUN_METRICS_DB_PASSWORD", "");
        MigrateResult result = apply(url, user, password);
        System.out.printf("run-metrics schema at version %s (%d migration(s) applied)%n",
                result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
                result.migrationsExecuted);
    }

    private static String arg(String[] args, int index, String env, String fallback) {
        if (args.length > index) {
            return args[index];
        }
        String value = System.getenv(env);
        return value == null || value.isBlank() ? fallback : value;
    }
}
