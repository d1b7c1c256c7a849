-- A duration's bucket found without a logarithm.
--
-- Why: run_metrics_duration_bucket took a numeric logarithm, about 12 us a call, and was never inlined (least() is
-- not strict). The reconcile check calls it for every raw outcome it recounts: 12 of its 38 s on the
-- 1-million-outcome data set.

-- The bucket of a duration, as V2 defined it (1 + floor(4 * log2(1 + d)), at most 160), without the logarithm: the
-- array holds the smallest duration of buckets 2 .. 160, the least d with (1 + d)^4 >= 2^(k - 1) for bucket k,
-- and width_bucket counts how many of them d has reached (a negative d none: bucket 1, as V2's greatest(d, 0)).
-- The same result for every bigint: MigrationsTest checks it against V2's definition at each edge and three
-- durations either side (edges computed there in exact integer arithmetic), on every duration from -1,000 to
-- 200,000 ms, at powers of two and their neighbours up to 2^63 - 1, on 20,000 random ones and at the extremes.
-- Over the 1 million raw outcomes: 12.4 s before, 0.2 s now (about what reading the durations costs); it is now
-- inlined into the statements that call it, and the record statement calls it for every run too.
create or replace function run_metrics_duration_bucket(duration_ms bigint) returns integer
    language sql immutable strict parallel safe
as $$
    select 1 + width_bucket(duration_ms, '{1,1,1,1,2,2,3,3,4,5,6,7,9,11,13,15,19,22,26,31,38,45,53,63,76,90,107,127,152,181,
        215,255,304,362,430,511,608,724,861,1023,1217,1448,1722,2047,2435,2896,3444,4095,4870,5792,6888,8191,9741,11585,
        13777,16383,19483,23170,27554,32767,38967,46340,55108,65535,77935,92681,110217,131071,155871,185363,220435,262143,
        311743,370727,440871,524287,623487,741455,881743,1048575,1246974,1482910,1763487,2097151,2493948,2965820,3526975,
        4194303,4987896,5931641,7053950,8388607,9975792,11863283,14107900,16777215,19951584,23726566,28215801,33554431,
        39903169,47453132,56431603,67108863,79806338,94906265,112863206,134217727,159612677,189812531,225726412,268435455,
        319225354,379625062,451452825,536870911,638450708,759250124,902905650,1073741823,1276901416,1518500249,1805811301,
        2147483647,2553802833,3037000499,3611622602,4294967295,5107605667,6074000999,7223245205,8589934591,10215211334,
        12148001999,14446490411,17179869183,20430422668,24296003999,28892980822,34359738367,40860845336,48592007999,
        57785961645,68719476735,81721690673,97184015999,115571923290,137438953471,163443381347,194368031998,231143846581,
        274877906943,326886762694,388736063996,462287693163,549755813887,653773525389,777472127993,924575386326}'::bigint[])
$$;
