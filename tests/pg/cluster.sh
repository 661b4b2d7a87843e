#!/bin/sh
# A throwaway PostgreSQL 15 cluster for the tests, on a random free port
# with its socket in its own temporary directory.
#
#   cluster.sh start DIR   makes and starts a cluster in DIR (which must
#                          not exist), prints its connection string
#   cluster.sh stop DIR    stops it (fast, then immediate) and removes DIR
#   cluster.sh standby PRIMARY DIR
#                          makes DIR a synchronous standby of the cluster
#                          in PRIMARY (pg_basebackup -R), starts it and
#                          waits until the primary reports it in sync;
#                          prints its connection string
#   cluster.sh kill DIR    stops it at once (-m immediate), as a machine
#                          lost would; DIR stays
#   cluster.sh promote DIR makes a standby the primary
#
# initdb refuses to run as root: from root the cluster belongs to the
# postgres user (runuser), else to the caller. Durability as in
# production: fsync and synchronous_commit on.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

free_port() {
	# A port nothing listens on, chosen at random in the dynamic range.
	i=0
	while [ $i -lt 50 ]; do
		p=$(( ($(od -An -N2 -tu2 /dev/urandom) % 16000) + 40000 ))
		if ! ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return 0
		fi
		i=$((i + 1))
	done
	return 1
}

# Starts the cluster in $dir/data on a free port: the port into $port.
serve() {
	port=$(free_port)
	as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
		-o "-p $port -k $dir/run -c listen_addresses='' -c fsync=on \
		-c synchronous_commit=on -c max_connections=200" \
		start >/dev/null || {
		cat "$dir/server.log" >&2
		exit 1
	}
}

# psql on the cluster in $1 (running), as the superuser.
sql() {
	p=$(sed -n 4p "$1/data/postmaster.pid")
	psql -XAtq "host=$1/run port=$p user=postgres dbname=postgres" -c "$2"
}

usage() {
	echo "usage: $0 start|stop|kill|promote DIR, $0 standby PRIMARY DIR" >&2
	exit 2
}

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || usage

case $cmd in
start)
	[ -x "$PGBIN/initdb" ] || {
		echo "cluster.sh: no PostgreSQL 15 in $PGBIN" >&2
		exit 77
	}
	mkdir "$dir"
	mkdir "$dir/run"
	[ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
	as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust \
		-E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		exit 1
	}
	serve
	echo "host=$dir/run port=$port user=postgres"
	;;
standby)
	primary=$dir
	dir=${3:-}
	[ -n "$dir" ] || usage
	mkdir "$dir"
	mkdir "$dir/run"
	[ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
	# The copy first: the setting below must not travel with it (a
	# promoted standby would then wait for a standby of its own).
	as_owner "$PGBIN/pg_basebackup" -D "$dir/data" -R -X stream -c fast \
		-h "$primary/run" -p "$(sed -n 4p "$primary/data/postmaster.pid")" \
		-U postgres >"$dir/basebackup.log" 2>&1 || {
		cat "$dir/basebackup.log" >&2
		exit 1
	}
	serve
	sql "$primary" "ALTER SYSTEM SET synchronous_standby_names = '*'"
	sql "$primary" "SELECT pg_reload_conf()" >/dev/null
	i=0
	until [ "$(sql "$primary" "SELECT count(*) FROM pg_stat_replication
		WHERE sync_state = 'sync'")" = 1 ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || {
			echo "cluster.sh: the standby in $dir is not in sync" >&2
			exit 1
		}
		sleep 0.1
	done
	echo "host=$dir/run port=$port user=postgres"
	;;
kill)
	as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
	;;
promote)
	as_owner "$PGBIN/pg_ctl" -D "$dir/data" -w promote >/dev/null
	;;
stop)
	[ -d "$dir" ] || exit 0
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 20 \
			stop >/dev/null 2>&1 ||
			as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate \
				-w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	usage
	;;
esac
