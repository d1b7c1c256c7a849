"""Prints a pgbench script running the record statement exactly as record-outcome does, one random run a time.

The statement is read from the compiled OutcomeSql (javap -constants on stdin), so the baseline can never drift
from what the function runs."""
import ast
import re
import sys

source = sys.stdin.read()
sql = ast.literal_eval(re.search(r'String RECORD = (".*?");\n', source, re.S).group(1))
run = """jsonb_build_array(jsonb_build_object('ord', 0, 'run_id', gen_random_uuid(),
  'project_id', ':project'::uuid, 'workflow_id', ('00000000-0000-4000-8000-' || lpad(:w::text, 12, '0'))::uuid,
  'workflow_slug', 'wf-' || :w, 'workflow_version', 1, 'status', 'succeeded', 'trigger', 'webhook',
  'attempt', 1, 'started_at', now() - interval '1 second', 'finished_at', now(), 'duration_ms', 1000,
  'fingerprint', gen_random_uuid()))"""
sql = sql.replace("$1::jsonb", run).replace("$2", "2592000")
sql = "\n".join(line.split("--")[0] for line in sql.splitlines())  # pgbench wants one line: drop comments
print("\\set w random(0, :workflows - 1)")
print(" ".join(sql.split()) + ";")
