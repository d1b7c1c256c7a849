package io.meshhook.metrics.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The migrations apply to plain PostgreSQL, where they bring their own stand-ins for Supabase and MeshHook, and to
 * a MeshHook database on Supabase, where they must not replace or alter anything MeshHook already has.
 */
class MigrationsTest {

    private static final String FIXTURE = "/fixtures/meshhook-supabase.sql";
    private static final List<String> OUR_TABLES = List.of("workflow_run_outcome_keys", "workflow_run_outcomes",
            "workflow_run_metrics", "workflow_run_rollups", "workflow_run_error_rollups", "workflow_run_rollups_hourly",
            "workflow_run_rollups_daily", "workflow_run_rollups_hourly_totals", "workflow_run_rollups_local_daily",
            "run_metrics_local_day_starts");

    private final List<TestDatabase> databases = new ArrayList<>();

    /** What the migrations are applied to. */
    enum Start {
        EMPTY, MESHHOOK
    }

    @AfterEach
    void dropDatabases() {
        databases.forEach(TestDatabase::close);
    }

    @ParameterizedTest
    @EnumSource(Start.class)
    void shouldApplyTheMigrationsOnlyOnceWhenRunTwice(Start start) {
        TestDatabase db = database(start);

        assertThat(db.migrate()).isPositive();
        assertThat(db.migrate()).isZero();
    }

    @Test
    void shouldCreateTheSupabaseStandInsWhenTheDatabaseIsEmpty() {
        TestDatabase db = database(Start.EMPTY);
        db.migrate();
        UUID owner = UUID.randomUUID();
        UUID project = db.createProject(owner, "owned");
        db.createProject(UUID.randomUUID(), "someone else's");

        assertThat(db.queryAsUser(owner, "select auth.uid() as uid")).containsExactly(Map.of("uid", owner));
        // a pooled connection keeps the setting as '' after a user's transaction, which must not break the service
        assertThat(db.query("select auth.uid() is null as anonymous"
                + " from (select set_config('request.jwt.claims', '', false)) as reused_connection"))
                .containsExactly(Map.of("anonymous", true));
        assertThat(db.queryAsUser(owner, "select user_project_ids() as id")).containsExactly(Map.of("id", project));
        assertThat(columns(db, "projects")).extracting(column -> column.get("column_name"))
                .containsExactly("id", "owner", "name", "created_at", "updated_at");
        assertThat(db.query("select rolname, rolbypassrls from pg_roles"
                + " where rolname in ('anon', 'authenticated', 'service_role')"))
                .containsExactlyInAnyOrder(Map.of("rolname", "anon", "rolbypassrls", false),
                        Map.of("rolname", "authenticated", "rolbypassrls", false),
                        Map.of("rolname", "service_role", "rolbypassrls", true));
    }

    @Test
    void shouldLeaveMeshHooksObjectsAsTheyWereWhenAppliedOnTopOfThem() {
        TestDatabase db = database(Start.MESHHOOK);
        String uidBefore = functionBody(db, "auth.uid()");
        String projectIdsBefore = functionBody(db, "public.user_project_ids()");
        List<Map<String, Object>> projectColumnsBefore = columns(db, "projects");

        db.migrate();

        assertThat(functionBody(db, "auth.uid()")).isEqualTo(uidBefore).contains("meshhook-fixture");
        assertThat(functionBody(db, "public.user_project_ids()")).isEqualTo(projectIdsBefore)
                .contains("meshhook-fixture");
        assertThat(columns(db, "projects")).isEqualTo(projectColumnsBefore);
        assertThat(db.query("select tgname from pg_trigger where tgrelid = 'public.projects'::regclass"
                + " and not tgisinternal")).containsExactly(Map.of("tgname", "projects_updated_at"));
        assertThat(
                db.query("select policyname from pg_policies where schemaname = 'public' and tablename = 'projects'"))
                .containsExactly(Map.of("policyname", "owners see their projects"));
        assertThat(db.scalar("select count(*) from pg_publication_tables where pubname = 'supabase_realtime'"
                + " and schemaname = 'public' and tablename = 'workflow_run_metrics'")).isOne();
    }

    @ParameterizedTest
    @EnumSource(Start.class)
    void shouldEnableRowLevelSecurityAndShutAnonOutOfEveryTableWhenMigrated(Start start) {
        TestDatabase db = database(start);
        db.migrate();
        List<String> tables = new ArrayList<>(OUR_TABLES);
        // Supabase's default privileges grant every new table to anon, also a weekly partition made on demand
        tables.add((String) db.query("select run_metrics_ensure_outcome_partition(now()) as name").get(0).get("name"));

        assertThat(tables).allSatisfy(table -> assertThat(db.query("""
                select relrowsecurity as rls,
                    has_table_privilege('anon', oid, 'select, insert, update, delete, truncate, references, trigger')
                        as anon,
                    has_table_privilege('authenticated', oid, 'insert, update, delete, truncate, references, trigger')
                        as authenticated_writes
                from pg_class where oid = to_regclass(?)""", "public." + table)).as(table)
                .containsExactly(Map.of("rls", true, "anon", false, "authenticated_writes", false)));
    }

