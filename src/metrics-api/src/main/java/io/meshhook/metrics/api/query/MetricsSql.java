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

    /**
     * Every row of the pieces, not grouped, for the reader to add up in Java (columns read by position; {@code k.n}
     * is the workflow's ordinal in the keys): the figures of both periods, the current period's histograms (as
     * text, see HistogramSum) and the series buckets from one read of the rollups. Pieces cut at {@code @from}, the
     * current period's start, and at every bucket start.
     */
    static final LevelStatement WINDOW_ROWS = windowRows("""
            case when r.bucket_start >= @from::timestamptz and cardinality(r.duration_hist) > 0
                then '{' || array_to_string(r.duration_hist, ',', '') || '}' end""");

    /**
     * WINDOW_ROWS without the histograms (HISTOGRAMS reads them from whole days): a statement that never names
     * {@code duration_hist}, so that PostgreSQL may answer it from the hourly totals' narrow index (V14) instead of
     * the key that carries the histograms, twice its size.
     */
    static final LevelStatement WINDOW_COUNTS = windowRows("null::text");

    private static LevelStatement windowRows(String histogram) {
        return new LevelStatement("""
                select k.n, r.bucket_start, r.succeeded, r.failed, r.timed_out, r.canceled, r.retried,
                    r.duration_sum_ms, r.duration_max_ms, %s as duration_hist
                """.formatted(histogram), "");
    }

    /**
     * The duration histograms of the rows, summed per workflow by the reader: adding a few thousand short arrays in
     * Java is several times cheaper than unnesting them into hundreds of thousands of rows and grouping in SQL.
     * Empty buckets (nulls since V13) are shipped as nothing between two commas ({@code {,,3,1}}), not as
     * {@code NULL}: a histogram's text is then shorter than with zeros.
     */
    static final LevelStatement HISTOGRAMS = new LevelStatement("""
            select k.n, '{' || array_to_string(r.duration_hist, ',', '') || '}'
            """, """
            where cardinality(r.duration_hist) > 0
            """);

    /** One workflow (the keys hold one): each version's figures in the range and its last run. */
    static final LevelStatement VERSIONS = new LevelStatement("""
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
            where m.project_id = (@projects::uuid[])[1] and m.workflow_slug = (@slugs::text[])[1]
              and (@version::integer is null or m.workflow_version = @version::integer)
            order by m.workflow_version desc, m.workflow_id
            """);

    /** The day-start minutes whose local days are kept (0, UTC, always). */
    static final String LOCAL_DAY_STARTS = "select start_minute from run_metrics_local_day_starts";

    /** $1 any version's workflow id. The workflow it names, if the caller may see it. */
    static final String RESOLVE = """
            select project_id, workflow_slug from workflow_run_metrics where workflow_id = $1
            """;

    /**
     * $1 project, $2 slug, $3 start (hour-aligned), $4 end. Top error codes (the error rollups are hourly): ranked
     * from the key alone, which carries the occurrences and the last time seen (V15), and then each of the ten codes'
     * latest sample message, from its latest hour that has one, through the index of the rows with a message (an
     * hour's last_seen_at lies within the hour, so the latest hour is the latest seen). Aggregating the messages
     * along with the figures read every row's heap page: on a live database about one page a row.
     */
    static final String TOP_ERRORS = """
            select t.error_code, t.occurrences, t.last_seen_at,
                (select s.sample_message from workflow_run_error_rollups s
                 where s.project_id = $1 and s.workflow_slug = $2 and s.bucket_start >= $3 and s.bucket_start < $4
                   and s.error_code = t.error_code and s.sample_message is not null
                 order by s.bucket_start desc
                 limit 1) as sample_message
            from (
                select e.error_code, sum(e.occurrences) as occurrences, max(e.last_seen_at) as last_seen_at
                from workflow_run_error_rollups e
                where e.project_id = $1 and e.workflow_slug = $2 and e.bucket_start >= $3 and e.bucket_start < $4
                group by e.error_code
                order by occurrences desc, last_seen_at desc
                limit 10) t
            order by t.occurrences desc, t.last_seen_at desc
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
