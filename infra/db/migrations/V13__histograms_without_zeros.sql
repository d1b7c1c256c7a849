-- Duration histograms keep their empty buckets as nulls instead of zeros: an array stores a null as one bit of its
-- null bitmap and a 0 as four bytes. Nothing changes in meaning: every reader already counts a null (or a missing
-- element) as 0 - run_metrics_hist_add, reconcile (V10), metrics-api's HistogramSum.
--
-- Why: histograms are most of a rollup row, and most of a histogram is zeros. Durations fall in a few of the 159
-- buckets, far from the first: on the benchmark's 10-million-outcome data set an hourly total's histogram had 49
-- elements on average, 45 of them 0, and took 218 of the row's ~330 bytes in the totals' keys (which carry the
-- figures since V8 and V12). Every read of the rollups reads these rows; a page that is not in PostgreSQL's buffers
-- is a read from disk on a busy machine, so fewer bytes per row are fewer reads per request.
--
-- Rows written before this migration keep their zeros (they are equal to the compact form for every reader) until
-- the record path next adds a run to them. Compacting them all is a rewrite of every rollup row, left to an
-- operator who wants the space back (README, "Database and migrations").
create or replace function run_metrics_hist_one(bucket integer) returns integer[]
    language sql immutable strict parallel safe
as $$
    select array_fill(null::integer, array[bucket - 1]) || 1
$$;

-- V8's element-by-element sum, with missing or null elements as 0; a bucket that sums to 0 is null.
create or replace function run_metrics_hist_add(a integer[], b integer[]) returns integer[]
    language plpgsql immutable parallel safe
as $$
declare
    total integer[];
begin
    if coalesce(cardinality(a), 0) = 0 then
        return coalesce(array_replace(b, 0, null), '{}');
    end if;
    if coalesce(cardinality(b), 0) = 0 then
        return array_replace(a, 0, null);
    end if;
    if cardinality(a) >= cardinality(b) then
        total := a;
    else
        total := b;
        b := a;
    end if;
    for i in 1 .. cardinality(b) loop
        total[i] := coalesce(total[i], 0) + coalesce(b[i], 0);
    end loop;
    return array_replace(total, 0, null);
end
$$;
