package io.meshhook.metrics.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.meshhook.metrics.migrate.Migrate;

/**
 * A PostgreSQL database of a test's own on the local server, created empty (or with a fixture that recreates
 * MeshHook's Supabase shape), migrated with the real migrations, dropped afterwards. Also the test's independent
 * window on the data: plain JDBC, as the service or as a user under RLS.
 */
public final class TestDatabase implements AutoCloseable {

    private static final String SERVER_URL = System.getProperty("test.pg.url",
            "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = System.getProperty("test.pg.user", "postgres");

    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    /** Creates an empty database with a unique name. */
    public static TestDatabase createEmpty(String purpose) {
        String name = "rm_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = open(SERVER_URL);
                Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + SERVER_URL
                    + "; is PostgreSQL running? (see .ci/run)", e);
        }
        return new TestDatabase(name);
    }

    /** Creates a database and applies the migrations. */
    public static TestDatabase createMigrated(String purpose) {
        TestDatabase db = createEmpty(purpose);
        db.migrate();
        return db;
    }

    public int migrate() {
        return Migrate.apply(jdbcUrl(), USER, "").migrationsExecuted;
    }

    /** Runs a SQL script from the test-support resources (e.g. the MeshHook fixture). */
    public void runScript(String resource) {
        try (InputStream in = TestDatabase.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + resource);
            }
            execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return SERVER_URL.substring(0, SERVER_URL.lastIndexOf('/') + 1) + name;
    }

    /** The URL the functions' reactive client uses. */
    public String reactiveUrl() {
        return jdbcUrl().substring("jdbc:".length());
    }

    public String user() {
        return USER;
    }

    /** The PostgreSQL server's host, as the tests reach it. */
    public String host() {
        return URI.create(SERVER_URL.substring("jdbc:".length())).getHost();
    }

    /** The PostgreSQL server's port. */
    public int port() {
        int port = URI.create(SERVER_URL.substring("jdbc:".length())).getPort();
        return port < 0 ? 5432 : port;
    }

    /**
     * Terminates every other session on this database, as a server restart does: their open transactions are
     * rolled back. Only this test's own database; the shared server and other databases are untouched.
     */
    public long terminateSessions() {
        return scalar("select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity"
                + " where datname = ? and pid <> pg_backend_pid()", name);
    }

    /** Executes statements as the service (the owner, which bypasses RLS). */
    public void execute(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            s.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Rows of a query as the service. */
    public List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = connect()) {
            return query(c, sql, params);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A single number from a query as the service, e.g. a count. */
    public long scalar(String sql, Object... params) {
        Object value = query(sql, params).get(0).values().iterator().next();
        return value == null ? 0 : ((Number) value).longValue();
    }

    /**
     * Rows of a query as a signed-in user: role authenticated with the user's claims, exactly as the functions set
     * them; no application filter, so only row-level security decides what is returned.
     */
    public List<Map<String, Object>> queryAsUser(UUID userId, String sql, Object... params) {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("select set_config('request.jwt.claims', ?, true),"
                    + " set_config('role', 'authenticated', true)")) {
                s.setString(1, "{\"sub\":\"" + userId + "\",\"role\":\"authenticated\",\"aud\":\"authenticated\"}");
                s.execute();
            }
            List<Map<String, Object>> rows = query(c, sql, params);
            c.rollback();
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Creates a project owned by the user and returns its id. */
    public UUID createProject(UUID owner, String projectName) {
        UUID id = UUID.randomUUID();
        execute("insert into projects (id, owner, name) values (?, ?, ?)", id, owner, projectName);
        return id;
    }

    @Override
    public void close() {
        try (Connection c = open(SERVER_URL);
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + name + " with (force)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Opens a connection with the driver class itself: DriverManager only offers drivers of the class loader that
     * registered first, and each Quarkus test application (a test profile restarts it) has a loader of its own.
     */
    private static Connection open(String url) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        return new org.postgresql.Driver().connect(url, properties);
    }

    private Connection connect() throws SQLException {
        return open(jdbcUrl());
    }

    private static List<Map<String, Object>> query(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            try (ResultSet rs = s.executeQuery()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= columns; i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    private static void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            s.setObject(i + 1, params[i]);
        }
    }
}
