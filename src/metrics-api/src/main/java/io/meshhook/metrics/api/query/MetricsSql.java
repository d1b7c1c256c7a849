package io.meshhook.metrics.api.query;

/**
 * The named, parameterised statements of metrics-api. They run inside a TenantScope transaction as role
 * {@code authenticated}, so RLS has already removed other tenants' rows; filters come from the allow-listed
 * query. Workflows are {@code (project_id, workflow_slug)}: all versions of a workflow share the slug. Only
 * rollups are read for figures, so the cost follows the number of buckets, not the number of runs.
 */
final class MetricsSql {

    private MetricsSql() {
    }

    /** $1 projects, $2 workflow ids, $3 slug text, $4 version. Every visible workflow with its versions. */
    static final String WORKFLOWS = """
            select m.project_id, m.workflow_slug,
                array_agg(m.workflow_id order by m.workflow_version, m.workflow_id) as workflow_ids,
                array_agg(distinct m.workflow_version) as versions,
                max(m.last_run_at) as last_run_at,
                (array_agg(m.last_run_status order by m.last_run_at desc nulls last))[1] as last_run_status
            from workflow_run_metrics m
            where (cardinality($1::uuid[]) = 0 or m.project_id = any($1))
              and (cardinality($2::uuid[]) = 0 or (m.project_id, m.workflow_slug) in
                    (select w.project_id, w.workflow_slug from workflow_run_metrics w where w.workflow_id = any($2)))
              and ($3::text is null or strpos(lower(m.workflow_slug), lower($3)) > 0)
              and ($4::integer is null or m.workflow_version = $4)
            group by m.project_id, m.workflow_slug
            """;

    /** The columns every level gives its statements ({@code workflow_id} is null in the local-day level). */
    private static final String LEVEL_COLUMNS = """
            x.project_id, x.workflow_slug, x.bucket_start, x.succeeded, x.failed, x.timed_out, x.canceled, \
            x.retried, x.duration_sum_ms, x.duration_max_ms, x.duration_hist""";

    /** The levels with version and trigger dimensions, filtered by $9 triggers and $10 version. */
    private static final String FILTERED = " and x.trigger = any($9) and ($10::integer is null or x.workflow_version = $10)";

    /**
     * The rollup rows of the keys $1/$2 in the pieces of a range (RollupPieces): $3/$4 daily, $5/$6 hourly, $7/$8
     * 15-minute ranges, filtered by $9 triggers and $10 version; $11/$12/$13 local-day ranges and their day start
     * minute; $14 true: read hours from the hourly totals instead. The local days and the hourly totals are only
     * read by an unfiltered query: they count every trigger but 'test' and every version.
     * By key: one index range scan per workflow and range, best for few workflows or few ranges.
     */
    private static final String LEVELS_BY_KEY = """
            from unnest($1::uuid[], $2::text[]) as k(project_id, workflow_slug)
            cross join lateral (
                select %1$s, x.workflow_id from unnest($3::timestamptz[], $4::timestamptz[]) as q(f, t)
                join workflow_run_rollups_daily x on x.project_id = k.project_id
                    and x.workflow_slug = k.workflow_slug and x.bucket_start >= q.f and x.bucket_start < q.t%2$s
                union all
                select %1$s, x.workflow_id from unnest($5::timestamptz[], $6::timestamptz[]) as q(f, t)
                join workflow_run_rollups_hourly x on x.project_id = k.project_id
                    and x.workflow_slug = k.workflow_slug and x.bucket_start >= q.f and x.bucket_start < q.t%2$s
                where not $14::boolean
                union all
                select %1$s, null::uuid from unnest($5::timestamptz[], $6::timestamptz[]) as q(f, t)
                join workflow_run_rollups_hourly_totals x on x.project_id = k.project_id
                    and x.workflow_slug = k.workflow_slug and x.bucket_start >= q.f and x.bucket_start < q.t
                where $14::boolean
                union all
                select %1$s, x.workflow_id from unnest($7::timestamptz[], $8::timestamptz[]) as q(f, t)
                join workflow_run_rollups x on x.project_id = k.project_id
                    and x.workflow_slug = k.workflow_slug and x.bucket_start >= q.f and x.bucket_start < q.t%2$s
                union all
                select %1$s, null::uuid
                from unnest($11::timestamptz[], $12::timestamptz[], $13::smallint[]) as q(f, t, m)
                join workflow_run_rollups_local_daily x on x.project_id = k.project_id
                    and x.workflow_slug = k.workflow_slug and x.start_minute = q.m
                    and x.bucket_start >= q.f and x.bucket_start < q.t
            ) r
            """.formatted(LEVEL_COLUMNS, FILTERED);

