#!/bin/sh
# A throwaway PostgreSQL 15 cluster for the tests, on a random free port
# with its socket in its own temporary directory.
#
#   cluster.sh start DIR   makes and starts a cluster in DIR (which must
#                          not exist), prints its connection string
#   cluster.sh stop DIR    stops it (fast, then immediate) and removes DIR
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

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || {
	echo "usage: $0 start|stop DIR" >&2
	exit 2
}

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
	port=$(free_port)
	as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
		-o "-p $port -k $dir/run -c listen_addresses='' -c fsync=on \
		-c synchronous_commit=on -c max_connections=200" \
		start >/dev/null || {
		cat "$dir/server.log" >&2
		exit 1
	}
	echo "host=$dir/run port=$port user=postgres"
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
	echo "usage: $0 start|stop DIR" >&2
	exit 2
	;;
esac