    @Test
    void shouldSumHistogramsExactlyAsTheFirstDefinitionDidWithEmptyBucketsAsNulls() {
        // V8 rewrote the sum in PL/pgSQL; V13 keeps empty buckets as nulls (a bit each) instead of zeros (4 bytes)
        TestDatabase db = database(Start.EMPTY);
        db.migrate();
        // V2's definition, verbatim, as the reference the faster PL/pgSQL one must agree with
        db.execute("""
                create function v2_hist_add(a integer[], b integer[]) returns integer[] language sql immutable as $$
                    select coalesce(array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) order by i), '{}')
                    from generate_series(1, greatest(coalesce(cardinality(a), 0), coalesce(cardinality(b), 0))) as i
                $$""");
        String pairs = """
                with edge(a, b) as (values (null::int[], null::int[]), ('{}', '{}'), ('{1,null,2}', '{}'),
                    ('{}', '{null,1}'), ('{1}', '{0,0,3}'), ('{0,0,3}', '{1}'), (null, '{1}'), ('{1,2}', null),
                    ('{null}', '{null,null}')),
                random(a, b) as (
                    select (select array_agg(case when random() < 0.1 then null else (random() * 9)::int end)
                            from generate_series(1, (random() * 60)::int + g * 0)),
                        (select array_agg((random() * 9)::int) from generate_series(1, (random() * 60)::int + g * 0))
                    from generate_series(1, 2000) g),
                one_hot(a, b) as (
                    select '{}'::int[], run_metrics_hist_one(1 + g % 70) from generate_series(0, 200) g)
                select count(*) as pairs,
                    count(*) filter (where run_metrics_hist_add(a, b)
                        is distinct from array_replace(v2_hist_add(a, b), 0, null)) as differ,
                    count(*) filter (where run_metrics_hist_add(b, a)
                        is distinct from array_replace(v2_hist_add(b, a), 0, null)) as differ_swapped
                from (select * from edge union all select * from random union all select * from one_hot) p""";

        assertThat(db.query(pairs)).containsExactly(Map.of("pairs", 2210L, "differ", 0L, "differ_swapped", 0L));
        assertThat(db.query("select run_metrics_hist_add('{1,null}', '{0,0,3}')::text as sum"))
                .containsExactly(Map.of("sum", "{1,NULL,3}"));
        assertThat(db.query("select run_metrics_hist_one(4)::text as one, run_metrics_hist_one(1)::text as first"))
                .containsExactly(Map.of("one", "{NULL,NULL,NULL,1}", "first", "{1}"));
        // what V13 is for: 49 buckets with 4 in use (the benchmark data set's average) in a fifth of the bytes
        assertThat(db.query("select pg_column_size(h) as zeros, pg_column_size(run_metrics_hist_add(h, '{}'))"
                + " as compact from (select array_fill(0, array[45]) || '{3,1,7,2}'::int[] as h) x"))
                .containsExactly(Map.of("zeros", 220, "compact", 48));
    }

    @Test
    void shouldBucketEveryDurationExactlyAsTheFirstDefinitionDidAfterV10RewroteIt() {
        TestDatabase db = database(Start.EMPTY);
        db.migrate();
        // V2's definition, verbatim, as the reference the logarithm-free one must agree with
        db.execute("""
                create function v2_duration_bucket(duration_ms bigint) returns integer
                    language sql immutable strict parallel safe
                as $$
                    select least(160, 1 + floor(4 * log(2, 1 + greatest(duration_ms, 0)::numeric))::integer)
                $$""");
        // Both are steps that only go up, the new one changing only where (1 + d)^4 reaches a power of two: equal
        // at every such edge and either side of it, they are equal everywhere in between. The edges are computed
        // here apart from the function's list: the least d with (1 + d)^4 >= 2^k, exactly, in numeric.
        String durations = """
                with edge(d) as (
                    select (select min(x) - 1 from generate_series(floor(power(2::numeric, k / 4.0))::bigint,
                                floor(power(2::numeric, k / 4.0))::bigint + 2) x
                            where (x::numeric) ^ 4 >= 2::numeric ^ k)
                    from generate_series(1, 170) k),
                durations(d) as (
                    select e.d + o from edge e, generate_series(-3, 3) o
                    union all select g from generate_series(-1000::bigint, 200000) g
                    union all select p::bigint from (select (2::numeric ^ i + o) as p from generate_series(0, 63) i,
                        generate_series(-2, 2) o) x where p <= 9223372036854775807
                    union all select (random() * 2 ^ (random() * 62))::bigint from generate_series(1, 20000)
                    union all select unnest(array[-9223372036854775808, -1, 0, 1, 924575386325, 924575386326,
                        9223372036854775806, 9223372036854775807, null]::bigint[]))
                select count(*) as durations,
                    count(*) filter (where run_metrics_duration_bucket(d) is distinct from v2_duration_bucket(d))
                        as differ,
                    max(run_metrics_duration_bucket(d)) as highest, count(*) filter (where d is null) as nulls
                from durations""";

        assertThat(db.query(durations)).singleElement().satisfies(row -> {
            assertThat(row.get("differ")).isEqualTo(0L);
            assertThat((Long) row.get("durations")).isGreaterThan(220_000L);
            assertThat(row.get("highest")).isEqualTo(160);
            assertThat(row.get("nulls")).isEqualTo(1L);
        });
    }

