package io.meshhook.metrics.migrate;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies infra/db/migrations to a database with Flyway, as a step of its own (the functions never run JDBC).
 * Works on a MeshHook Supabase database (non-empty schema: baseline at 0, history in a table of our own) and on
 * an empty PostgreSQL 15. Running it again applies nothing.
 *
 * <p>
 * Usage: {@code java -jar db-migrate-cli.jar [migrate|retention|reconcile|repair] [jdbc-url [user [password]]]},
 * or RUN_METRICS_JDBC_URL, RUN_METRICS_DB_USER and RUN_METRICS_DB_PASSWORD; retention ages from
 * RUN_METRICS_RETENTION_OUTCOMES_DAYS (30) and RUN_METRICS_RETENTION_ROLLUPS_DAYS (400). reconcile exits with 1
 * when it finds drift. migrate then keeps the local days of each zone in RUN_METRICS_LOCAL_DAY_ZONES (comma
 * separated IANA names, e.g. {@code Asia/Kathmandu,America/New_York}; none by default: UTC days are always kept).
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

    public static void main(String[] args) throws java.sql.SQLException {
        List<String> rest = new java.util.ArrayList<>(List.of(args));
        String command = !rest.isEmpty() && !rest.get(0).startsWith("jdbc:") ? rest.remove(0) : "migrate";
        String[] connection = rest.toArray(String[]::new);
        String url = arg(connection, 0, "RUN_METRICS_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/run_metrics");
        String user = arg(connection, 1, "RUN_METRICS_DB_USER", "postgres");
        String password = arg(connection, 2, "RUN_METRICS_DB_PASSWORD", "");
        if (command.equals("migrate")) {
            MigrateResult result = apply(url, user, password);
            System.out.printf("run-metrics schema at version %s (%d migration(s) applied)%n",
                    result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
                    result.migrationsExecuted);
            String zones = env("RUN_METRICS_LOCAL_DAY_ZONES", "");
            if (!zones.isBlank()) {
                try (Connection c = java.sql.DriverManager.getConnection(url, user, password)) {
                    for (String zone : zones.split(",")) {
                        System.out.printf("local days of %s kept; newly added day starts: %s%n", zone.strip(),
                                new Maintenance(c).keepLocalDays(zone.strip()));
                    }
                }
            }
            return;
        }
        Duration keepOutcomes = Duration.ofDays(Long.parseLong(env("RUN_METRICS_RETENTION_OUTCOMES_DAYS", "30")));
        Duration keepRollups = Duration.ofDays(Long.parseLong(env("RUN_METRICS_RETENTION_ROLLUPS_DAYS", "400")));
        try (Connection c = java.sql.DriverManager.getConnection(url, user, password)) {
            Maintenance maintenance = new Maintenance(c);
            switch (command) {
                case "retention" -> maintenance.applyRetention(keepOutcomes, keepRollups, 4)
                        .forEach(System.out::println);
                case "reconcile", "repair" -> {
                    List<Maintenance.Drift> drift = maintenance.reconcile(keepOutcomes, keepRollups,
                            command.equals("repair"));
                    drift.forEach(d -> System.out.println(d));
                    System.out.printf("%d drifted row(s)%s%n", drift.size(),
                            command.equals("repair") && !drift.isEmpty() ? ", repaired" : "");
                    if (command.equals("reconcile") && !drift.isEmpty()) {
                        System.exit(1);
                    }
                }
                default -> throw new IllegalArgumentException("unknown command " + command
                        + "; use migrate, retention, reconcile or repair");
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String arg(String[] args, int index, String env, String fallback) {
        if (args.length > index) {
            return args[index];
        }
        String value = System.getenv(env);
        return value == null || value.isBlank() ? fallback : value;
    }
}