    /**
     * As LEVELS_BY_KEY, but one index range scan per project and range, keeping the keys' rows: for many workflows
     * over many ranges (a long series in a zone whose days do not start on a UTC hour, like Asia/Kathmandu, when
     * its local days are not kept).
     */
    private static final String LEVELS_BY_PROJECT = """
            from (
                select %1$s, x.workflow_id from unnest($3::timestamptz[], $4::timestamptz[]) as q(f, t)
                join workflow_run_rollups_daily x on x.project_id = any($1::uuid[])
                    and x.bucket_start >= q.f and x.bucket_start < q.t%2$s
                union all
                select %1$s, x.workflow_id from unnest($5::timestamptz[], $6::timestamptz[]) as q(f, t)
                join workflow_run_rollups_hourly x on x.project_id = any($1::uuid[])
                    and x.bucket_start >= q.f and x.bucket_start < q.t%2$s
                where not $14::boolean
                union all
                select %1$s, null::uuid from unnest($5::timestamptz[], $6::timestamptz[]) as q(f, t)
                join workflow_run_rollups_hourly_totals x on x.project_id = any($1::uuid[])
                    and x.bucket_start >= q.f and x.bucket_start < q.t
                where $14::boolean
                union all
                select %1$s, x.workflow_id from unnest($7::timestamptz[], $8::timestamptz[]) as q(f, t)
                join workflow_run_rollups x on x.project_id = any($1::uuid[])
                    and x.bucket_start >= q.f and x.bucket_start < q.t%2$s
                union all
                select %1$s, null::uuid
                from unnest($11::timestamptz[], $12::timestamptz[], $13::smallint[]) as q(f, t, m)
                join workflow_run_rollups_local_daily x on x.project_id = any($1::uuid[])
                    and x.start_minute = q.m and x.bucket_start >= q.f and x.bucket_start < q.t
            ) r
            join (select distinct * from unnest($1::uuid[], $2::text[])) as k(project_id, workflow_slug)
                on k.project_id = r.project_id and k.workflow_slug = r.workflow_slug
            """.formatted(LEVEL_COLUMNS, FILTERED);

    /** A statement over the levels, in both of its forms. */
    record Levels(String byKey, String byProject) {
        private static Levels of(String head, String tail) {
            return new Levels(head + LEVELS_BY_KEY + tail, head + LEVELS_BY_PROJECT + tail);
        }
    }

    /** Pieces cut at $15, the current period's start: before it is the previous period. */
    static final Levels FIGURES = Levels.of("""
            select r.project_id, r.workflow_slug,
                sum(r.succeeded) filter (where r.bucket_start >= $15) as succeeded,
                sum(r.failed) filter (where r.bucket_start >= $15) as failed,
                sum(r.timed_out) filter (where r.bucket_start >= $15) as timed_out,
                sum(r.canceled) filter (where r.bucket_start >= $15) as canceled,
                sum(r.retried) filter (where r.bucket_start >= $15) as retried,
                sum(r.duration_sum_ms) filter (where r.bucket_start >= $15) as duration_sum_ms,
                max(r.duration_max_ms) filter (where r.bucket_start >= $15) as duration_max_ms,
                sum(r.succeeded) filter (where r.bucket_start < $15) as prev_succeeded,
                sum(r.failed) filter (where r.bucket_start < $15) as prev_failed,
                sum(r.timed_out) filter (where r.bucket_start < $15) as prev_timed_out,
                sum(r.canceled) filter (where r.bucket_start < $15) as prev_canceled,
                sum(r.retried) filter (where r.bucket_start < $15) as prev_retried
            """, """
            group by r.project_id, r.workflow_slug
            """);

