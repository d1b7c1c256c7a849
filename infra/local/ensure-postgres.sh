#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for user postgres without a password, as the tests
# and the local run expect: uses one that is already running, or (as root) installs it from Debian's packages,
# starts the cluster and trusts local TCP connections. Otherwise says exactly what to do.
set -euo pipefail

answers() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; }

if command -v psql >/dev/null 2>&1 && answers; then
  echo "PostgreSQL answers on 127.0.0.1:5432"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  cat >&2 <<'MSG'
PostgreSQL does not answer on 127.0.0.1:5432 as user postgres without a password, and this is not root.
Either run this as root (it installs and starts PostgreSQL from the OS packages), or:
  sudo apt-get install -y postgresql
  sudo pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
  and allow 'host all postgres 127.0.0.1/32 trust' in pg_hba.conf (test machines only).
MSG
  exit 1
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
  echo "installing PostgreSQL from the OS packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /etc/postgresql | sort -V | tail -n 1)
hba=/etc/postgresql/$version/main/pg_hba.conf
if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
  # test and development machines only: local TCP connections without a password, as the tests expect
  sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || \
  pg_ctlcluster --skip-systemctl-redirect "$version" main reload

for _ in $(seq 1 30); do
  answers && { echo "PostgreSQL $version answers on 127.0.0.1:5432"; exit 0; }
  sleep 1
done
echo "PostgreSQL $version did not come up; see /var/log/postgresql/" >&2
exit 1