    @Test
    void shouldServeEveryForeignKeyOfOursWithAnIndexLeadingWithItsColumnsWhenMigrated() {
        TestDatabase db = database(Start.MESHHOOK);
        db.migrate();
        // PostgreSQL finds the rows a deleted row cascades to by the key's columns: without an index leading with
        // them, deleting one alert rule read every tenant's states, events and notifications (V4's keys; V9)
        String keys = """
                select c.conrelid::regclass::text as table_name, c.conname as key,
                    exists (select 1 from pg_index i
                            where i.indrelid = c.conrelid
                              and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
                              and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey)
                        as indexed
                from pg_constraint c
                where c.contype = 'f' and c.connamespace = 'public'::regnamespace
                  and (c.conrelid::regclass::text like 'alert\\_%' or c.conrelid::regclass::text like any (?))
                order by 1, 2""";

        List<Map<String, Object>> found = db.query(keys, (Object) OUR_TABLES.toArray(String[]::new));

        assertThat(found).extracting(key -> key.get("table_name")).contains("alert_states", "alert_events",
                "alert_notifications");
        assertThat(found).allSatisfy(key -> assertThat(key.get("indexed")).as(key.toString()).isEqualTo(true));
    }

    @Test
    void shouldKeepARulesStatesEventsAndNotificationsInItsProjectAndDeleteThemWithIt() {
        TestDatabase db = database(Start.EMPTY);
        db.migrate();
        UUID owner = UUID.randomUUID();
        UUID project = db.createProject(owner, "rules");
        UUID other = db.createProject(owner, "other");
        UUID rule = UUID.randomUUID();
        db.execute("insert into alert_rules (project_id, id, name, metric, operator, threshold, window_seconds)"
                + " values (?, ?, 'failing', 'failureRate', 'above', 0.3, 3600)", project, rule);
        String state = "insert into alert_states (project_id, rule_id, workflow_slug, state, state_since,"
                + " last_evaluated_at) values (?, ?, 'order-sync', 'ok', now(), now())";
        String event = "insert into alert_events (project_id, id, rule_id, workflow_slug, kind, to_state, occurred_at)"
                + " values (?, ?, ?, 'order-sync', 'transition', 'firing', now())";
        String notification = "insert into alert_notifications (project_id, event_id, rule_id, channel, target,"
                + " payload) values (?, ?, ?, 'email', 'ops@example.com', '{}')";
        UUID eventId = UUID.randomUUID();

        // tried: each row naming the rule from another project of the same owner
        assertThatThrownBy(() -> db.execute(state, other, rule)).hasMessageContaining("alert_states_rule");
        assertThatThrownBy(() -> db.execute(event, other, eventId, rule)).hasMessageContaining("alert_events_rule");
        assertThatThrownBy(() -> db.execute(notification, other, eventId, rule))
                .hasMessageContaining("alert_notifications_rule");
        db.execute(state, project, rule);
        db.execute(event, project, eventId, rule);
        db.execute(notification, project, eventId, rule);
        db.execute("delete from alert_rules where id = ?", rule);

        assertThat(db.query("select (select count(*) from alert_states) as states,"
                + " (select count(*) from alert_events) as events,"
                + " (select count(*) from alert_notifications) as notifications"))
                .containsExactly(Map.of("states", 0L, "events", 0L, "notifications", 0L));
    }

    private TestDatabase database(Start start) {
        TestDatabase db = TestDatabase.createEmpty(start.name().toLowerCase(Locale.ROOT));
        databases.add(db);
        if (start == Start.MESHHOOK) {
            db.runScript(FIXTURE);
        }
        return db;
    }

    private static String functionBody(TestDatabase db, String signature) {
        return (String) db.query("select prosrc from pg_proc where oid = to_regprocedure(?)", signature).get(0)
                .get("prosrc");
    }

    private static List<Map<String, Object>> columns(TestDatabase db, String table) {
        return db.query("select column_name, data_type, is_nullable, column_default from information_schema.columns"
                + " where table_schema = 'public' and table_name = ? order by ordinal_position", table);
    }
}