    /**
     * Every row of the pieces, not grouped, for the summary to add up in Java: its figures of both periods, its
     * histograms and its sparklines from one read of the rollups instead of three. Pieces cut at $15, the current
     * period's start, and at every bucket start; histograms of the current period when $16 (series of days or
     * weeks: one array per workflow and day; hourly buckets would ship one per hour, and HISTOGRAMS reads days).
     */
    static final Levels WINDOW_ROWS = Levels.of("""
            select r.project_id, r.workflow_slug, r.bucket_start, r.succeeded, r.failed, r.timed_out, r.canceled,
                r.retried, r.duration_sum_ms, r.duration_max_ms,
                case when $16::boolean and r.bucket_start >= $15 and cardinality(r.duration_hist) > 0
                    then r.duration_hist end as duration_hist
            """, "");

    /**
     * The duration histograms of the rows, summed per workflow by the reader: adding a few thousand short arrays in
     * Java is several times cheaper than unnesting them into hundreds of thousands of rows and grouping in SQL.
     */
    static final Levels HISTOGRAMS = Levels.of("""
            select r.project_id, r.workflow_slug, r.duration_hist
            """, """
            where cardinality(r.duration_hist) > 0
            """);

    /** Pieces cut at every local bucket start; $15 date_trunc field (null: 15m), $16 zone. */
    static final Levels SERIES = Levels.of("""
            select case when $15::text is null then r.bucket_start else date_trunc($15, r.bucket_start, $16) end
                    as bucket,
                sum(r.succeeded) as succeeded, sum(r.failed) as failed, sum(r.timed_out) as timed_out,
                sum(r.canceled) as canceled
            """, """
            group by bucket
            order by bucket
            """);

    /** One workflow ($1/$2 with one key): each version's figures in the range and its last run. */
    static final Levels VERSIONS = Levels.of("""
            select m.workflow_id, m.workflow_version, m.last_run_at, m.last_run_status,
                coalesce(a.succeeded, 0) as succeeded, coalesce(a.failed, 0) as failed,
                coalesce(a.timed_out, 0) as timed_out, coalesce(a.canceled, 0) as canceled,
                coalesce(a.retried, 0) as retried
            from workflow_run_metrics m
            left join (
                select r.workflow_id, sum(r.succeeded) as succeeded, sum(r.failed) as failed,
                    sum(r.timed_out) as timed_out, sum(r.canceled) as canceled, sum(r.retried) as retried
            """, """
                group by r.workflow_id
            ) a on a.workflow_id = m.workflow_id
            where m.project_id = ($1::uuid[])[1] and m.workflow_slug = ($2::text[])[1]
              and ($10::integer is null or m.workflow_version = $10)
            order by m.workflow_version desc, m.workflow_id
            """);

    /** The day-start minutes whose local days are kept (0, UTC, always). */
    static final String LOCAL_DAY_STARTS = "select start_minute from run_metrics_local_day_starts";

    /** $1 any version's workflow id. The workflow it names, if the caller may see it. */
    static final String RESOLVE = """
            select project_id, workflow_slug from workflow_run_metrics where workflow_id = $1
            """;

    /** $1 project, $2 slug, $3 start (hour-aligned), $4 end. Top error codes (the error rollups are hourly). */
    static final String TOP_ERRORS = """
            select e.error_code, sum(e.occurrences) as occurrences, max(e.last_seen_at) as last_seen_at,
                (array_agg(e.sample_message order by e.last_seen_at desc)
                    filter (where e.sample_message is not null))[1] as sample_message
            from workflow_run_error_rollups e
            where e.project_id = $1 and e.workflow_slug = $2 and e.bucket_start >= $3 and e.bucket_start < $4
            group by e.error_code
            order by occurrences desc, last_seen_at desc
            limit 10
            """;

    /** $1 project, $2 slug, $3 start, $4 end, $5 triggers, $6 version. The latest failed runs (raw, indexed). */
    static final String RECENT_FAILURES = """
            select o.run_id, o.workflow_version, o.status, o.finished_at, o.duration_ms, o.error_code,
                o.error_message, o.error_step
            from workflow_run_outcomes o
            where o.project_id = $1 and o.workflow_slug = $2 and o.finished_at >= $3 and o.finished_at < $4
              and o.trigger = any($5) and ($6::integer is null or o.workflow_version = $6)
              and o.status in ('failed', 'timed_out')
            order by o.finished_at desc
            limit 20
            """;
}
